// Client quotas on this broker (KIP-13, KIP-124, KIP-219): the quotas in storage (cached, see
// cache.ts), resolved per client (resolve.ts) and measured over this broker's own connections
// (sensors.ts), so every broker enforces the whole quota on what passes through it.

import type { Logger } from "../log.ts";
import type { FetchRequest } from "../protocol/generated/fetch.ts";
import type { RequestHeader } from "../protocol/header.ts";
import type { Engine } from "../storage/engine.ts";
import { QuotaCache } from "./cache.ts";
import { boundFetchBytes, FETCH_KEY } from "./fetch.ts";
import { PRODUCE_KEY, RequestMeter } from "./meter.ts";
import { KAFKA_QUOTA_WINDOWS } from "./rate.ts";
import { type ClientLimits, resolveLimits, type QuotaSnapshot } from "./resolve.ts";
import { QuotaSensors } from "./sensors.ts";

/** Clients whose limits are remembered between quota reads (more start the memory afresh). */
const MAX_RESOLVED = 10_000;

export class ClientQuotas {
  private readonly cache: QuotaCache;
  private readonly sensors: QuotaSensors;
  private resolvedFrom: QuotaSnapshot | null = null;
  private readonly resolved = new Map<string, ClientLimits | null>();

  constructor(engine: Engine, log: Logger) {
    this.cache = new QuotaCache(engine, log);
    this.sensors = new QuotaSensors(KAFKA_QUOTA_WINDOWS);
  }

  /**
   * The quota accounting of one request, or null when no quota applies to it. A Fetch under a
   * consumer quota has its maxBytes bounded here, before its handler runs.
   */
  meter(principal: string, header: RequestHeader, requestBytes: number, request: unknown): RequestMeter | null {
    const now = performance.now();
    const limits = this.limits(principal, header.clientId ?? "", now);
    if (limits === null) return null;
    const { apiKey } = header;
    const produce = apiKey === PRODUCE_KEY ? limits.produce : null;
    const fetch = apiKey === FETCH_KEY ? limits.fetch : null;
    if (limits.request === null && produce === null && fetch === null) return null;
    // the request of a Fetch key is a FetchRequest: the dispatcher decoded it with FetchApi
    if (fetch !== null) boundFetchBytes(request as FetchRequest, fetch.bound, this.sensors.windows);
    return new RequestMeter(this.sensors, limits, apiKey, requestBytes, now);
  }

  /** Reads the quotas from storage again (after an AlterClientQuotas through this broker). */
  refresh(): Promise<void> {
    return this.cache.refresh();
  }

  private limits(principal: string, clientId: string, now: number): ClientLimits | null {
    const snapshot = this.cache.current(now);
    if (snapshot.size === 0) return null;
    if (snapshot !== this.resolvedFrom || this.resolved.size >= MAX_RESOLVED) {
      this.resolved.clear();
      this.resolvedFrom = snapshot;
    }
    const key = `${principal}\u0000${clientId}`;
    let limits = this.resolved.get(key);
    if (limits === undefined) this.resolved.set(key, (limits = resolveLimits(snapshot, principal, clientId)));
    return limits;
  }
}
