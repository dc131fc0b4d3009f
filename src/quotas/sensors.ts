// One windowed rate per sensor (resolve.ts), created on first use and forgotten once all its
// windows have expired, so clients that come and go leave nothing behind.

import { recordAndThrottle, type QuotaWindows, WindowedRate } from "./rate.ts";
import type { QuotaLimit } from "./resolve.ts";

export class QuotaSensors {
  private readonly rates = new Map<string, WindowedRate>();
  private sweptAt = 0;

  constructor(readonly windows: QuotaWindows) {}

  /** Records `value` against the limit; returns the throttle time in ms (0 within the quota). */
  record(limit: QuotaLimit, value: number, now: number): number {
    this.sweep(now);
    let rate = this.rates.get(limit.sensor);
    if (rate === undefined) this.rates.set(limit.sensor, (rate = new WindowedRate(this.windows)));
    return recordAndThrottle(rate, value, limit.bound, now);
  }

  /** Takes back a recorded value (a throttled Fetch answers without its records). */
  unrecord(limit: QuotaLimit, value: number, now: number): void {
    this.rates.get(limit.sensor)?.record(-value, now);
  }

  private sweep(now: number): void {
    const span = this.windows.samples * this.windows.windowMs;
    if (now - this.sweptAt < span) return;
    this.sweptAt = now;
    for (const [sensor, rate] of this.rates) if (rate.idle(now)) this.rates.delete(sensor);
  }
}
