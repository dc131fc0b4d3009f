// What security costs, run by hand: bun bench/security.ts. BENCH_ROUNDS sets the rounds (default 5),
// BENCH_PARTS which parts run (default 1,2,3).
//
// 1. TLS next to plaintext. One broker (memory://) with a tcp:// and a tls:// listener; each round
//    produces RECORDS 100-byte records in batches of 1,000 (8 requests in flight, no client library)
//    and fetches them back (1 MiB per Fetch, one at a time) through each listener, alternating which
//    goes first. Ratios are TLS ÷ plaintext throughput, medians of the rounds.
// 2. SASL authentications per second on a sasl+tcp:// listener: CONNECTIONS connections at once,
//    each authenticating again and again for SECONDS: SCRAM-SHA-512 (two round trips; the client
//    side's PBKDF2 done once up front, as a client that caches its salted password) and PLAIN
//    (the broker runs PBKDF2 with the stored iterations, 4,096, on every attempt).
// 3. The authorizer on 1,000 ACLs: Produce requests per second on memory:// (one 1-record batch
//    each, 8 in flight) from User:ANONYMOUS, allowed by one prefixed ACL among 1,000 for other
//    principals and resources (stored by a super user over SASL), with --authorizer acl next to
//    --authorizer none, alternating.

import { createHash, createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { saltPassword } from "../src/auth/scram.ts";
import { decodeResponse, encodeRequest } from "../src/protocol/frame.ts";
import { FetchApi, SaslAuthenticateApi, SaslHandshakeApi } from "../src/protocol/generated/index.ts";
import { encodeBatch } from "../src/protocol/records/index.ts";
import type { AclBinding } from "../src/storage/engine.ts";
import { openEngine } from "../src/storage/open.ts";
import { makeCa } from "../test/support/certs.ts";
import { produceBatches } from "./support/batch-producer.ts";
import { RawClient } from "./support/raw-client.ts";
import { brokerArgv } from "./support/server.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RECORDS = 300_000;
const PER_BATCH = 1000;
const CONNECTIONS = 8;
const SECONDS = 3;
const say = (line: string) => console.error(line);
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const dir = mkdtempSync(join(tmpdir(), "tansu-bench-security-"));
const ca = makeCa();
const server = ca.issue("server", "/CN=localhost", { server: true });
const tlsClient = { ca: ca.certPem, serverName: "localhost" };
const encoder = new TextEncoder();
const value = new Uint8Array(100).fill(120);
let correlation = 0;

/** Each listener's port by security protocol; a lone tcp:// listener's line has no listeners= field. */
function listenerPorts(logs: string): Map<string, number> {
  const field = /listeners=(\S+)/.exec(logs)?.[1];
  if (field === undefined) return new Map([["PLAINTEXT", Number(/listener=\S*:(\d+)/.exec(logs)?.[1])]]);
  return new Map(field.split(",").map((l) => [l.split(":")[0]!, Number(l.split(":").at(-1))]));
}

/** A broker whose start line we keep, to read each listener's port from it. */
async function broker(extra: string[], env: Record<string, string> = {}, storage = "memory://") {
  let logs = "";
  const argv = brokerArgv(storage, extra);
  const proc = Bun.spawn(argv, { stdout: "ignore", stderr: "pipe", env: { ...process.env, ...env } });
  await new Promise<void>((resolve, reject) => {
    void (async () => {
      for await (const chunk of proc.stderr) {
        logs += new TextDecoder().decode(chunk);
        if (/broker listening/.test(logs)) resolve();
      }
      reject(new Error(`broker did not start: ${logs}`));
    })();
  });
  return {
    ports: listenerPorts(logs),
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 1. TLS next to plaintext

async function fetchAll(port: number, topic: string, tls?: typeof tlsClient): Promise<number> {
  const client = await RawClient.connect(port, tls);
  const t0 = performance.now();
  let offset = 0n;
  while (offset < BigInt(RECORDS)) {
    const body = { clusterId: null, replicaId: -1, replicaState: { replicaId: -1, replicaEpoch: -1n }, maxWaitMs: 500, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic, topicId: "00000000-0000-0000-0000-000000000000", partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20, replicaDirectoryId: "00000000-0000-0000-0000-000000000000" }] }], forgottenTopicsData: [], rackId: "" };
    const frame = await client.request(encodeRequest(FetchApi, { apiKey: 1, apiVersion: 11, correlationId: ++correlation, clientId: "bench" }, body as never));
    const r = decodeResponse(FetchApi, 11, frame);
    if (!r.ok) throw new Error("undecodable Fetch answer");
    const p = r.body.responses[0]?.partitions[0];
    if (p === undefined || p.errorCode !== 0 || p.records === null || p.records.length === 0) throw new Error(`Fetch answered ${p?.errorCode}`);
    // the last batch in the answer ends where the next fetch starts
    offset = lastOffsetAfter(p.records);
  }
  const seconds = (performance.now() - t0) / 1000;
  client.close();
  return RECORDS / seconds;
}

