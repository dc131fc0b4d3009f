// A sink topic's produce is answered once its records are in every table of the topic: Produce
// waits here for the offset, and the exporter reports what each pass finds the tables hold (its
// own commits and other brokers' alike), so one table commit answers every producer it covers.

export interface LakeSink {
  /** Resolves true once the tables hold `lastOffset` of the partition, false after `timeoutMs` or on abort. */
  inTables(topic: string, partition: number, lastOffset: number, timeoutMs: number, signal: AbortSignal): Promise<boolean>;
}

interface Waiter {
  readonly lastOffset: number;
  readonly done: (held: boolean) => void;
}

export class SinkCommits implements LakeSink {
  private readonly held = new Map<string, number>();
  private readonly waiters = new Map<string, Set<Waiter>>();

  inTables(topic: string, partition: number, lastOffset: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    const key = `${topic}/${partition}`;
    if ((this.held.get(key) ?? -1) >= lastOffset) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiting = this.waiters.get(key) ?? new Set<Waiter>();
      this.waiters.set(key, waiting);
      const finish = (held: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", abort);
        waiting.delete(waiter);
        resolve(held);
      };
      const waiter: Waiter = { lastOffset, done: finish };
      const abort = () => finish(false);
      const timer = setTimeout(abort, timeoutMs);
      signal.addEventListener("abort", abort);
      waiting.add(waiter);
    });
  }

  /** The tables hold the partition's records up to `lastOffset` (the least of their bookmarks). */
  holds(topic: string, partition: number, lastOffset: number): void {
    const key = `${topic}/${partition}`;
    if (lastOffset <= (this.held.get(key) ?? -1)) return;
    this.held.set(key, lastOffset);
    for (const w of [...(this.waiters.get(key) ?? [])]) if (w.lastOffset <= lastOffset) w.done(true);
  }
}
