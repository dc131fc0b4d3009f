// The admin side-port and metrics, loaded by `tansu broker` only when the admin listener is enabled.

export { instrumentEngine } from "./metrics/engine.ts";
export { metricsObserver } from "./metrics/observe.ts";
export { BrokerMetrics } from "./metrics/registry.ts";
export { type AdminServer, startAdmin } from "./server.ts";
