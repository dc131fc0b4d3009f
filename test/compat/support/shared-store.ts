// One store for several broker processes: the project's S3 test server (in this process), or a
// SQLite file. TXN_CHAOS_STORE=sqlite picks the file; S3 is the default.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, type TestBroker } from "../../support/broker.ts";
import { type S3Server, startS3Server } from "../../support/s3-server/index.ts";

export type StoreKind = "s3" | "sqlite";

export interface SharedStore {
  kind: StoreKind;
  /** --storage-engine */
  url: string;
  /** What a broker process needs in its environment to reach the store. */
  env: Record<string, string>;
  /** The S3 test server's fault injection; undefined for SQLite. */
  faults?: S3Server["faults"];
  close(): Promise<void>;
}

export function storeKind(): StoreKind {
  return process.env.TXN_CHAOS_STORE === "sqlite" ? "sqlite" : "s3";
}

export async function openSharedStore(kind: StoreKind): Promise<SharedStore> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "tansu-shared-"));
    return { kind, url: `sqlite://${join(dir, "shared.db")}`, env: {}, close: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const s3 = startS3Server({ buckets: ["tansu"] });
  return {
    kind,
    url: `s3://tansu/txn-${Date.now().toString(36)}`,
    env: { AWS_ENDPOINT: s3.endpoint, AWS_ALLOW_HTTP: "true", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "compat", AWS_SECRET_ACCESS_KEY: "secret" },
    faults: s3.faults,
    close: () => s3.stop(),
  };
}

/** `count` broker processes over `store`, each with `args` added. */
export function startBrokers(store: SharedStore, count: number, args: readonly string[] = []): Promise<TestBroker[]> {
  return Promise.all(Array.from({ length: count }, () => startBroker(["--storage-engine", store.url, ...args], store.env)));
}

/** The bootstrap list of `brokers`, starting at the `first`-th (so clients spread their first contact). */
export function bootstrapList(brokers: readonly TestBroker[], first = 0): string {
  return brokers.map((_, i) => brokers[(first + i) % brokers.length]!.bootstrap).join(",");
}
