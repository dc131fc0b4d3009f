// Several brokers in this process over one memory engine: one cluster of stateless brokers, each
// listening on its own loopback port and advertising only itself.

import { startBroker, type RunningBroker } from "../../src/commands/broker.ts";
import { brokerConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { type MemoryEngine, openMemoryEngine } from "../../src/storage/memory/index.ts";

export interface Cluster {
  readonly engine: MemoryEngine;
  /** Running brokers, in start order (stopped ones are removed). */
  readonly brokers: RunningBroker[];
  /** "127.0.0.1:PORT" of a running broker. */
  bootstrap(broker: RunningBroker): string;
  /** Starts one more broker over the same engine, with flags added to the cluster's. */
  start(args?: readonly string[]): Promise<RunningBroker>;
  /** Stops one broker; the engine, and so the cluster's state, stays. */
  stop(broker: RunningBroker): Promise<void>;
  close(): Promise<void>;
}

export async function startCluster(count: number, args: readonly string[] = []): Promise<Cluster> {
  const engine = openMemoryEngine();
  const config = (more: readonly string[]) =>
    brokerConfig(["--storage-engine", "memory://", "--listener-url", "tcp://127.0.0.1:0", "--admin-listener-url", "", ...args, ...more], {});
  const log = createLogger("error");
  const brokers: RunningBroker[] = [];
  const cluster: Cluster = {
    engine,
    brokers,
    bootstrap: (broker) => `127.0.0.1:${broker.port}`,
    async start(more = []) {
      const broker = await startBroker(config(more), log, engine);
      brokers.push(broker);
      return broker;
    },
    async stop(broker) {
      brokers.splice(brokers.indexOf(broker), 1);
      await broker.stop();
    },
    async close() {
      await Promise.all(brokers.splice(0).map((b) => b.stop()));
      await engine.close();
    },
  };
  for (let i = 0; i < count; i++) await cluster.start();
  return cluster;
}
