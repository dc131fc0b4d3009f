// Which waiting batches go in the next upstream Produce request. Kafka takes one batch per
// partition, so batches that meet on a partition are merged when they may be (produce-merge.ts);
// one that may not waits for a later request, and so does every later batch of its client for that
// partition, so that none overtakes an earlier one. The request stops growing at maxBytes (its
// first batch goes whatever its size).

import type { Part } from "./produce-entry.ts";
import { sameKind } from "./produce-merge.ts";

export interface Slot {
  readonly topic: string;
  readonly partition: number;
  /** More than one: merged into one batch. */
  readonly parts: Part[];
}

export interface Plan {
  slots: Slot[];
  /** What waits, in the order it came. */
  rest: Part[];
}

function joins(slot: Slot, part: Part): boolean {
  const batch = part.merge();
  return batch !== null && slot.parts.every((p) => {
    const other = p.merge();
    return other !== null && sameKind(other, batch);
  });
}

/** `held`: a batch that must wait whatever room there is. */
export function plan(queue: readonly Part[], held: (part: Part) => boolean, maxBytes: number): Plan {
  const slots = new Map<string, Slot>();
  const rest: Part[] = [];
  const behind = new Set<string>();
  let bytes = 0;
  for (const part of queue) {
    const key = `${part.topic}\u0000${part.partition}`;
    const slot = slots.get(key);
    const fits = bytes === 0 || bytes + part.bytes <= maxBytes;
    if (behind.has(part.stream) || held(part) || !fits || (slot !== undefined && !joins(slot, part))) {
      rest.push(part);
      behind.add(part.stream);
      continue;
    }
    if (slot === undefined) slots.set(key, { topic: part.topic, partition: part.partition, parts: [part] });
    else slot.parts.push(part);
    bytes += part.bytes;
  }
  return { slots: [...slots.values()], rest };
}
