// Kafka's windowed rate (a Rate over a SampledStat): values are summed into `samples` windows of
// `windowMs`, a window starting at the first value recorded after the previous one ended. The
// rate is the sum over the windows not yet expired divided by the time they span, where a young
// (or long idle) sensor counts as if it had seen samples − 1 windows already, so a first request
// is not measured as a burst.

export interface QuotaWindows {
  samples: number;
  windowMs: number;
}

/** Kafka's defaults: quota.window.num = 11, quota.window.size.seconds = 1. */
export const KAFKA_QUOTA_WINDOWS: QuotaWindows = { samples: 11, windowMs: 1000 };

export class WindowedRate {
  private readonly starts: number[] = [];
  private readonly values: number[] = [];
  private current = 0;

  constructor(private readonly windows: QuotaWindows) {}

  record(value: number, now: number): void {
    const { samples, windowMs } = this.windows;
    if (this.starts.length === 0) {
      this.starts.push(now);
      this.values.push(0);
    } else if (now - this.starts[this.current]! >= windowMs) {
      this.current = (this.current + 1) % samples;
      if (this.current === this.starts.length) {
        this.starts.push(now);
        this.values.push(0);
      } else {
        this.starts[this.current] = now;
        this.values[this.current] = 0;
      }
    }
    this.values[this.current]! += value;
  }

  /** Per second. */
  measure(now: number): number {
    const span = this.windowSize(now);
    return this.values.reduce((sum, v) => sum + v, 0) / (span / 1000);
  }

  /** The time (ms) the rate is measured over. */
  windowSize(now: number): number {
    const { samples, windowMs } = this.windows;
    this.expire(now);
    const oldest = this.starts.length === 0 ? now : Math.min(...this.starts);
    const elapsed = now - oldest;
    const missing = samples - 1 - Math.floor(elapsed / windowMs);
    return missing > 0 ? elapsed + missing * windowMs : elapsed;
  }

  /** Whether nothing recorded counts any more (so the rate may be forgotten). */
  idle(now: number): boolean {
    this.expire(now);
    return this.values.every((v) => v === 0);
  }

  private expired(start: number, now: number): boolean {
    return now - start >= this.windows.samples * this.windows.windowMs;
  }

  private expire(now: number): void {
    this.starts.forEach((start, i) => {
      if (!this.expired(start, now)) return;
      this.starts[i] = now;
      this.values[i] = 0;
    });
  }
}

/**
 * Records `value` and returns how long (ms) the client must wait for the rate to come back to
 * `bound`, as Kafka computes it: (rate − bound) / bound × the span the rate is measured over,
 * rounded; 0 while the rate is within the bound.
 */
export function recordAndThrottle(rate: WindowedRate, value: number, bound: number, now: number): number {
  rate.record(value, now);
  const measured = rate.measure(now);
  return measured <= bound ? 0 : Math.round(((measured - bound) / bound) * rate.windowSize(now));
}