/** The offset after the last whole batch in `records`. */
function lastOffsetAfter(records: Uint8Array): bigint {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let at = 0;
  let next = 0n;
  while (at + 61 <= records.length) {
    const length = view.getInt32(at + 8);
    if (at + 12 + length > records.length) break;
    next = view.getBigInt64(at) + BigInt(view.getInt32(at + 23)) + 1n;
    at += 12 + length;
  }
  return next;
}

async function partOne(): Promise<string[]> {
  const b = await broker(["--listener-url", "tcp://127.0.0.1:0,tls://127.0.0.1:0", "--tls-cert", server.cert, "--tls-key", server.key]);
  const plain = b.ports.get("PLAINTEXT")!;
  const tls = b.ports.get("SSL")!;
  const batches = Array.from({ length: RECORDS / PER_BATCH }, () => encodeBatch(Array.from({ length: PER_BATCH }, () => ({ key: null, value, timestamp: Date.now() }))));
  const rows: Record<"produce" | "fetch", { plain: number[]; tls: number[] }> = { produce: { plain: [], tls: [] }, fetch: { plain: [], tls: [] } };
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? (["plain", "tls"] as const) : (["tls", "plain"] as const);
      for (const kind of order) {
        const topic = `bench-${kind}-${round}`;
        const options = kind === "tls" ? tlsClient : undefined;
        const port = kind === "tls" ? tls : plain;
        const admin = new Kafka({ brokers: [`127.0.0.1:${plain}`], logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
        await admin.disconnect();
        const seconds = await produceBatches(port, topic, batches, 8, options);
        rows.produce[kind].push(RECORDS / seconds);
        rows.fetch[kind].push(await fetchAll(port, topic, options));
      }
      say(`round ${round}: produce plain ${rows.produce.plain.at(-1)!.toFixed(0)} tls ${rows.produce.tls.at(-1)!.toFixed(0)} records/s; fetch plain ${rows.fetch.plain.at(-1)!.toFixed(0)} tls ${rows.fetch.tls.at(-1)!.toFixed(0)}`);
    }
  } finally {
    await b.stop();
  }
  const line = (what: "produce" | "fetch") => {
    const ratios = rows[what].tls.map((t, i) => t / rows[what].plain[i]!);
    return `${what.padEnd(10)}${median(rows[what].plain).toFixed(0).padStart(14)}${median(rows[what].tls).toFixed(0).padStart(14)}${median(ratios).toFixed(2).padStart(8)}  (${ratios.map((r) => r.toFixed(2)).join(" ")})`;
  };
  return [`1. ${RECORDS.toLocaleString("en")} records of 100 bytes, batches of ${PER_BATCH}: records/s`, `${"".padEnd(10)}${"plaintext".padStart(14)}${"TLS".padStart(14)}${"ratio".padStart(8)}`, line("produce"), line("fetch")];
}

