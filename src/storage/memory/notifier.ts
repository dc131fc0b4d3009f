// Wakes waitForAppend callers. Every exit path (append, abort, timeout, close) removes the waiter,
// its timer and its abort listener.

type Waiter = () => void;

export class AppendNotifier {
  private readonly waiters = new Map<string, Set<Waiter>>();

  /** Number of pending waiter registrations (for leak checks). */
  get size(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }

  notify(key: string): void {
    const set = this.waiters.get(key);
    if (set === undefined) return;
    for (const wake of [...set]) wake();
  }

  notifyAll(): void {
    for (const set of [...this.waiters.values()]) for (const wake of [...set]) wake();
  }

  wait(keys: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || timeoutMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake: Waiter = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", wake);
        for (const key of keys) {
          const set = this.waiters.get(key);
          set?.delete(wake);
          if (set?.size === 0) this.waiters.delete(key);
        }
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      signal?.addEventListener("abort", wake, { once: true });
      for (const key of keys) {
        let set = this.waiters.get(key);
        if (set === undefined) this.waiters.set(key, (set = new Set()));
        set.add(wake);
      }
    });
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
