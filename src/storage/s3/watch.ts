// Waiting for changes other brokers make: while anyone waits on a key, it is re-read (a
// conditional GET, so usually a 304) every interval, and a change the re-read reveals wakes the
// waiters through the notifier, as a local write does at once.

import { AppendNotifier } from "../memory/notifier.ts";

export class Watch {
  readonly notifier = new AppendNotifier();
  private readonly watched = new Map<string, number>();
  private readonly polling = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly reload: (key: string) => Promise<unknown>,
  ) {}

  /** Resolves when notified about one of `keys`, on abort, or after timeoutMs. */
  async wait(keys: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || timeoutMs <= 0) return;
    for (const key of keys) this.watched.set(key, (this.watched.get(key) ?? 0) + 1);
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    try {
      await this.notifier.wait(keys, timeoutMs, signal);
    } finally {
      for (const key of keys) {
        const n = (this.watched.get(key) ?? 1) - 1;
        if (n > 0) this.watched.set(key, n);
        else this.watched.delete(key);
      }
      if (this.watched.size === 0) this.stopTimer();
    }
  }

  notify(key: string): void {
    this.notifier.notify(key);
  }

  get waiters(): number {
    return this.notifier.size;
  }

  close(): void {
    this.stopTimer();
    this.notifier.notifyAll();
  }

  private tick(): void {
    for (const key of this.watched.keys()) {
      if (this.polling.has(key)) continue;
      this.polling.add(key);
      this.reload(key)
        .catch(() => {})
        .finally(() => this.polling.delete(key));
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
