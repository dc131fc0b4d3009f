// Waiting for changes to a database file other processes write too (appends for waitForAppend,
// group versions for waitForGroupChange). Writes through this engine wake waiters at once; writes
// by other connections are noticed by a poll every POLL_MS while anyone waits: PRAGMA
// data_version changes when another connection commits, and only then are the watched values
// (high watermarks, group versions) read again and compared with the ones last seen.

import { AppendNotifier } from "../memory/notifier.ts";

export const POLL_MS = 50;

export interface Watch {
  key: string;
  /** The watched value now (a high watermark, a group version, null when absent). */
  probe: () => unknown;
  /** The value the caller last saw; when given and it differs already, the wait ends at once. */
  since?: unknown;
}

export class ChangePoller {
  private readonly notifier = new AppendNotifier();
  private readonly seen = new Map<string, { probe: () => unknown; value: unknown }>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastDataVersion = -1;

  /** `dataVersion` changes whenever another connection has committed (PRAGMA data_version). */
  constructor(private readonly dataVersion: () => number) {}

  notify(key: string): void {
    this.notifier.notify(key);
  }

  notifyAll(): void {
    this.notifier.notifyAll();
  }

  get pending(): number {
    return this.notifier.size;
  }

  async wait(watches: readonly Watch[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    for (const { key, probe } of watches) if (!this.seen.has(key)) this.seen.set(key, { probe, value: read(probe) });
    const waiting = this.notifier.wait(
      watches.map((w) => w.key),
      timeoutMs,
      signal,
    );
    // checked after registering, so a change in between is not missed
    for (const w of watches) if ("since" in w && read(w.probe) !== w.since) this.notifier.notify(w.key);
    this.timer ??= setInterval(() => this.poll(), POLL_MS);
    try {
      await waiting;
    } finally {
      if (this.notifier.size === 0) this.stop();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.seen.clear();
  }

  private poll(): void {
    const version = read(this.dataVersion);
    if (version === undefined || version === this.lastDataVersion) return;
    this.lastDataVersion = version;
    for (const [key, entry] of this.seen) {
      const now = read(entry.probe);
      if (now === entry.value) continue;
      entry.value = now;
      this.notifier.notify(key);
    }
  }
}

/** The probe's value, or undefined while the file is busy (the next poll tries again). */
function read<T>(probe: () => T): T | undefined {
  try {
    return probe();
  } catch {
    return undefined;
  }
}
