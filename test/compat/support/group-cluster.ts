// Broker processes sharing one SQLite file: stateless brokers that agree on groups and offsets only
// through the engine, each advertising just itself, so a client bootstrapped on one talks only to it.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, type TestBroker } from "../../support/broker.ts";

export interface SqliteCluster {
  /** Running brokers, in start order. */
  readonly brokers: TestBroker[];
  start(): Promise<TestBroker>;
  /** Stops every broker (the file, and so the cluster's state, stays); returns their exit codes. */
  stopAll(): Promise<number[]>;
  close(): Promise<void>;
}

export async function startSqliteCluster(count: number, args: readonly string[]): Promise<SqliteCluster> {
  const dir = mkdtempSync(join(tmpdir(), "tansu-groups-"));
  const flags = ["--storage-engine", `sqlite://${join(dir, "tansu.db")}`, ...args];
  const brokers: TestBroker[] = [];
  const cluster: SqliteCluster = {
    brokers,
    async start() {
      const broker = await startBroker(flags);
      brokers.push(broker);
      return broker;
    },
    stopAll: () => Promise.all(brokers.splice(0).map((b) => b.stop())),
    async close() {
      await cluster.stopAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // one at a time: the first creates the database, the others find it made
  for (let i = 0; i < count; i++) await cluster.start();
  return cluster;
}
