// What a partition keeps from an offset on: bytes and batches of the entries whose lastOffset is
// at or above it, from the counts references carry; only a segment the offset falls inside (or
// one written before references counted batches) is opened.

import type { RetainedResult } from "../engine.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import type { ImmutableObjects } from "./objects.ts";
import type { Entry, PartitionIndex, SegmentRef } from "./partition-index.ts";
import type { PartitionParts } from "./partitions.ts";

export interface Kept {
  bytes: number;
  batches: number;
}

export async function retained(p: PartitionParts): Promise<RetainedResult> {
  const index = await p.load();
  if (index === null) return { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION };
  const kept = await keptFrom(index, index.logStartOffset, p.objects, p.prefix);
  return { errorCode: 0, retainedBytes: kept.bytes, batchCount: kept.batches };
}

export async function keptFrom(index: PartitionIndex, from: number, objects: ImmutableObjects, prefix: string): Promise<Kept> {
  const kept: Kept = { bytes: 0, batches: 0 };
  const addEntries = (entries: readonly Entry[]) => {
    for (const e of entries) {
      if (e.lastOffset < from) continue;
      kept.bytes += e.length;
      kept.batches++;
    }
  };
  const addRefs = async (refs: readonly SegmentRef[]): Promise<void> => {
    for (const ref of refs) {
      if (ref.lastOffset < from) continue;
      if (ref.baseOffset >= from && ref.batches >= 0) {
        kept.bytes += ref.bytes;
        kept.batches += ref.batches;
        continue;
      }
      const segment = await objects.segment(prefix + ref.name);
      addEntries(segment.entries);
      await addRefs(segment.segments);
    }
  };
  await addRefs(index.segments);
  addEntries(index.entries);
  return kept;
}
