// Background work every broker runs on a timer (transaction timeouts, retention): one run at a
// time, a failed run logged and retried at the next tick; the timer never keeps the process alive.

import type { Logger } from "../log.ts";

/** Runs `task` every `intervalMs` until the returned function is called. */
export function every(intervalMs: number, what: string, log: Logger, task: () => Promise<void>): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .catch((e: unknown) => log.warn(`${what} failed`, { error: String(e) }))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
