// The SQLite engine's writes to partitions (appends, transaction markers, DeleteRecords,
// retention and compaction's rewrites) on a writer thread (writer-thread.ts). bun:sqlite is synchronous, so
// on the event loop every commit's fsync would stall every client, and Produce could not check a
// connection's next batch while the last one is being written. If the thread cannot start or
// open the database, appends stay on the engine's own connection.

import type { AppendBatch, AppendResult, LogStartResult, RetentionPolicy, TxnMarker, TxnMarkerResult } from "../engine.ts";
import { StorageError } from "../engine.ts";
import type { PlannedCompaction } from "./retention.ts";
import type { SqliteLocation } from "./url.ts";
import type { WriterReply, WriterRequest } from "./writer-thread.ts";

/**
 * The thread's entry. The compiled binary bundles every module under one root, where the entry is
 * storage/sqlite/writer-thread.js (package.json's build names it) while this module sits in a
 * chunk at the root; from source, the entry is next to this file.
 */
function entry(): string {
  const bundled = "file:///$bunfs/root/";
  return import.meta.url.startsWith(bundled) ? `${bundled}storage/sqlite/writer-thread.js` : new URL("./writer-thread.ts", import.meta.url).href;
}

type Done = Extract<WriterReply, { kind: "appended" | "marked" | "log-start" | "compacted" }>;

interface Pending {
  resolve(reply: Done): void;
  reject(e: unknown): void;
}

export class WriterThread {
  private readonly worker: Worker;
  private state: "starting" | "ready" | "stopped" = "starting";
  private markStarted!: (ok: boolean) => void;
  /** Resolves once the thread has opened the database (true), or could not (false). */
  readonly started = new Promise<boolean>((resolve) => (this.markStarted = resolve));
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly inFlight = new Set<Promise<Done>>();

  constructor(location: SqliteLocation) {
    this.worker = new Worker(entry());
    this.worker.unref();
    this.worker.onmessage = (event: MessageEvent<WriterReply>) => this.onReply(event.data);
    this.worker.onerror = (event) => this.stop(`the writer thread failed: ${event.message}`);
    const open: WriterRequest = { kind: "open", location };
    this.worker.postMessage(open);
  }

  /** False once the thread has stopped (closed, or failed): appends then go back to the engine. */
  get running(): boolean {
    return this.state === "ready";
  }

  append(topic: string, partition: number, batch: AppendBatch, now: number): Promise<AppendResult> {
    // the thread gets bytes of its own, moved rather than cloned: the request keeps its batch
    const bytes = batch.bytes.slice();
    const request: WriterRequest = { kind: "append", id: this.nextId++, topic, partition, batch: { bytes, meta: batch.meta }, now };
    return this.send(request, [bytes.buffer]).then((r) => (r.kind === "appended" ? r.result : mismatched(r)));
  }

  writeTxnMarker(topic: string, partition: number, marker: TxnMarker, now: number): Promise<TxnMarkerResult> {
    const request: WriterRequest = { kind: "marker", id: this.nextId++, topic, partition, marker, now };
    return this.send(request, []).then((r) => (r.kind === "marked" ? r.result : mismatched(r)));
  }

  deleteRecords(topic: string, partition: number, offset: number): Promise<LogStartResult> {
    return this.send({ kind: "delete-records", id: this.nextId++, topic, partition, offset }, []).then((r) => (r.kind === "log-start" ? r.result : mismatched(r)));
  }

  applyRetention(topic: string, partition: number, policy: RetentionPolicy): Promise<LogStartResult> {
    return this.send({ kind: "retention", id: this.nextId++, topic, partition, policy }, []).then((r) => (r.kind === "log-start" ? r.result : mismatched(r)));
  }

  /** The plan's rewritten batches are moved to the thread, not cloned. */
  applyCompaction(partition: number, planned: PlannedCompaction): Promise<{ errorCode: 0; removedRecords: number }> {
    const transfer = planned.rewrites.flatMap((r) => (r.bytes === null ? [] : [r.bytes.buffer as ArrayBuffer]));
    return this.send({ kind: "compaction", id: this.nextId++, partition, planned }, [...new Set(transfer)]).then((r) => (r.kind === "compacted" ? r.result : mismatched(r)));
  }

  private send(request: Exclude<WriterRequest, { kind: "open" }>, transfer: ArrayBuffer[]): Promise<Done> {
    if (this.state !== "ready") return Promise.reject(new StorageError("unavailable", "the writer thread has stopped"));
    const done = new Promise<Done>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(request, transfer);
    });
    this.inFlight.add(done);
    const forget = () => this.inFlight.delete(done);
    done.then(forget, forget);
    return done;
  }

  /** Lets the writes already sent finish, then ends the thread. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    this.stop("the writer thread has stopped");
  }

  private onReply(r: WriterReply): void {
    switch (r.kind) {
      case "ready":
        if (this.state === "starting") this.state = "ready";
        this.markStarted(this.state === "ready");
        return;
      case "failed":
        return this.stop(r.message);
      case "appended":
      case "marked":
      case "log-start":
      case "compacted":
        return this.settle(r.id)?.resolve(r);
      case "error":
        return this.settle(r.id)?.reject(r.code === null ? new Error(r.message) : new StorageError(r.code, r.message.slice(r.code.length + 2)));
    }
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    return p;
  }

  private stop(message: string): void {
    this.state = "stopped";
    this.markStarted(false);
    for (const p of this.pending.values()) p.reject(new StorageError("unavailable", message));
    this.pending.clear();
    this.worker.terminate();
  }
}

function mismatched(reply: Done): never {
  throw new StorageError("unavailable", `the writer thread answered request ${reply.id} with "${reply.kind}"`);
}
