// The SQLite engine's appends on a writer thread (writer-thread.ts). bun:sqlite is synchronous, so
// on the event loop every commit's fsync would stall every client, and Produce could not check a
// connection's next batch while the last one is being written. If the thread cannot start or
// open the database, appends stay on the engine's own connection.

import type { AppendBatch, AppendResult } from "../engine.ts";
import { StorageError } from "../engine.ts";
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

interface Pending {
  resolve(result: AppendResult): void;
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
  private readonly inFlight = new Set<Promise<AppendResult>>();

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
    if (this.state !== "ready") return Promise.reject(new StorageError("unavailable", "the writer thread has stopped"));
    const id = this.nextId++;
    // the thread gets bytes of its own, moved rather than cloned: the request keeps its batch
    const bytes = batch.bytes.slice();
    const request: WriterRequest = { kind: "append", id, topic, partition, batch: { bytes, meta: batch.meta }, now };
    const appended = new Promise<AppendResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(request, [bytes.buffer]);
    });
    this.inFlight.add(appended);
    const forget = () => this.inFlight.delete(appended);
    appended.then(forget, forget);
    return appended;
  }

  /** Lets the appends already sent finish, then ends the thread. */
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
        return this.settle(r.id)?.resolve(r.result);
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
