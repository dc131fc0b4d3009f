// Whether the upstream cluster can be reached, as GET /ready tells. Ready once an upstream connection
// has answered ApiVersions. Whenever none is open (at start, once the last one closed, or when opening
// one failed) a probe opens a shared connection to a bootstrap broker and keeps it, so that its loss
// is noticed too; while no bootstrap broker answers, the proxy is unready and the probe retries with
// backoff.

import type { Logger } from "../log.ts";

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class UpstreamReadiness {
  ready = false;
  reason = "no upstream broker has answered yet";
  /** Upstream connections open now. */
  openConnections = 0;
  /** Upstream connections that could not be opened. */
  connectFailures = 0;
  private probe: (() => Promise<unknown>) | null = null;
  private probing = false;
  /** Whether the last probe failed (so a change either way is logged once). */
  private failing = false;
  private lastAttempt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly log: Logger) {}

  /** Probes now; `probe` rejects when no bootstrap broker answers. */
  start(probe: () => Promise<unknown>): void {
    this.probe = probe;
    void this.probeUntilReachable();
  }

  stop(): void {
    this.probe = null;
    clearTimeout(this.timer);
    this.wake?.();
  }

  opened(): void {
    this.openConnections++;
    this.reachable();
  }

  closed(): void {
    this.openConnections--;
    if (this.openConnections === 0) void this.probeUntilReachable();
  }

  failed(): void {
    this.connectFailures++;
    if (this.openConnections === 0) void this.probeUntilReachable();
  }

  private async probeUntilReachable(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    let delay = FIRST_RETRY_MS;
    try {
      // attempts are at least FIRST_RETRY_MS apart, however often connections close
      await this.pause(this.lastAttempt + FIRST_RETRY_MS - performance.now());
      while (this.probe !== null && this.openConnections === 0) {
        this.lastAttempt = performance.now();
        try {
          await this.probe();
          return this.reachable();
        } catch (e) {
          if (this.openConnections === 0) this.unreachable(message(e), delay);
        }
        await this.pause(delay);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    } finally {
      this.probing = false;
    }
  }

  private pause(ms: number): Promise<void> {
    if (ms <= 0 || this.probe === null) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  private reachable(): void {
    if (!this.ready) this.log.info("upstream reachable", { startMs: this.failing ? undefined : performance.now().toFixed(1) });
    this.ready = true;
    this.failing = false;
    this.reason = "";
  }

  private unreachable(reason: string, retryMs: number): void {
    if (!this.failing) this.log.warn("upstream unreachable, retrying", { reason, retryMs });
    this.ready = false;
    this.failing = true;
    this.reason = reason;
  }
}
