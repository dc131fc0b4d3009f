// What the proxy counts for /metrics, as plain numbers and typed arrays indexed by API key, so that
// counting a request allocates nothing (an API's histogram is made with its first round trip).

import { Histogram } from "../admin/metrics/histogram.ts";
import { API_KEY_SLOTS } from "../admin/metrics/registry.ts";

/** Upper bounds in seconds: a round trip on a local network takes a fraction of a millisecond, a Fetch long poll seconds. */
export const ROUND_TRIP_BUCKETS: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ProxyMetrics {
  clientConnectionsOpen = 0;
  clientConnectionsTotal = 0;
  clientConnectionsClosed = 0;
  /** Requests sent upstream, by API key. */
  readonly requests = new Float64Array(API_KEY_SLOTS);
  /** Requests sent upstream that got no answer (timed out, or the connection was lost), by API key. */
  readonly upstreamErrors = new Float64Array(API_KEY_SLOTS);
  /** Time from sending a request upstream to its answer, by API key. */
  readonly roundTrips: (Histogram | undefined)[] = [];

  clientOpened(): void {
    this.clientConnectionsOpen++;
    this.clientConnectionsTotal++;
  }

  clientClosed(): void {
    this.clientConnectionsOpen--;
    this.clientConnectionsClosed++;
  }

  countRequest(apiKey: number): void {
    if (apiKey >= 0 && apiKey < API_KEY_SLOTS) this.requests[apiKey]!++;
  }

  countUpstreamError(apiKey: number): void {
    if (apiKey >= 0 && apiKey < API_KEY_SLOTS) this.upstreamErrors[apiKey]!++;
  }

  observeRoundTrip(apiKey: number, seconds: number): void {
    if (apiKey < 0 || apiKey >= API_KEY_SLOTS) return;
    (this.roundTrips[apiKey] ??= new Histogram(ROUND_TRIP_BUCKETS)).observe(seconds);
  }
}
