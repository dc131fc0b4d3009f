// How the S3 engine meets its store: If-Match quoting found out per server (AWS quoted, radosgw
// bare), stores whose ETags are not MD5s, and one clear line for each way the store can be wrong.

import { afterAll, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/log.ts";
import { StorageError } from "../../src/storage/engine.ts";
import { openS3Engine, type S3Tuning } from "../../src/storage/s3/index.ts";
import { startS3Server, type S3Server } from "../support/s3-server/index.ts";
import { testBatch } from "./record-batch.ts";
import { s3Env, uniquePrefix, type S3Target } from "./s3-fixture.ts";

const servers: S3Server[] = [];
afterAll(() => Promise.all(servers.map((s) => s.stop())));

function server(options: Parameters<typeof startS3Server>[0] = {}): S3Server {
  const s = startS3Server({ buckets: ["tansu"], accessKeyId: "test-key", ...options });
  servers.push(s);
  return s;
}

function closedPort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

const target = (s: S3Server): S3Target => ({ endpoint: s.endpoint, bucket: "tansu", accessKeyId: "test-key", secretAccessKey: "secret" });

async function open(t: S3Target, tuning: Partial<S3Tuning> = {}, bucket = t.bucket) {
  const lines: string[] = [];
  const log = createLogger("info", (line) => lines.push(line));
  const engine = await openS3Engine(new URL(`s3://${bucket}/${uniquePrefix("store")}`), { env: s3Env(t), tuning: { maintenanceIntervalMs: 0, requestTimeoutMs: 1_000, ...tuning }, log });
  return { engine, lines };
}

async function failure(promise: Promise<unknown>): Promise<StorageError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof StorageError) return e;
    throw e;
  }
  throw new Error("expected a StorageError");
}

/** The If-Match values the engine sent while `run` ran. */
async function ifMatchSent(s: S3Server, run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const stop = s.listen((op, _key, headers) => {
    const value = headers.get("if-match");
    if (op === "PutObject" && value !== null && !value.startsWith('"0123')) seen.push(value);
  });
  await run();
  stop();
  return seen;
}

async function appendSome(engine: Awaited<ReturnType<typeof open>>["engine"]): Promise<number[]> {
  const created = await engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} });
  expect(created.errorCode).toBe(0);
  // Concurrent appends (one commit), then one at a time (a commit each, If-Match on the last).
  const results = await Promise.all(Array.from({ length: 10 }, () => engine.append("t", 0, testBatch({ recordCount: 2 }))));
  for (let i = 0; i < 10; i++) results.push(await engine.append("t", 0, testBatch({ recordCount: 2 })));
  return results.map((r) => (r.errorCode === 0 ? r.baseOffset : -1)).sort((a, b) => a - b);
}

describe("If-Match form", () => {
  test("AWS semantics: quoted, found out at start", async () => {
    const s = server({ dialect: "aws" });
    const { engine, lines } = await open(target(s));
    const sent = await ifMatchSent(s, () => appendSome(engine));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((v) => /^"[0-9a-f]{32}"$/.test(v))).toBe(true);
    expect(lines.join("")).toContain("ifMatch=quoted");
    await engine.close();
  });

  test("radosgw semantics: bare, found out at start", async () => {
    const s = server({ dialect: "ceph" });
    const { engine, lines } = await open(target(s));
    const sent = await ifMatchSent(s, async () => expect(await appendSome(engine)).toEqual(Array.from({ length: 20 }, (_, i) => i * 2)));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((v) => /^[0-9a-f]{32}$/.test(v))).toBe(true);
    expect(lines.join("")).toContain("ifMatch=bare");
    await engine.close();
  });

  test("a configured form the store rejects is reported, not used", async () => {
    const s = server({ dialect: "ceph" });
    const { engine, lines } = await open(target(s), { etagStyle: "quoted" });
    const error = await failure(engine.ping());
    expect(error.message).toContain("rejects If-Match with the object's own ETag (quoted)");
    expect(lines.filter((l) => l.includes("ERROR"))).toHaveLength(1);
    await engine.close();
  });
});

test("ETags that are not MD5s (S3 with KMS) turn pipelined commits off and still commit correctly", async () => {
  const s = server({ etags: "opaque" });
  const { engine, lines } = await open(target(s));
  expect(lines.join("")).toContain("md5Etags=false");
  expect(await appendSome(engine)).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  await engine.close();
});

describe("a store that cannot be used: one line naming the problem, operations fail as unavailable", () => {
  const cases: [string, () => S3Target, string, string][] = [
    ["a missing bucket", () => target(server()), "missing-bucket", "bucket missing-bucket at http://127.0.0.1"],
    ["wrong credentials", () => ({ ...target(server()), accessKeyId: "wrong" }), "tansu", "refused the credentials"],
    ["an unreachable endpoint", () => ({ ...target(server()), endpoint: `http://127.0.0.1:${closedPort()}` }), "tansu", "is unreachable"],
  ];
  for (const [what, make, bucket, message] of cases) {
    test(what, async () => {
      const { engine, lines } = await open(make(), {}, bucket);
      for (let i = 0; i < 100 && !lines.some((l) => l.includes("ERROR")); i++) await Bun.sleep(50);
      await Bun.sleep(500);
      const errors = lines.filter((l) => l.includes("ERROR"));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(message);
      expect((await failure(engine.ping())).message).toContain(message);
      const create = await failure(engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} }));
      expect(create.code).toBe("unavailable");
      await engine.close();
    });
  }

  test("the engine becomes usable once the store is fixed", async () => {
    const s = server();
    const { engine } = await open(target(s), {}, "late-bucket");
    expect((await failure(engine.ping())).message).toContain("does not exist");
    s.createBucket("late-bucket");
    await Bun.sleep(1_500);
    await engine.ping();
    expect(await appendSome(engine)).toHaveLength(20);
    await engine.close();
  });
});
