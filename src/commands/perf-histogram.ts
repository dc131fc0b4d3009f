// A histogram of non-negative integers (latencies in microseconds) laid out log-linearly, as
// HdrHistogram does: values below 128 each have a bucket; above, every power of two is cut into 64
// buckets, so a bucket spans at most 1/64 of its lower bound and its midpoint is within 1/128
// (under 1%) of every value in it. Its memory is fixed whatever the count.

const EXACT = 128;
const PER_OCTAVE = EXACT / 2;
/** Values of 2^MAX_BITS and above share the last bucket; the exact maximum is kept apart. */
const MAX_BITS = 40;
const BUCKETS = EXACT + (MAX_BITS - 7) * PER_OCTAVE;
const TWO_32 = 2 ** 32;

function highestBit(value: number): number {
  return value < TWO_32 ? 31 - Math.clz32(value) : 63 - Math.clz32(Math.floor(value / TWO_32));
}

export function bucketIndex(value: number): number {
  if (value < EXACT) return value;
  // value / 2^shift falls in [64, 128)
  const shift = highestBit(value) - 6;
  return Math.min(BUCKETS - 1, EXACT + (shift - 1) * PER_OCTAVE + Math.floor(value / 2 ** shift) - PER_OCTAVE);
}

/** The bucket's smallest value and how many integers it holds. */
export function bucketRange(index: number): { low: number; width: number } {
  if (index < EXACT) return { low: index, width: 1 };
  const shift = Math.floor((index - EXACT) / PER_OCTAVE) + 1;
  return { low: (((index - EXACT) % PER_OCTAVE) + PER_OCTAVE) * 2 ** shift, width: 2 ** shift };
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;

  /** Rounds to an integer; a negative value counts as 0. */
  record(value: number): void {
    const v = Math.max(0, Math.round(value));
    this.counts[bucketIndex(v)]!++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /**
   * The smallest recorded value that at least `percent`% of the values do not exceed, to within
   * its bucket (its midpoint, kept within the recorded min and max); 0 when empty.
   */
  percentile(percent: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const { low, width } = bucketRange(i);
        return Math.min(this.max, Math.max(this.min, low + (width - 1) / 2));
      }
    }
    return this.max;
  }
}
