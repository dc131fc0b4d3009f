// A Prometheus histogram with fixed latency buckets: one Float64Array per series, filled in place.

/** Upper bounds in seconds (the +Inf bucket is implicit). */
export const LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Histogram {
  /** Per bucket, not cumulative; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  /** `buckets`: ascending upper bounds in seconds. */
  constructor(readonly buckets: readonly number[] = LATENCY_BUCKETS) {
    this.counts = new Float64Array(buckets.length + 1);
  }

  observe(seconds: number): void {
    const { buckets } = this;
    let i = 0;
    while (i < buckets.length && seconds > buckets[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }
}
