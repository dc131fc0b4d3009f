import { expect, test } from "bun:test";
import { KAFKA_QUOTA_WINDOWS, recordAndThrottle, WindowedRate } from "../../src/quotas/rate.ts";

const rate = () => new WindowedRate(KAFKA_QUOTA_WINDOWS);

test("a young sensor is measured as if it had seen ten empty one-second windows", () => {
  const r = rate();
  r.record(1000, 0);
  expect(r.windowSize(0)).toBe(10_000);
  expect(r.measure(0)).toBe(100);
  // 3.5 s later: three full windows elapsed, seven still assumed
  expect(r.windowSize(3500)).toBe(10_500);
  // past ten windows the span is the time since the oldest window
  r.record(0, 10_400);
  expect(r.windowSize(10_700)).toBe(10_700);
});

test("throttle time is Kafka's (rate − bound) / bound × the measured span", () => {
  const r = rate();
  const bound = 50 * 1024;
  // 500 KB at once is exactly the quota over ten seconds: not throttled
  expect(recordAndThrottle(r, 500 * 1024, bound, 0)).toBe(0);
  // 512 KB: 52428.8 B/s over 10 s → (52428.8 − 51200) / 51200 × 10 000 ms
  expect(recordAndThrottle(r, 12 * 1024, bound, 0)).toBe(240);
  // after that long, the same total over the longer span is back at the bound
  expect(r.measure(240)).toBeCloseTo(bound, 6);
});

test("windows expire after samples × window size, and the sensor then is idle", () => {
  const r = rate();
  r.record(100, 0);
  r.record(200, 1500);
  r.record(300, 2600);
  expect(r.measure(2600) * (r.windowSize(2600) / 1000)).toBe(600);
  // the window started at 0 expires at 11 s; the others still count
  expect(r.measure(11_000) * (r.windowSize(11_000) / 1000)).toBeCloseTo(500, 6);
  expect(r.idle(11_000)).toBe(false);
  expect(r.measure(13_600)).toBe(0);
  expect(r.idle(13_600)).toBe(true);
});

test("recording a negative value takes a value back", () => {
  const r = rate();
  r.record(4000, 0);
  r.record(-4000, 10);
  expect(r.measure(10)).toBe(0);
});
