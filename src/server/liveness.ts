// When a client connection last did something, and since when a request frame has been arriving:
// what connections.max.idle.ms and the request frame timeout are measured from.

export interface LivenessLimits {
  connectionsMaxIdleMs: number;
  requestFrameTimeoutMs: number;
}

export class Liveness {
  private lastActivity = performance.now();
  /** When the frame still arriving started (0: none is). */
  private frameStartedAt = 0;

  /** Bytes arrived; `buffered` of a frame not yet complete are held, `frames` complete ones came out. */
  received(buffered: number, frames: number): void {
    this.lastActivity = performance.now();
    if (buffered === 0) this.frameStartedAt = 0;
    else if (frames > 0 || this.frameStartedAt === 0) this.frameStartedAt = this.lastActivity;
  }

  /** The socket took `bytes` of an answer. */
  sent(bytes: number): void {
    if (bytes > 0) this.lastActivity = performance.now();
  }

  /** Reading resumes: a frame's deadline does not run while the connection is not read. */
  resumed(): void {
    if (this.frameStartedAt !== 0) this.frameStartedAt = performance.now();
  }

  /**
   * Why the connection should be cut at `now` (performance.now()), or null: no traffic and no
   * request in flight for connections.max.idle.ms, or a frame started and not finished in time.
   */
  overdue(now: number, limits: LivenessLimits, state: { inFlight: number; paused: boolean; buffered: number }): string | null {
    const { connectionsMaxIdleMs, requestFrameTimeoutMs } = limits;
    if (this.frameStartedAt !== 0 && !state.paused && now - this.frameStartedAt > requestFrameTimeoutMs) {
      return `request frame not complete after ${requestFrameTimeoutMs} ms (${state.buffered} bytes received)`;
    }
    if (state.inFlight === 0 && now - this.lastActivity > connectionsMaxIdleMs) return `idle for ${connectionsMaxIdleMs} ms`;
    return null;
  }
}

/** How often connections are checked for idleness and overdue frames, at most. */
const SWEEP_MS = 1000;

/** Cuts each of `connections` that is overdue, checking often enough for the shorter limit; returns stop. */
export function sweepOverdue<C extends { overdue(now: number): string | null }>(connections: ReadonlySet<C>, limits: LivenessLimits, cut: (connection: C, reason: string) => void): () => void {
  const sweep = setInterval(
    () => {
      const now = performance.now();
      for (const c of connections) {
        const reason = c.overdue(now);
        if (reason !== null) cut(c, reason);
      }
    },
    Math.max(10, Math.min(SWEEP_MS, limits.connectionsMaxIdleMs / 4, limits.requestFrameTimeoutMs / 4)),
  );
  sweep.unref();
  return () => clearInterval(sweep);
}
