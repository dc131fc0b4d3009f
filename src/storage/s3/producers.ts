// InitProducerId on S3. Ids come from a shared counter object in blocks (one compare-and-swap per
// block, not per producer); each idempotent id's epoch and each transactional id's state live in
// their own small object, changed by compare-and-swap. Produce never touches any of these.

import type { ProducerIdRequest, ProducerIdResult } from "../engine.ts";
import { StorageError } from "../engine.ts";
import { expectedProducer, initIdempotent, initTransactional, type TransactionalProducer } from "../producer-ids.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { compareAndSwap, type CasTarget } from "./cas.ts";
import type { Keys } from "./keys.ts";
import type { ObjectStore } from "./store.ts";
import { VersionedCache } from "./versioned.ts";

type Doc = Record<string, number> | null;

function decodeDoc(bytes: Uint8Array, key: string): Doc {
  try {
    const o = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (typeof o === "object" && o !== null && Object.values(o).every((v) => typeof v === "number")) return o as Record<string, number>;
  } catch (e) {
    throw new StorageError("corrupt", `${key} is not JSON`, { cause: e });
  }
  throw new StorageError("corrupt", `${key} is malformed`);
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
    this.target = { store, cache: new VersionedCache(store, decodeDoc, null), encode: (doc) => new TextEncoder().encode(JSON.stringify(doc)) };
  }

  async init(request: ProducerIdRequest): Promise<ProducerIdResult> {
    const { transactionalId } = request;
    if (transactionalId === null) return this.initIdempotent(request);
    await this.ensureId();
    // Taken up front so every attempt of the loop below offers the same id; unused ids are skipped.
    const spare = this.takeId();
    return compareAndSwap<Doc, ProducerIdResult>(this.target, this.keys.transactionalProducer(transactionalId), (current) => {
      const held = current.value === null ? undefined : (current.value as unknown as TransactionalProducer);
      const result = initTransactional(held, request, () => spare);
      if (result.errorCode !== 0) return { answer: result };
      const { producerId, producerEpoch } = result.producer;
      return { write: { ...result.producer }, then: () => ({ errorCode: 0, producerId, producerEpoch }) };
    });
  }

  private async initIdempotent(request: ProducerIdRequest): Promise<ProducerIdResult> {
    if (expectedProducer(request) === "invalid") return { errorCode: ErrorCodes.INVALID_REQUEST };
    const claimed = request.producerId >= 0 ? this.keys.idempotentProducer(request.producerId) : null;
    if (claimed !== null) {
      // KIP-360: bump the epoch of the id the producer holds, if it holds the current one.
      const bumped = await compareAndSwap<Doc, ProducerIdResult | null>(this.target, claimed, (current) => {
        if (current.value === null) return { answer: null };
        const result = initIdempotent(request, current.value.epoch, () => -1);
        if (result.errorCode !== 0) return { answer: result };
        if (result.producerId !== request.producerId) return { answer: null };
        return { write: { epoch: result.producerEpoch }, then: () => result };
      });
      if (bumped !== null) return bumped;
    }
    for (;;) {
      await this.ensureId();
      const producerId = this.takeId();
      const created = await compareAndSwap<Doc, boolean>(this.target, this.keys.idempotentProducer(producerId), (current) =>
        current.value === null ? { write: { epoch: 0 }, then: () => true } : { answer: false },
      );
      if (created) return { errorCode: 0, producerId, producerEpoch: 0 };
    }
  }

  private takeId(): number {
    if (this.block.next >= this.block.end) throw new StorageError("unavailable", "producer id block is empty");
    return this.block.next++;
  }

  /** Makes sure the local block holds an id, taking a new block from the counter if not. */
  private async ensureId(): Promise<void> {
    while (this.block.next >= this.block.end) {
      this.refill ??= compareAndSwap<Doc, { next: number; end: number }>(this.target, this.keys.producerIdCounter(), (current) => {
        const next = current.value?.next ?? FIRST_PRODUCER_ID;
        const end = next + this.blockSize;
        return { write: { next: end }, then: () => ({ next, end }) };
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
