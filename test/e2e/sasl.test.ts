// SASL PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 as kafkajs and @platformatic/kafka speak them, over
// sasl+tcp:// and sasl+tls://, with users made by ADMIN_USER and by `tansu user` (through a broker
// and in the store): right passwords in, wrong ones and unknown users out with
// SASL_AUTHENTICATION_FAILED and a closed connection; requests before authentication, a
// SaslAuthenticate without handshake and an unknown mechanism refused as Kafka does; a session
// past connections.max.reauth.ms closed; two brokers over one store knowing the same users.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Admin } from "@platformatic/kafka";
import { Kafka, logLevel, type SASLOptions } from "kafkajs";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { decodeResponse, encodeRequest } from "../../src/protocol/frame.ts";
import { MetadataApi, SaslAuthenticateApi, SaslHandshakeApi } from "../../src/protocol/generated/index.ts";
import type { ApiMessages } from "../../src/protocol/api.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { makeCa, type TestCa } from "../support/certs.ts";
import { roundTrip } from "./kafkajs-support.ts";
import { platformaticRoundTrip, portOf } from "./tls-support.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
let dir: string;
let ca: TestCa;
let broker: TestBroker;
let saslPort: number;
let saslTlsPort: number;

const kafka = (port: number, sasl: SASLOptions, ssl = false) =>
  new Kafka({ brokers: [`127.0.0.1:${port}`], sasl, ssl: ssl ? { ca: [ca.certPem], servername: "localhost" } : false, logLevel: logLevel.NOTHING, retry: { retries: 0 } });

async function refusal(k: Kafka): Promise<string> {
  const producer = k.producer();
  try {
    await producer.connect();
  } catch (e) {
    return (e as Error).name;
  }
  await producer.disconnect();
  return "connected";
}

/** `tansu user …` (or another command, given first with `command`). */
function cli(args: string[], command = "user"): { code: number; out: string; err: string } {
  const run = Bun.spawnSync([process.execPath, MAIN, command, ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env } });
  return { code: run.exitCode, out: run.stdout.toString(), err: run.stderr.toString() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tansu-sasl-"));
  ca = makeCa();
  const server = ca.issue("server", "/CN=localhost", { server: true });
  broker = await startBroker(
    [
      "--listener-url", "tcp://127.0.0.1:0,sasl+tcp://127.0.0.1:0,sasl+tls://127.0.0.1:0",
      "--tls-cert", server.cert, "--tls-key", server.key,
      "--storage-engine", `sqlite://${join(dir, "store.db")}`,
      "--group-initial-rebalance-delay-ms", "0",
    ],
    { ADMIN_USER: "admin", ADMIN_PASSWORD: "admin-secret" },
  );
  saslPort = portOf(broker.logs(), "SASL_PLAINTEXT");
  saslTlsPort = portOf(broker.logs(), "SASL_SSL");
});