// ---------------------------------------------------------------------------------------------
// 2. SASL authentications per second

const hmac = (key: Uint8Array, data: string) => new Uint8Array(createHmac("sha512", key).update(data).digest());

async function call<Req, Res>(client: RawClient, api: Parameters<typeof encodeRequest<Req>>[0], version: number, body: Req): Promise<Res> {
  const frame = await client.request(encodeRequest(api, { apiKey: api.apiKey, apiVersion: version, correlationId: ++correlation, clientId: "bench" }, body));
  const r = decodeResponse(api as never, version, frame);
  if (!r.ok) throw new Error(`undecodable ${api.name} answer`);
  return r.body as Res;
}

/** One SCRAM-SHA-512 exchange for admin on a fresh connection, the salted password known. */
async function scramOnce(port: number, salted: Uint8Array): Promise<void> {
  const client = await RawClient.connect(port);
  await call(client, SaslHandshakeApi, 1, { mechanism: "SCRAM-SHA-512" });
  const nonce = randomBytes(18).toString("base64");
  const bare = `n=admin,r=${nonce}`;
  const first = await call<unknown, { errorCode: number; authBytes: Uint8Array }>(client, SaslAuthenticateApi, 1, { authBytes: encoder.encode(`n,,${bare}`) });
  const serverFirst = new TextDecoder().decode(first.authBytes);
  const combined = /r=([^,]+)/.exec(serverFirst)?.[1] ?? "";
  const withoutProof = `c=biws,r=${combined}`;
  const clientKey = hmac(salted, "Client Key");
  const storedKey = new Uint8Array(createHash("sha512").update(clientKey).digest());
  const signature = hmac(storedKey, `${bare},${serverFirst},${withoutProof}`);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!)).toString("base64");
  const final = await call<unknown, { errorCode: number }>(client, SaslAuthenticateApi, 1, { authBytes: encoder.encode(`${withoutProof},p=${proof}`) });
  if (final.errorCode !== 0) throw new Error(`SCRAM failed with ${final.errorCode}`);
  client.close();
}

async function plainOnce(port: number): Promise<void> {
  const client = await RawClient.connect(port);
  await call(client, SaslHandshakeApi, 1, { mechanism: "PLAIN" });
  const r = await call<unknown, { errorCode: number }>(client, SaslAuthenticateApi, 1, { authBytes: encoder.encode("\u0000admin\u0000admin-password") });
  if (r.errorCode !== 0) throw new Error(`PLAIN failed with ${r.errorCode}`);
  client.close();
}

async function rate(once: () => Promise<void>): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < end) {
      await once();
      done++;
    }
  }));
  return done / SECONDS;
}

