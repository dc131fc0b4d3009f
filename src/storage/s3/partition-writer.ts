// Appends and transaction markers to one partition from this broker: those that arrive while
// commits are in flight wait up to lingerMs (or until maxCommitBytes) and then go out together as
// ONE data object (a marker as its control batch), written under a fresh unique name before its
// commit joins the partition's compare-and-swap chain. An idle partition flushes at once. After
// commits resolve, the writer rolls the index if it grew. Edits (retention, compaction, maintenance)
// join the same chain.

import type { AppendBatch, AppendResult, BatchMeta, TxnMarker, TxnMarkerResult } from "../engine.ts";
import { StorageError } from "../engine.ts";
import { controlBatch } from "../control-batch.ts";
import type { BatchOutcome, PlacedBatch } from "./commit-plan.ts";
import { CommitChain, type ChainContext, type CommitOutcome, type IndexEdit } from "./commit-chain.ts";
import { encodeSegment, type PartitionIndex } from "./partition-index.ts";
import { chooseRoll } from "./segment-roll.ts";
import { appendResult, markerResult } from "./writer-results.ts";

interface Pending {
  bytes: Uint8Array;
  meta: BatchMeta;
  marker?: TxnMarker;
  settle: (outcome: BatchOutcome, logStartOffset: number, now: number) => void;
  reject: (error: unknown) => void;
}

/** `index`: what an edit wrote (`written`), or the index it found nothing to do on. */
export interface EditOutcome {
  index: PartitionIndex | null;
  written: boolean;
}

/** Names of new immutable objects, relative to the partition's prefix. */
export interface Namer {
  data(): string;
  segment(): string;
}

export class PartitionWriter {
  private readonly chain: CommitChain;
  private open: Pending[] = [];
  private openBytes = 0;
  private cancelFlush: (() => void) | undefined;
  private rolling = false;

  constructor(
    private readonly ctx: Omit<ChainContext, "onSettled">,
    private readonly names: Namer,
  ) {
    this.chain = new CommitChain({ ...ctx, onSettled: () => this.afterSettle() });
  }

  append(batch: AppendBatch): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      const settle = (o: BatchOutcome, logStartOffset: number, now: number) => {
        const result = appendResult(o, logStartOffset, now);
        if (result instanceof StorageError) reject(result);
        else resolve(result);
      };
      this.enqueue({ bytes: batch.bytes, meta: batch.meta, reject, settle });
    });
  }

  /** Stores the marker's control batch (timestamped `now`) in the commit order of appends. */
  writeTxnMarker(marker: TxnMarker, now: number): Promise<TxnMarkerResult> {
    const { bytes, meta } = controlBatch(marker, now);
    return new Promise((resolve, reject) => {
      this.enqueue({ bytes, meta, marker, reject, settle: (o) => resolve(markerResult(o)) });
    });
  }

  /** Commits `edit` through the partition's chain, so it is planned on the newest index like appends. */
  async edit(edit: IndexEdit): Promise<EditOutcome> {
    const outcome = await this.chain.add({ kind: "edit", edit }, Promise.resolve());
    if (outcome.kind === "failed") throw asStorageError(outcome.error);
    return { index: outcome.index, written: outcome.written };
  }

  /** Resolves once nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.open.length > 0 || this.chain.pending > 0) {
      this.flush();
      await this.chain.idle();
    }
  }

  private enqueue(pending: Pending): void {
    this.open.push(pending);
    this.openBytes += pending.bytes.byteLength;
    this.schedule();
  }

  private schedule(): void {
    if (this.openBytes >= this.ctx.tuning.maxCommitBytes) this.flush();
    else if (this.cancelFlush !== undefined) return;
    else if (this.chain.pending === 0) {
      // Idle: go now, but after this turn's other arrivals.
      const immediate = setImmediate(() => this.fire());
      this.cancelFlush = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => this.fire(), this.ctx.tuning.lingerMs);
      this.cancelFlush = () => clearTimeout(timer);
    }
  }

  private fire(): void {
    this.cancelFlush = undefined;
    this.flush();
  }

  private flush(): void {
    if (this.open.length === 0 || this.chain.pending >= this.ctx.tuning.maxInFlightCommits) return;
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    const taken = this.open;
    this.open = [];
    const body = new Uint8Array(this.openBytes);
    this.openBytes = 0;
    const batches: PlacedBatch[] = [];
    let position = 0;
    for (const { bytes, meta, marker } of taken) {
      body.set(bytes, position);
      batches.push(marker === undefined ? { meta, position, length: bytes.byteLength } : { meta, marker, position, length: bytes.byteLength });
      position += bytes.byteLength;
    }
    const name = this.names.data();
    const key = this.ctx.prefix + name;
    const prepared = this.ctx.store.put(key, body, null).then((written) => {
      if (written.kind !== "written") throw new StorageError("unavailable", `data object ${key} was not written`);
      this.ctx.objects.rememberData(key, body);
    });
    void this.chain.add({ kind: "append", data: { name, size: body.byteLength }, batches }, prepared).then((outcome) => answer(taken, outcome));
  }

  private afterSettle(): void {
    if (this.open.length > 0 && this.cancelFlush === undefined) this.flush();
    this.maybeRoll();
  }

  private maybeRoll(): void {
    // Rolls are chosen from a written index, never from a planned one that may yet fail.
    const latest = this.ctx.cache.peek(this.ctx.key)?.value;
    if (this.rolling || latest === undefined) return;
    const name = this.names.segment();
    const roll = chooseRoll(latest, this.ctx.tuning, name);
    if (roll === null) return;
    this.rolling = true;
    const key = this.ctx.prefix + name;
    const bytes = encodeSegment(roll.segment);
    const prepared = this.ctx.store.put(key, bytes, null).then((written) => {
      if (written.kind !== "written") throw new StorageError("unavailable", `segment ${key} was not written`);
      this.ctx.objects.rememberSegment(key, roll.segment, bytes.byteLength);
    });
    void this.chain.add({ kind: "roll", roll }, prepared).finally(() => {
      this.rolling = false;
    });
  }
}

function answer(taken: readonly Pending[], outcome: CommitOutcome): void {
  if (outcome.kind === "failed") {
    const error = asStorageError(outcome.error);
    for (const p of taken) p.reject(error);
    return;
  }
  const { logStartOffset } = outcome;
  const now = Date.now();
  taken.forEach((p, i) => {
    const o = outcome.outcomes[i];
    if (o === undefined) p.reject(new StorageError("corrupt", "a commit answered fewer batches than it held"));
    else p.settle(o, logStartOffset, now);
  });
}

function asStorageError(e: unknown): StorageError {
  return e instanceof StorageError ? e : new StorageError("unavailable", String(e), { cause: e });
}
