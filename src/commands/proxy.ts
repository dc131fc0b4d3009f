// `tansu proxy`: a Kafka-protocol proxy in front of an existing cluster (see src/proxy/).

import type { AdminServer } from "../admin/serve.ts";
import { formatAddress } from "../client/address.ts";
import { createLogger, type Logger } from "../log.ts";
import { startProxyAdmin } from "../proxy/admin.ts";
import type { ProxyConfig } from "../proxy/config.ts";
import type { ProxyInstruments } from "../proxy/instruments.ts";
import { ProxyMetrics } from "../proxy/metrics.ts";
import { nodePort } from "../proxy/node-ports.ts";
import { type RunningProxy, startProxy } from "../proxy/proxy.ts";
import { UpstreamReadiness } from "../proxy/readiness.ts";
import type { ProduceValidator } from "../proxy/validate-produce.ts";

export interface RunningProxyCommand extends RunningProxy {
  readonly log: Logger;
  /** The admin side-port as bound; null when disabled. */
  readonly adminPort: number | null;
}

/** The schema checks --schema-registry asks for; its settings (S3's included) are checked before the proxy listens. */
async function produceValidator(config: ProxyConfig, log: Logger): Promise<ProduceValidator | null> {
  if (config.schemaRegistry === null) return null;
  const { openSchemaRegistry } = await import("../schema/registry.ts");
  const { ProduceValidator } = await import("../proxy/validate-produce.ts");
  return new ProduceValidator(await openSchemaRegistry(config.schemaRegistry, log, config.schemaRegistryCheckIntervalMs, process.env), log);
}

/** After the Kafka listener, as the broker's: a client that connects at once should not wait for it. */
function startAdmin(config: ProxyConfig, instruments: ProxyInstruments | null, proxy: RunningProxy, log: Logger): AdminServer | null {
  if (config.adminListener === null || instruments === null) return null;
  try {
    return startProxyAdmin(config.adminListener, config, instruments, log);
  } catch (e) {
    proxy.stop();
    throw e;
  }
}

export async function startProxyCommand(config: ProxyConfig, log: Logger = createLogger(config.logLevel)): Promise<RunningProxyCommand> {
  const instruments = config.adminListener === null ? null : { metrics: new ProxyMetrics(), readiness: new UpstreamReadiness(log) };
  const proxy = startProxy(config, log, await produceValidator(config, log), instruments);
  const { listener, maxNodeId } = config;
  log.info("proxy listening", {
    listener: formatAddress({ host: listener.host, port: proxy.port }),
    advertised: formatAddress(proxy.advertised),
    upstream: config.upstream.map(formatAddress).join(","),
    upstreamSecurityProtocol: config.upstreamSecurity.securityProtocol,
    upstreamSaslMechanism: config.upstreamSecurity.sasl?.mechanism,
    schemas: config.schemaRegistry?.href,
    // node N's port, opened once an answer names node N
    nodePorts: listener.port === 0 ? "free ports" : `${nodePort(listener.port, 0)}..${nodePort(listener.port, maxNodeId)}`,
    startMs: performance.now().toFixed(1),
  });
  const admin = startAdmin(config, instruments, proxy, log);
  return {
    ...proxy,
    log,
    adminPort: admin?.port ?? null,
    stop() {
      proxy.stop();
      void admin?.stop();
    },
  };
}
