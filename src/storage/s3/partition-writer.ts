// Appends to one partition from this broker: batches that arrive while commits are in flight wait
// up to lingerMs (or until maxCommitBytes) and then go out together as ONE data object, written
// under a fresh unique name before its commit joins the partition's compare-and-swap chain. An
// idle partition flushes at once. After commits resolve, the writer rolls the index if it grew.

import type { AppendBatch, AppendResult } from "../engine.ts";
import { StorageError } from "../engine.ts";
import type { PlacedBatch } from "./commit-plan.ts";
import { CommitChain, type ChainContext, type CommitOutcome } from "./commit-chain.ts";
import { encodeSegment } from "./partition-index.ts";
import { chooseRoll } from "./segment-roll.ts";

interface Pending {
  batch: AppendBatch;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
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
      this.open.push({ batch, resolve, reject });
      this.openBytes += batch.bytes.byteLength;
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.open.length > 0 || this.chain.pending > 0) {
      this.flush();
      await this.chain.idle();
    }
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
    for (const { batch } of taken) {
      body.set(batch.bytes, position);
      batches.push({ meta: batch.meta, position, length: batch.bytes.byteLength });
      position += batch.bytes.byteLength;
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
    const error = outcome.error instanceof StorageError ? outcome.error : new StorageError("unavailable", String(outcome.error), { cause: outcome.error });
    for (const p of taken) p.reject(error);
    return;
  }
  const { logStartOffset } = outcome;
  const now = Date.now();
  taken.forEach((p, i) => {
    const o = outcome.outcomes[i];
    if (o === undefined) p.reject(new StorageError("corrupt", "a commit answered fewer batches than it held"));
    else if (o.kind === "error") p.resolve({ errorCode: o.errorCode, logStartOffset });
    else p.resolve({ errorCode: 0, baseOffset: o.baseOffset, logAppendTimeMs: now, logStartOffset });
  });
}
