// What consumer_byte_rate changes in a Fetch, as Kafka does: a client under a consumer quota never
// gets more in one answer than the quota allows per measured span (bound × (samples − 1) windows),
// so a single answer is never throttled on its own; and a throttled Fetch is answered with no
// partitions (and its bytes not counted), to be sent again once the throttle time has passed.

import type { FetchRequest, FetchResponse } from "../protocol/generated/fetch.ts";
import type { QuotaWindows } from "./rate.ts";

export const FETCH_KEY = 1;

export function boundFetchBytes(request: FetchRequest, bound: number, windows: QuotaWindows): void {
  const most = Math.floor((bound * (windows.samples - 1) * windows.windowMs) / 1000);
  request.maxBytes = Math.max(1, Math.min(request.maxBytes, most));
}

export function throttledFetch(response: FetchResponse, throttleTimeMs: number): FetchResponse {
  return { ...response, throttleTimeMs, responses: [] };
}
