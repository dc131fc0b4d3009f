// Pacing sends to a target rate with a token bucket: tokens accrue at the rate, up to a capacity,
// and each record takes one. The sender asks how many records may go now and, when none may, how
// long until the next one: it sleeps once per gap, not once per record, and a late wake-up is made
// good from the tokens that accrued meanwhile (up to the capacity, so a stall is not followed by an
// unbounded burst).

/** How much sending the bucket holds: this long at the target rate (at least one record). */
export const BURST_MS = 50;
/** Float sums of rate × time fall a hair short of whole tokens. */
const EPSILON = 1e-9;

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    /** Records per second. */
    private readonly rate: number,
    private readonly capacity: number,
    /** Milliseconds, on the clock later calls use. */
    now: number,
  ) {
    this.tokens = Math.min(1, capacity);
    this.last = now;
  }

  static forRate(rate: number, now: number): TokenBucket {
    return new TokenBucket(rate, Math.max(1, (rate * BURST_MS) / 1000), now);
  }

  /** How many of `wanted` records may go at `now`; they are taken from the bucket. */
  take(now: number, wanted: number): number {
    this.refill(now);
    const n = Math.max(0, Math.min(wanted, Math.floor(this.tokens + EPSILON)));
    this.tokens -= n;
    return n;
  }

  /** Milliseconds from `now` until a record may go (0: one may go now). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens + EPSILON >= 1 ? 0 : ((1 - this.tokens) * 1000) / this.rate;
  }

  private refill(now: number): void {
    if (now <= this.last) return;
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
  }
}
