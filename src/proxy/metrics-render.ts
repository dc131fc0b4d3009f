// The proxy's /metrics as Prometheus text: its client connections, the requests it carried by API
// with their upstream round-trip times, its upstream connections and whether it is ready.

import { Exposition } from "../admin/metrics/exposition.ts";
import { proxiedApi } from "./api-versions.ts";
import type { ProxyInstruments } from "./instruments.ts";

const api = (apiKey: number) => [["api", proxiedApi(apiKey)?.name ?? String(apiKey)]] as const;

export function renderProxyMetrics({ metrics: m, readiness: r }: ProxyInstruments): string {
  const out = new Exposition();
  out.family("tansu_proxy_ready", "gauge", "1 while an upstream broker can be reached (GET /ready answers 200), else 0.").sample("tansu_proxy_ready", r.ready ? 1 : 0);
  out.family("tansu_proxy_client_connections_open", "gauge", "Client connections open now.").sample("tansu_proxy_client_connections_open", m.clientConnectionsOpen);
  out.family("tansu_proxy_client_connections_total", "counter", "Client connections accepted.").sample("tansu_proxy_client_connections_total", m.clientConnectionsTotal);
  out.family("tansu_proxy_client_connections_closed_total", "counter", "Client connections closed, by either side.").sample("tansu_proxy_client_connections_closed_total", m.clientConnectionsClosed);
  out.family("tansu_proxy_requests_total", "counter", "Client requests sent upstream, by API (ApiVersions is answered by the proxy and not counted).");
  m.requests.forEach((n, key) => {
    if (n > 0) out.sample("tansu_proxy_requests_total", n, api(key));
  });
  out.family("tansu_proxy_upstream_errors_total", "counter", "Requests sent upstream that got no answer (timed out, or the upstream connection was lost), by API.");
  m.upstreamErrors.forEach((n, key) => {
    if (n > 0) out.sample("tansu_proxy_upstream_errors_total", n, api(key));
  });
  out.family("tansu_proxy_upstream_request_duration_seconds", "histogram", "Time from sending a request upstream to its answer, by API (a Fetch or JoinGroup includes its wait in the broker).");
  m.roundTrips.forEach((h, key) => {
    if (h !== undefined) out.histogram("tansu_proxy_upstream_request_duration_seconds", h, api(key));
  });
  out.family("tansu_proxy_upstream_connections_open", "gauge", "Upstream connections open now, shared and dedicated.").sample("tansu_proxy_upstream_connections_open", r.openConnections);
  out.family("tansu_proxy_upstream_connect_failures_total", "counter", "Upstream connections that could not be opened.").sample("tansu_proxy_upstream_connect_failures_total", r.connectFailures);
  return out.process().text();
}