async function partTwo(): Promise<string[]> {
  const store = `sqlite://${join(dir, "users.db")}`;
  const b = await broker(["--listener-url", "sasl+tcp://127.0.0.1:0"], { ADMIN_USER: "admin", ADMIN_PASSWORD: "admin-password" }, store);
  const port = b.ports.get("SASL_PLAINTEXT")!;
  try {
    // the broker creates ADMIN_USER once its storage is open, just after it listens
    const engine = await openEngine(new URL(store));
    let credential = (await engine.scramCredentials("admin")).find((c) => c.mechanism === "SCRAM-SHA-512");
    for (let i = 0; i < 100 && credential === undefined; i++) {
      await Bun.sleep(50);
      credential = (await engine.scramCredentials("admin")).find((c) => c.mechanism === "SCRAM-SHA-512");
    }
    await engine.close();
    if (credential === undefined) throw new Error("the broker did not create ADMIN_USER");
    const salted = await saltPassword("SCRAM-SHA-512", "admin-password", credential.salt, credential.iterations);
    const scram: number[] = [];
    const plain: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      scram.push(await rate(() => scramOnce(port, salted)));
      plain.push(await rate(() => plainOnce(port)));
      say(`round ${round}: SCRAM-SHA-512 ${scram.at(-1)!.toFixed(0)}/s, PLAIN ${plain.at(-1)!.toFixed(0)}/s`);
    }
    return [`2. authentications per second, ${CONNECTIONS} at once, each on a new connection (median of ${ROUNDS})`, `SCRAM-SHA-512 ${median(scram).toFixed(0)}/s, PLAIN ${median(plain).toFixed(0)}/s`];
  } finally {
    await b.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. The authorizer on 1,000 ACLs

function thousandAcls(): AclBinding[] {
  const acls: AclBinding[] = [];
  for (let i = 0; i < 999; i++) {
    const literal = i % 3 !== 0;
    acls.push({ resourceType: i % 2 === 0 ? 2 : 3, resourceName: literal ? `team-${i}-topic` : `team-${i}-`, patternType: literal ? 3 : 4, principal: `User:user-${i % 50}`, host: "*", operation: 2 + (i % 11), permissionType: i % 10 === 0 ? 2 : 3 });
  }
  acls.push({ resourceType: 2, resourceName: "bench-", patternType: 4, principal: "User:ANONYMOUS", host: "*", operation: 4, permissionType: 3 });
  return acls;
}

async function partThree(): Promise<string[]> {
  const batch = encodeBatch([{ key: null, value, timestamp: Date.now() }]);
  const requests = Array.from({ length: 30_000 }, () => batch);
  const rates: Record<"acl" | "none", number[]> = { acl: [], none: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const kind of round % 2 === 1 ? (["acl", "none"] as const) : (["none", "acl"] as const)) {
      const b = await broker(["--listener-url", "tcp://127.0.0.1:0,sasl+tcp://127.0.0.1:0", "--authorizer", kind], { ADMIN_USER: "admin", ADMIN_PASSWORD: "admin-password" });
      try {
        // the super user stores the ACLs through the SASL listener; the producer is User:ANONYMOUS
        const admin = new Kafka({ brokers: [`127.0.0.1:${b.ports.get("SASL_PLAINTEXT")}`], sasl: { mechanism: "plain", username: "admin", password: "admin-password" }, logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        await admin.createTopics({ topics: [{ topic: "bench-acl", numPartitions: 1 }] });
        if (kind === "acl") {
          const acl = thousandAcls().map((a) => ({ resourceType: a.resourceType, resourceName: a.resourceName, resourcePatternType: a.patternType, principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permissionType }));
          await admin.createAcls({ acl: acl as never });
        }
        await admin.disconnect();
        const seconds = await produceBatches(b.ports.get("PLAINTEXT")!, "bench-acl", requests);
        rates[kind].push(requests.length / seconds);
      } finally {
        await b.stop();
      }
    }
    say(`round ${round}: with the authorizer ${rates.acl.at(-1)!.toFixed(0)} requests/s, without ${rates.none.at(-1)!.toFixed(0)}`);
  }
  const ratios = rates.acl.map((a, i) => a / rates.none[i]!);
  return [`3. Produce requests/s on memory:// (1 record each, 8 in flight) from User:ANONYMOUS, allowed by 1 of 1,000 ACLs`, `with the authorizer ${median(rates.acl).toFixed(0)}, without ${median(rates.none).toFixed(0)}, ratio ${median(ratios).toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(" ")})`];
}

try {
  const parts = (process.env.BENCH_PARTS ?? "1,2,3").split(",");
  const run = [partOne, partTwo, partThree].filter((_, i) => parts.includes(String(i + 1)));
  const lines: string[] = [];
  for (const part of run) lines.push(...(await part()), "");
  console.log([...lines, `load average ${(await Bun.file("/proc/loadavg").text()).split(" ")[0]} on ${navigator.hardwareConcurrency} cores`].join("\n"));
} finally {
  ca.remove();
  rmSync(dir, { recursive: true, force: true });
}
