// A sink topic's produce is answered once its records are in every table of the topic: Produce
// waits here for the offset, and the exporter reports what each pass finds the tables hold (its
// own commits and other brokers' alike), so one table commit answers every producer it covers.

export interface LakeSink {
  /** Resolves true once the tables hold `lastOffset` of the partition, false after `timeoutMs` or on abort. */
  inTables(topic: string, partition: number, lastOffset: number, timeoutMs: number, signal: AbortSignal): Promise<boolean>;
}

interface Waiter {
  readonly lastOffset: number;
  /** When the produce began to wait (ms since the epoch). */
  readonly since: number;
  readonly done: (held: boolean) => void;
}

export class SinkCommits implements LakeSink {
  private readonly held = new Map<string, number>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** Told of each produce that waits, with the offsets past what the tables hold (the exporter's cue to look soon). */
  onWait: ((topic: string, offsetsPastTables: number) => void) | undefined;

  inTables(topic: string, partition: number, lastOffset: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    const key = `${topic}/${partition}`;
    const inTables = this.held.get(key) ?? -1;
    if (inTables >= lastOffset) return Promise.resolve(true);
    const answered = new Promise<boolean>((resolve) => {
      const waiting = this.waiters.get(key) ?? new Set<Waiter>();
      this.waiters.set(key, waiting);
      const finish = (held: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", abort);
        waiting.delete(waiter);
        resolve(held);
      };
      const waiter: Waiter = { lastOffset, since: Date.now(), done: finish };
      const abort = () => finish(false);
      const timer = setTimeout(abort, timeoutMs);
      signal.addEventListener("abort", abort);
      waiting.add(waiter);
    });
    this.onWait?.(topic, lastOffset - inTables);
    return answered;
  }

  /** When the longest-waiting produce of the partition began to wait, if one waits. */
  waitingSince(topic: string, partition: number): number | undefined {
    // a Set iterates in insertion order: the first waiter is the oldest
    for (const w of this.waiters.get(`${topic}/${partition}`) ?? []) return w.since;
    return undefined;
  }

  /** The tables hold the partition's records up to `lastOffset` (the least of their bookmarks). */
  holds(topic: string, partition: number, lastOffset: number): void {
    const key = `${topic}/${partition}`;
    if (lastOffset <= (this.held.get(key) ?? -1)) return;
    this.held.set(key, lastOffset);
    for (const w of [...(this.waiters.get(key) ?? [])]) if (w.lastOffset <= lastOffset) w.done(true);
  }
}
