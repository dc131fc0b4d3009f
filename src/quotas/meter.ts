// One request's quota accounting, from before its handler runs to its encoded answer: Produce
// counts the request's bytes against producer_byte_rate, Fetch its answer's bytes against
// consumer_byte_rate, every request its handler time against request_percentage (ms of one thread
// per second, as a percentage). The answer carries the longest throttle time that results
// (KIP-219) and the caller mutes the connection for that long.

import type { FetchResponse } from "../protocol/generated/fetch.ts";
import type { RequestContext } from "../handlers/handler.ts";
import type { Engine } from "../storage/engine.ts";
import { FETCH_KEY, throttledFetch } from "./fetch.ts";
import { RequestClock } from "./request-clock.ts";
import type { ClientLimits } from "./resolve.ts";
import type { QuotaSensors } from "./sensors.ts";
import { withThrottleTime } from "./throttle-field.ts";

export const PRODUCE_KEY = 0;

export interface MeteredAnswer {
  /** null when the request gets no response (Produce with acks=0). */
  bytes: Uint8Array | null;
  throttleTimeMs: number;
}

export class RequestMeter {
  private readonly clock: RequestClock | null;

  constructor(
    private readonly sensors: QuotaSensors,
    private readonly limits: ClientLimits,
    private readonly apiKey: number,
    private readonly requestBytes: number,
    now: number,
  ) {
    this.clock = limits.request === null ? null : new RequestClock(now);
  }

  /** The engine the handler uses: its waits are no handler time. */
  engine(engine: Engine): Engine {
    return this.clock?.engine(engine) ?? engine;
  }

  /** The handler's inOrder: waiting for its turn is no handler time. */
  inOrder(inOrder: RequestContext["inOrder"]): RequestContext["inOrder"] {
    return this.clock?.inOrder(inOrder) ?? inOrder;
  }

  /** Records the request's use and encodes its answer with the throttle time that results. */
  answer(response: unknown, encode: (response: unknown) => Uint8Array): MeteredAnswer {
    const now = performance.now();
    let throttleTimeMs = this.requestThrottle(now);
    const { produce, fetch } = this.limits;
    if (this.apiKey === PRODUCE_KEY && produce !== null) throttleTimeMs = Math.max(throttleTimeMs, this.sensors.record(produce, this.requestBytes, now));
    if (response === null) return { bytes: null, throttleTimeMs };
    if (this.apiKey !== FETCH_KEY) return { bytes: encode(throttleTimeMs > 0 ? withThrottleTime(response, throttleTimeMs) : response), throttleTimeMs };
    // Kafka answers a throttled Fetch without records (and so does not count them)
    let bytes: Uint8Array | null = null;
    if (fetch !== null) {
      bytes = encode(response);
      throttleTimeMs = Math.max(throttleTimeMs, this.sensors.record(fetch, bytes.length, now));
      if (throttleTimeMs > 0) this.sensors.unrecord(fetch, bytes.length, now);
    }
    if (throttleTimeMs > 0) return { bytes: encode(throttledFetch(response as FetchResponse, throttleTimeMs)), throttleTimeMs };
    return { bytes: bytes ?? encode(response), throttleTimeMs };
  }

  /** Kafka bounds a request-quota throttle by one window. */
  private requestThrottle(now: number): number {
    const limit = this.limits.request;
    if (this.clock === null || limit === null) return 0;
    const percentSeconds = this.clock.elapsed(now) / 10;
    return Math.min(this.sensors.windows.windowMs, this.sensors.record(limit, percentSeconds, now));
  }
}
