// Producer ids on S3. Ids come from a shared counter object in blocks (one compare-and-swap per
// block, not per producer), for InitProducerId and for the transaction coordinator alike; each
// idempotent id's epoch lives in its own small object, changed by compare-and-swap. Produce never
// touches any of these.

import type { ProducerIdRequest, ProducerIdResult } from "../engine.ts";
import { StorageError } from "../engine.ts";
import { expectedProducer, initIdempotent } from "../producer-ids.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { compareAndSwap, remembering, type CasTarget } from "./cas.ts";
import type { Keys } from "./keys.ts";
import type { ObjectStore } from "./store.ts";
import { VersionedCache } from "./versioned.ts";

/** Numbers (an epoch, a counter), null when absent; writes as in cas.ts. */
interface Doc {
  value: Record<string, number> | null;
  writes: string[];
}

function decodeDoc(bytes: Uint8Array, key: string): Doc {
  let o: { v?: unknown; value?: unknown; writes?: unknown };
  try {
    o = JSON.parse(new TextDecoder().decode(bytes)) as typeof o;
  } catch (e) {
    throw new StorageError("corrupt", `${key} is not JSON`, { cause: e });
  }
  const value = o.value;
  if (o.v !== 1 || !Array.isArray(o.writes) || typeof value !== "object" || (value !== null && !Object.values(value).every((n) => typeof n === "number"))) {
    throw new StorageError("corrupt", `${key} is malformed`);
  }
  return { value: value as Record<string, number> | null, writes: o.writes.map(String) };
}

const FIRST_PRODUCER_ID = 1;

export class Producers {
  private readonly target: CasTarget<Doc>;
  private block = { next: 0, end: 0 };
  private refill: Promise<void> | null = null;

  constructor(
    store: ObjectStore,
    private readonly keys: Keys,
    private readonly blockSize: number,
  ) {
    this.target = {
      store,
      cache: new VersionedCache<Doc>(store, decodeDoc, { value: null, writes: [] }),
      encode: (doc) => new TextEncoder().encode(JSON.stringify({ v: 1, value: doc.value, writes: doc.writes })),
      stamp: (doc, writeId) => ({ ...doc, writes: remembering(doc.writes, writeId) }),
      landed: (doc, writeId) => doc.writes.includes(writeId),
    };
  }

  /** A producer id no instance over the bucket has handed out or will. */
  async allocate(): Promise<number> {
    for (;;) {
      await this.ensureId();
      // Other callers may have emptied the block between the refill and this turn.
      if (this.block.next < this.block.end) return this.block.next++;
    }
  }

  async init(request: ProducerIdRequest): Promise<ProducerIdResult> {
    if (expectedProducer(request) === "invalid") return { errorCode: ErrorCodes.INVALID_REQUEST };
    const claimed = request.producerId >= 0 ? this.keys.idempotentProducer(request.producerId) : null;
    if (claimed !== null) {
      // KIP-360: bump the epoch of the id the producer holds, if it holds the current one.
      const bumped = await compareAndSwap<Doc, ProducerIdResult | null>(this.target, claimed, (current) => {
        const epoch = current.value.value?.epoch;
        if (epoch === undefined) return { answer: null };
        const result = initIdempotent(request, epoch, () => -1);
        if (result.errorCode !== 0) return { answer: result };
        if (result.producerId !== request.producerId) return { answer: null };
        return { write: { ...current.value, value: { epoch: result.producerEpoch } }, then: () => result };
      });
      if (bumped !== null) return bumped;
    }
    for (;;) {
      const producerId = await this.allocate();
      const created = await compareAndSwap<Doc, boolean>(this.target, this.keys.idempotentProducer(producerId), (current) =>
        current.value.value === null ? { write: { ...current.value, value: { epoch: 0 } }, then: () => true } : { answer: false },
      );
      if (created) return { errorCode: 0, producerId, producerEpoch: 0 };
    }
  }

  /** Makes sure the local block holds an id, taking a new block from the counter if not. */
  private async ensureId(): Promise<void> {
    while (this.block.next >= this.block.end) {
      this.refill ??= compareAndSwap<Doc, { next: number; end: number }>(this.target, this.keys.producerIdCounter(), (current) => {
        const next = current.value.value?.next ?? FIRST_PRODUCER_ID;
        const end = next + this.blockSize;
        return { write: { ...current.value, value: { next: end } }, then: () => ({ next, end }) };
      })
        .then((block) => {
          this.block = block;
        })
        .finally(() => {
          this.refill = null;
        });
      await this.refill;
    }
  }
}
