// Metrics for the admin side-port, loaded by `tansu broker` only when the admin listener is enabled
// (the HTTP server itself, server.ts, is loaded once the Kafka listener is up).

export { instrumentEngine } from "./metrics/engine.ts";
export { metricsObserver } from "./metrics/observe.ts";
export { BrokerMetrics } from "./metrics/registry.ts";
