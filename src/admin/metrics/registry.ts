// Everything the broker counts, as plain numbers and typed arrays indexed by API key, version and
// error code, so that counting a request allocates nothing. Rendering (render.ts) turns them into
// labelled series.

import { Histogram } from "./histogram.ts";

/** API keys and versions below these bounds are counted (Kafka 3.9 stays well inside). */
export const API_KEY_SLOTS = 128;
export const VERSION_SLOTS = 32;
/** Error codes -1..254 are counted, at index code + 1. */
export const ERROR_SLOTS = 256;

export class BrokerMetrics {
  connectionsOpen = 0;
  connectionsTotal = 0;
  /** Index apiKey * VERSION_SLOTS + version. */
  readonly requests = new Float64Array(API_KEY_SLOTS * VERSION_SLOTS);
  /** Index errorCode + 1. */
  readonly errors = new Float64Array(ERROR_SLOTS);
  /** Request handling time by API key. */
  readonly requestLatency: (Histogram | undefined)[] = [];
  /** API names by key, learnt from the handlers that ran. */
  readonly apiNames: string[] = [];
  producedRecords = 0;
  producedBytes = 0;
  fetchedRecords = 0;
  fetchedBytes = 0;
  /** Storage call time by Engine method name. */
  readonly storageLatency = new Map<string, Histogram>();

  countError(code: number): void {
    const i = code + 1;
    if (i >= 0 && i < ERROR_SLOTS) this.errors[i]!++;
  }

  countRequest(apiKey: number, apiName: string, version: number, seconds: number): void {
    if (apiKey < 0 || apiKey >= API_KEY_SLOTS || version < 0 || version >= VERSION_SLOTS) return;
    this.requests[apiKey * VERSION_SLOTS + version]!++;
    let h = this.requestLatency[apiKey];
    if (h === undefined) {
      h = this.requestLatency[apiKey] = new Histogram();
      this.apiNames[apiKey] = apiName;
    }
    h.observe(seconds);
  }

  storageHistogram(operation: string): Histogram {
    let h = this.storageLatency.get(operation);
    if (h === undefined) this.storageLatency.set(operation, (h = new Histogram()));
    return h;
  }
}
