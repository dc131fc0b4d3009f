import type { ProxyMetrics } from "./metrics.ts";
import type { UpstreamReadiness } from "./readiness.ts";

/** What the proxy's admin side-port reads, kept only while it is enabled. */
export interface ProxyInstruments {
  readonly metrics: ProxyMetrics;
  readonly readiness: UpstreamReadiness;
}
