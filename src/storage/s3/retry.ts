// Jittered exponential backoff within a deadline.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full jitter: uniform in [0, min(cap, base * 2^attempt)). */
export function backoffMs(attempt: number, baseMs = 10, capMs = 1_000): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
}