afterAll(async () => {
  expect(await broker.stop()).toBe(0);
  ca.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe("SASL with kafkajs", () => {
  test.each(["plain", "scram-sha-256", "scram-sha-512"] as const)("%s: the admin user produces and consumes over sasl+tcp:// and sasl+tls://", async (mechanism) => {
    const sasl = { mechanism, username: "admin", password: "admin-secret" } as SASLOptions;
    expect(await roundTrip(kafka(saslPort, sasl), `sasl-${mechanism}`)).toEqual(["one", "two"]);
    expect(await roundTrip(kafka(saslTlsPort, sasl, true), `sasl-tls-${mechanism}`)).toEqual(["one", "two"]);
  });

  test.each(["plain", "scram-sha-256", "scram-sha-512"] as const)("%s: a wrong password and an unknown user are refused, the broker names the user and never the password", async (mechanism) => {
    expect(await refusal(kafka(saslPort, { mechanism, username: "admin", password: "not-it" } as SASLOptions))).toBe("KafkaJSSASLAuthenticationError");
    expect(await refusal(kafka(saslPort, { mechanism, username: "nobody", password: "x" } as SASLOptions))).toBe("KafkaJSSASLAuthenticationError");
    expect(broker.logs()).toContain("SASL authentication failed user=admin reason=authentication-failed");
    expect(broker.logs()).not.toContain("not-it");
  });
});

describe("tansu user", () => {
  test("through a broker: create, list, set-password, delete; the user signs in with each change", async () => {
    const bootstrap = ["--bootstrap-server", broker.bootstrap];
    expect(cli(["create", "carol", "--password", "first", ...bootstrap])).toMatchObject({ code: 0, out: "created user carol (SCRAM-SHA-256, SCRAM-SHA-512)\n" });
    expect(cli(["create", "carol", "--password", "again", ...bootstrap])).toMatchObject({ code: 1, err: "tansu: user carol already exists (use set-password)\n" });
    expect(cli(["list", ...bootstrap]).out).toContain("carol\tSCRAM-SHA-256 iterations=4096, SCRAM-SHA-512 iterations=4096\n");
    expect(await roundTrip(kafka(saslPort, { mechanism: "scram-sha-512", username: "carol", password: "first" }), "sasl-carol")).toEqual(["one", "two"]);
    expect(cli(["set-password", "carol", "--password", "second", ...bootstrap]).code).toBe(0);
    expect(await refusal(kafka(saslPort, { mechanism: "plain", username: "carol", password: "first" }))).toBe("KafkaJSSASLAuthenticationError");
    expect(await refusal(kafka(saslPort, { mechanism: "plain", username: "carol", password: "second" }))).toBe("connected");
    expect(cli(["delete", "carol", ...bootstrap])).toMatchObject({ code: 0, out: "deleted user carol\n" });
    expect(await refusal(kafka(saslPort, { mechanism: "scram-sha-256", username: "carol", password: "second" }))).toBe("KafkaJSSASLAuthenticationError");
    expect(cli(["delete", "carol", ...bootstrap])).toMatchObject({ code: 1, err: "tansu: user carol does not exist\n" });
  });

  test("through a SASL_SSL listener, signed in as the admin user; a wrong password is one line and exit 1", async () => {
    const secured = ["--bootstrap-server", `127.0.0.1:${saslTlsPort}`, "--security-protocol", "SASL_SSL", "--ssl-ca-location", ca.cert, "--sasl-username", "admin"];
    expect(cli(["create", "erin", "--password", "pw", ...secured, "--sasl-password", "admin-secret"])).toMatchObject({ code: 0, out: "created user erin (SCRAM-SHA-256, SCRAM-SHA-512)\n" });
    for (const mechanism of ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]) {
      expect(cli(["list", ...secured, "--sasl-password", "admin-secret", "--sasl-mechanism", mechanism]).out).toContain("erin\t");
    }
    const wrong = cli(["list", ...secured, "--sasl-password", "nope"]);
    expect(wrong.code).toBe(1);
    expect(wrong.err.trim().split("\n")).toHaveLength(1);
    expect(wrong.err).toContain("SASL_AUTHENTICATION_FAILED");
  });

  test("tansu topic and tansu perf over SASL_SSL", async () => {
    const secured = ["--bootstrap-server", `127.0.0.1:${saslTlsPort}`, "--security-protocol", "SASL_SSL", "--ssl-ca-location", ca.cert, "--sasl-username", "admin", "--sasl-password", "admin-secret"];
    expect(cli(["create", "sasl-perf", "--partitions", "2", ...secured], "topic")).toMatchObject({ code: 0 });
    const produced = cli(["produce", "--topic", "sasl-perf", "--num-records", "1000", "--json", ...secured], "perf");
    expect(produced.code).toBe(0);
    expect(JSON.parse(produced.out)).toMatchObject({ records: 1000 });
    const consumed = cli(["consume", "--topic", "sasl-perf", "--json", ...secured], "perf");
    expect(JSON.parse(consumed.out)).toMatchObject({ records: 1000 });
  });

  test("in the store, seen by a second broker over it", async () => {
    const store = ["--storage-engine", `sqlite://${join(dir, "store.db")}`];
    expect(cli(["create", "dave", "--password", "pw", "--mechanism", "SCRAM-SHA-256", ...store]).code).toBe(0);
    const second = await startBroker(["--listener-url", "sasl+tcp://127.0.0.1:0", ...store]);
    try {
      expect(await refusal(kafka(second.port, { mechanism: "scram-sha-256", username: "dave", password: "pw" }))).toBe("connected");
      expect(await refusal(kafka(second.port, { mechanism: "scram-sha-512", username: "dave", password: "pw" }))).toBe("KafkaJSSASLAuthenticationError");
      expect(await refusal(kafka(saslPort, { mechanism: "plain", username: "dave", password: "pw" }))).toBe("connected");
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});

describe("SASL with @platformatic/kafka", () => {
  test.each(["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const)("%s produces and consumes over sasl+tls://", async (mechanism) => {
    const topic = `sasl-platformatic-${mechanism.toLowerCase()}`;
    const base = { clientId: "sasl-platformatic", bootstrapBrokers: [`127.0.0.1:${saslTlsPort}`], tls: { ca: ca.certPem }, tlsServerName: "localhost", sasl: { mechanism, username: "admin", password: "admin-secret" }, retries: 3, retryDelay: 50 };
    const admin = new Admin(base);
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    await admin.close();
    expect(await platformaticRoundTrip(base, topic)).toEqual(["alpha", "beta"]);
  });
});

/** A bare connection speaking frames, to see exactly what the broker answers and when it closes. */
async function rawClient(port: number) {
  const chunks: number[] = [];
  let closed = false;
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data: (_s, d) => void chunks.push(...d),
      close: () => void (closed = true),
    },
  });
  let correlationId = 0;
  const waitFor = async (done: () => boolean) => {
    for (let i = 0; i < 100 && !done(); i++) await Bun.sleep(20);
  };
  return {
    closed: () => closed,
    async call<Req, Res>(api: ApiMessages<Req, Res>, version: number, body: Req): Promise<Res | "closed"> {
      chunks.length = 0;
      socket.write(encodeRequest(api, { apiKey: api.apiKey, apiVersion: version, correlationId: ++correlationId, clientId: "raw" }, body));
      await waitFor(() => closed || (chunks.length >= 4 && chunks.length >= 4 + new DataView(new Uint8Array(chunks.slice(0, 4)).buffer).getInt32(0)));
      if (chunks.length < 4) return "closed";
      const decoded = decodeResponse(api, version, new Uint8Array(chunks.slice(4)));
      if (!decoded.ok) throw new Error(`undecodable ${api.name} answer`);
      return decoded.body;
    },
    async gone(): Promise<boolean> {
      await waitFor(() => closed);
      return closed;
    },
    end: () => socket.end(),
  };
}

describe("SASL protocol rules", () => {
  test("a request before authentication closes the connection without an answer", async () => {
    const c = await rawClient(saslPort);
    expect(await c.call(MetadataApi, 1, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })).toBe("closed");
    expect(broker.logs()).toContain("Metadata before SASL authentication");
  });

  test("an unknown mechanism is UNSUPPORTED_SASL_MECHANISM with the enabled ones; SaslAuthenticate first is ILLEGAL_SASL_STATE and closes", async () => {
    const c = await rawClient(saslPort);
    expect(await c.call(SaslHandshakeApi, 1, { mechanism: "GSSAPI" })).toEqual({ errorCode: ErrorCodes.UNSUPPORTED_SASL_MECHANISM, mechanisms: ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] });
    const r = await c.call(SaslAuthenticateApi, 1, { authBytes: new Uint8Array([0, 97, 0, 98]) });
    expect(r).toMatchObject({ errorCode: ErrorCodes.ILLEGAL_SASL_STATE });
    expect(await c.gone()).toBe(true);
  });

  test("before authentication a frame over 512 KiB (Kafka's sasl.server.max.receive.size) closes the connection at its size prefix", async () => {
    let closed = false;
    const socket = await Bun.connect({ hostname: "127.0.0.1", port: saslPort, socket: { data() {}, close: () => void (closed = true) } });
    socket.write(Uint8Array.of(0, 0x10, 0, 0, 0, 18));
    for (let i = 0; i < 100 && !closed; i++) await Bun.sleep(20);
    expect(closed).toBe(true);
    expect(broker.logs()).toContain("request size 1048576 is outside 1..524288");
  });

  test("on a listener without SASL, SaslHandshake is ILLEGAL_SASL_STATE", async () => {
    const c = await rawClient(broker.port);
    expect(await c.call(SaslHandshakeApi, 1, { mechanism: "PLAIN" })).toEqual({ errorCode: ErrorCodes.ILLEGAL_SASL_STATE, mechanisms: [] });
    c.end();
  });

  test("connections.max.reauth.ms: the session lifetime is answered, and a request after it closes the connection", async () => {
    const short = await startBroker(["--listener-url", "sasl+tcp://127.0.0.1:0", "--connections-max-reauth-ms", "400"], { ADMIN_USER: "admin", ADMIN_PASSWORD: "pw" });
    try {
      const c = await rawClient(short.port);
      expect(await c.call(SaslHandshakeApi, 1, { mechanism: "PLAIN" })).toMatchObject({ errorCode: 0 });
      const auth = await c.call(SaslAuthenticateApi, 1, { authBytes: new TextEncoder().encode("\u0000admin\u0000pw") });
      expect(auth).toMatchObject({ errorCode: 0, sessionLifetimeMs: 400n });
      const metadata = { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };
      expect(await c.call(MetadataApi, 1, metadata)).not.toBe("closed");
      await Bun.sleep(500);
      expect(await c.call(MetadataApi, 1, metadata)).toBe("closed");
      expect(short.logs()).toContain("SASL session of User:admin expired");
    } finally {
      expect(await short.stop()).toBe(0);
    }
  });
});
