// The compare-and-swap chain of one partition's index on this broker. Commits (appends and
// transaction markers, whose data object is written first, segment rolls, and edits: retention,
// compaction, maintenance) are planned in arrival order against the newest
// index this broker knows and written with If-Match on that index's ETag (If-None-Match: * for a
// partition's first commit). While a write is in flight the next one may already be sent,
// conditional on the ETag the pending write will produce (S3 ETags are the body's MD5): a chain of
// writes each valid only if all before it landed. Any failure stops the chain; once nothing is in
// flight the index is read again, commits whose answer was lost are looked for in it, and the
// rest are planned again, with backoff, until their attempts or time run out.

import { StorageError } from "../engine.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { outcomesFromIndex, planAppend, type BatchOutcome, type DataObject, type PlacedBatch } from "./commit-plan.ts";
import { entriesOf } from "./landed.ts";
import type { ImmutableObjects } from "./objects.ts";
import { encodeIndex, type PartitionIndex } from "./partition-index.ts";
import { backoffMs, sleep } from "./retry.ts";
import { applyRoll, type Roll } from "./segment-roll.ts";
import type { S3Tuning } from "./settings.ts";
import { md5Etag, type ObjectStore } from "./store.ts";
import type { Versioned, VersionedCache } from "./versioned.ts";

/** How long after a lost write a partition counts as written by other brokers too. */
const CONTENDED_MS = 10_000;

/** A change of the index other than appends and rolls (retention, compaction, maintenance). */
export interface IndexEdit {
  /**
   * The index to write in place of `base`; "unchanged" when there is nothing to do; "stale" when
   * `base` no longer holds what the edit was planned on (answered unwritten once the stored index
   * is known to be `base`).
   */
  apply(base: PartitionIndex, now: number): PartitionIndex | "unchanged" | "stale";
  /** Whether `index` holds this edit (for a write whose answer was lost). */
  landed?(index: PartitionIndex): boolean;
}

export type Work = { kind: "append"; data: DataObject; batches: PlacedBatch[] } | { kind: "roll"; roll: Roll } | { kind: "edit"; edit: IndexEdit };

/** `index`: what the commit wrote (`written`), or the index it found nothing to do on. */
export type CommitOutcome = { kind: "landed"; outcomes: BatchOutcome[]; logStartOffset: number; index: PartitionIndex | null; written: boolean } | { kind: "failed"; error: unknown };

export interface ChainContext {
  store: ObjectStore;
  /** The index object's key. */
  key: string;
  /** The partition's key prefix (names in the index are relative to it). */
  prefix: string;
  cache: VersionedCache<PartitionIndex>;
  objects: ImmutableObjects;
  tuning: S3Tuning;
  /** Shared by all chains: turned off for good when a store's ETags turn out not to be MD5s. */
  speculation: { enabled: boolean };
  /** Called whenever commits resolve. */
  onSettled: () => void;
}

/**
 * "verify": nothing to write, but some batch was refused or an edit found its base stale; that must
 * be checked against the index as stored.
 */
type Status = "preparing" | "ready" | "issued" | "written" | "noop" | "verify" | "failed" | "rejected";

interface Commit {
  work: Work;
  status: Status;
  attempts: number;
  /** The lowest high watermark this commit was planned on: if it landed, its offsets are above. */
  lowestBase: number;
  started: number;
  outcomes: BatchOutcome[];
  planned: PartitionIndex | null;
  /** The index last planned on. */
  basis: PartitionIndex | null;
  /** The ETag of the index a "verify" commit was planned on. */
  base: string | null;
  sequence: number;
  error: unknown;
  resolve: (outcome: CommitOutcome) => void;
}

