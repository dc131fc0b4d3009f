// `tansu broker`: the Kafka listener over one storage engine.

import type { Broker } from "../broker.ts";
import type { BrokerConfig, Endpoint } from "../config.ts";
import { handlerRegistry } from "../handlers/index.ts";
import { createLogger, type Logger } from "../log.ts";
import { listenKafka } from "../server/listener.ts";
import type { Engine } from "../storage/engine.ts";
import { openEngine } from "../storage/open.ts";

export interface RunningBroker {
  readonly broker: Broker;
  readonly port: number;
  stop(): Promise<void>;
}

function advertise(config: BrokerConfig, boundPort: number): Endpoint {
  const a = config.advertisedListener;
  if (a === null) {
    const host = config.listener.host === "0.0.0.0" || config.listener.host === "::" ? "localhost" : config.listener.host;
    return { host, port: boundPort };
  }
  return { host: a.host, port: a.port === 0 ? boundPort : a.port };
}

/**
 * Starts the listener over the engine `config.storageEngine` names, or over `shared`, an engine
 * already open (several brokers in one process over one store); the broker then leaves it open when
 * it stops.
 */
export async function startBroker(config: BrokerConfig, log: Logger = createLogger(config.logLevel), shared?: Engine): Promise<RunningBroker> {
  const engine = shared ?? (await openEngine(config.storageEngine));
  let broker: Broker | undefined;
  const listener = listenKafka(config.listener, () => {
    if (broker === undefined) throw new Error("connection before the broker was ready");
    return broker;
  });
  broker = { config, engine, log, advertised: advertise(config, listener.port), handlers: handlerRegistry() };
  log.info("broker listening", {
    listener: `${config.listener.host}:${listener.port}`,
    advertised: `${broker.advertised.host}:${broker.advertised.port}`,
    storage: engine.description,
    cluster: config.clusterId,
    node: config.nodeId,
  });
  let stopping: Promise<void> | undefined;
  return {
    broker,
    port: listener.port,
    stop() {
      stopping ??= (async () => {
        await listener.stop();
        if (shared === undefined) await engine.close();
        log.info("broker stopped");
      })();
      return stopping;
    },
  };
}