export class CommitChain {
  private readonly commits: Commit[] = [];
  private tip: Versioned<PartitionIndex> | null = null;
  private inFlight = 0;
  private broken = false;
  private resyncing = false;
  private refreshing = false;
  private sequence = 0;
  private remembered = 0;
  /** When a write last lost to another broker's (or -Infinity). */
  private lastConflict = -Infinity;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly ctx: ChainContext) {}

  /** Unresolved commits. */
  get pending(): number {
    return this.commits.length;
  }

  /** Queues a commit whose object is durable once `prepared` resolves. */
  add(work: Work, prepared: Promise<void>): Promise<CommitOutcome> {
    return new Promise((resolve) => {
      const commit: Commit = { work, status: "preparing", attempts: 0, lowestBase: Infinity, started: Date.now(), outcomes: [], planned: null, basis: null, base: null, sequence: 0, error: null, resolve };
      this.commits.push(commit);
      // Idle, and other brokers wrote here lately: look for their commits while the data object
      // is written, rather than learn of them from a failed write.
      if (this.commits.length === 1 && performance.now() - this.lastConflict < CONTENDED_MS) this.refresh();
      prepared.then(
        () => {
          commit.status = "ready";
          this.pump();
        },
        (e: unknown) => {
          commit.status = "rejected";
          commit.error = e;
          this.settle();
        },
      );
      this.pump();
    });
  }

  /** Resolves once every queued commit has resolved. */
  idle(): Promise<void> {
    if (this.commits.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (this.resyncing || this.broken || this.refreshing) return;
    if (this.tip === null) {
      if (this.commits.length > 0) void this.resync();
      return;
    }
    for (const commit of this.commits) {
      if (commit.status === "preparing") break;
      if (commit.status === "ready") {
        if (this.inFlight > 0 && !this.ctx.speculation.enabled) break;
        this.plan(commit, this.tip);
      }
      // A refusal is checked once nothing before it is in flight; later commits wait for it.
      if (commit.status === "verify") {
        if (this.inFlight === 0) this.verify(commit);
        break;
      }
    }
    this.settle();
  }

  private plan(commit: Commit, base: Versioned<PartitionIndex>): void {
    commit.lowestBase = Math.min(commit.lowestBase, base.value.highWatermark);
    commit.basis = base.value;
    let next: PartitionIndex | null;
    if (commit.work.kind === "append") {
      const plan = planAppend(base.value, commit.work.data, commit.work.batches, Date.now(), this.ctx.tuning.producerIdExpirationMs);
      commit.outcomes = plan.outcomes;
      next = plan.changed ? plan.index : null;
    } else if (commit.work.kind === "roll") next = applyRoll(base.value, commit.work.roll);
    else {
      const edited = commit.work.edit.apply(base.value, Date.now());
      if (edited === "stale") {
        commit.status = "verify";
        commit.base = base.etag;
        return;
      }
      next = edited === "unchanged" ? null : edited;
    }
    if (next === null) {
      // A duplicate's answer holds whatever was committed since; a refusal (a sequence gap, an old
      // epoch) may be an artefact of an index this broker has not seen the latest of.
      const refused = commit.outcomes.some((o) => o.kind === "error" && o.errorCode !== ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION);
      commit.status = refused ? "verify" : "noop";
      commit.base = base.etag;
      return;
    }
    const body = encodeIndex(next);
    const predicted = md5Etag(body);
    commit.status = "issued";
    commit.attempts++;
    commit.planned = next;
    commit.sequence = ++this.sequence;
    this.tip = { etag: predicted, value: next };
    this.inFlight++;
    void this.write(commit, body, base.etag, predicted);
  }

  private async write(commit: Commit, body: Uint8Array, baseEtag: string | null, predicted: string): Promise<void> {
    const result = await this.ctx.store.put(this.ctx.key, body, baseEtag === null ? { ifNoneMatch: "*" } : { ifMatch: baseEtag }).catch((cause: unknown) => ({ kind: "unknown" as const, cause }));
    this.inFlight--;
    const planned = commit.planned;
    if (result.kind === "written" && planned !== null) {
      commit.status = "written";
      if (result.etag !== predicted) {
        this.ctx.speculation.enabled = false;
        if (this.tip?.value === planned) this.tip = { etag: result.etag, value: planned };
      }
      if (commit.sequence > this.remembered) {
        this.remembered = commit.sequence;
        this.ctx.cache.remember(this.ctx.key, result.etag, planned);
      }
    } else {
      commit.status = "failed";
      this.lastConflict = performance.now();
      if (result.kind === "unknown") commit.error = result.cause;
      this.broken = true;
    }
    if (!this.broken) this.pump();
    else if (this.inFlight === 0) void this.resync();
  }

  private async resync(): Promise<void> {
    if (this.resyncing) return;
    this.resyncing = true;
    try {
      const attempts = Math.max(0, ...this.commits.map((c) => c.attempts));
      if (this.broken && attempts > 0) await sleep(backoffMs(attempts));
      this.broken = false;
      const fresh = await this.ctx.cache.load(this.ctx.key);
      this.tip = fresh;
      for (const c of this.commits) await this.reconsider(c, fresh.value);
    } catch (e) {
      // The store is out of reach: fail what waits rather than guess; the next commit starts over.
      this.tip = null;
      for (const c of this.commits) if (c.status !== "preparing" && c.status !== "written") this.reject(c, e);
    } finally {
      this.resyncing = false;
    }
    this.settle();
    this.pump();
  }

  /** After a failure: a commit landed, is tried again, or has run out of attempts. */
  private async reconsider(c: Commit, fresh: PartitionIndex): Promise<void> {
    if (c.status === "noop" || c.status === "verify") c.status = "ready";
    if (c.status !== "failed") return;
    // Even a plain 412 may hide a landing: the HTTP client can resend a write after a reset
    // connection, and the resend then fails the condition the first attempt used up.
    if (c.work.kind === "append") {
      const { data, batches } = c.work;
      const entries = await entriesOf(fresh, data.name, c.lowestBase, this.ctx.objects, this.ctx.prefix);
      if (entries !== null) {
        c.outcomes = outcomesFromIndex(fresh, entries, batches);
        c.status = "written";
        return;
      }
    }
    if (c.work.kind === "edit" && c.work.edit.landed?.(fresh) === true) {
      c.planned = fresh;
      c.status = "written";
      return;
    }
    const { commitAttempts, commitTimeoutMs } = this.ctx.tuning;
    if (c.attempts < commitAttempts && Date.now() - c.started < commitTimeoutMs) {
      c.status = "ready";
      return;
    }
    const why = c.error === null ? "" : `; last error: ${c.error instanceof Error ? c.error.message : String(c.error)}`;
    this.reject(c, new StorageError("conflict-exhausted", `${this.ctx.key}: commit not written after ${c.attempts} attempts${why}`, { cause: c.error }));
  }

  private reject(c: Commit, error: unknown): void {
    c.status = "rejected";
    c.error = error;
  }

  private settle(): void {
    let settled = false;
    for (let c = this.commits[0]; c !== undefined; c = this.commits[0]) {
      if (c.status === "written" || c.status === "noop") {
        const written = c.status === "written";
        const index = written ? c.planned : c.basis;
        c.resolve({ kind: "landed", outcomes: c.outcomes, logStartOffset: c.planned?.logStartOffset ?? this.tip?.value.logStartOffset ?? 0, index, written });
      } else if (c.status === "rejected") c.resolve({ kind: "failed", error: c.error });
      else break;
      this.commits.shift();
      settled = true;
    }
    if (this.commits.length === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    if (settled) this.ctx.onSettled();
  }

  /** Answers a refusal only if the index it was planned on is still the stored one; plans again if not. */
  private verify(commit: Commit): void {
    this.refreshing = true;
    this.ctx.cache
      .load(this.ctx.key)
      .then(
        (fresh) => {
          if (fresh.etag === commit.base) commit.status = "noop";
          else {
            this.tip = fresh;
            commit.status = "ready";
          }
        },
        (e: unknown) => this.reject(commit, e),
      )
      .finally(() => {
        this.refreshing = false;
        this.pump();
      });
  }

  /** Revalidates the tip while nothing is in flight, so a commit starts from other brokers' latest. */
  private refresh(): void {
    if (this.refreshing || this.resyncing || this.broken || this.inFlight > 0 || this.tip === null) return;
    this.refreshing = true;
    this.ctx.cache
      .load(this.ctx.key)
      .then(
        (fresh) => {
          if (this.inFlight === 0 && !this.broken && !this.resyncing) this.tip = fresh;
        },
        () => {},
      )
      .finally(() => {
        this.refreshing = false;
        this.pump();
      });
  }
}
