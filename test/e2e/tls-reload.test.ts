// The TLS files are read again while the broker runs: a new certificate is presented to new
// connections without a restart (established ones carry on), a bad one is logged once and the
// certificate in use stays. At start, a bad file is one line naming it and exit code 1.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { makeCa, type TestCa } from "../support/certs.ts";
import { tansu } from "../cli/run.ts";
import { handshake, logged, portOf } from "./tls-support.ts";

let ca: TestCa;

beforeAll(() => {
  ca = makeCa();
});
afterAll(() => ca.remove());

/** Replaces `path` at once, as a deployment that rotates certificates does (write aside, then rename). */
function replace(path: string, text: string): void {
  writeFileSync(`${path}.next`, text);
  renameSync(`${path}.next`, path);
}

describe("certificate reload", () => {
  let broker: TestBroker;
  let port: number;
  let certPath: string;
  let keyPath: string;
  const warnings = () => broker.logs().split("\n").filter((l) => l.includes("WARN TLS files not reloaded")).length;
  const serial = async () => {
    const h = await handshake(port, { ca: ca.certPem });
    if (!h.ok) throw new Error(h.error);
    return Number.parseInt(h.serial, 16);
  };
  /** The serial new connections see, once it is `want` (or after 5 s). */
  const serialBecomes = async (want: number) => {
    let seen = await serial();
    for (const until = Date.now() + 5000; seen !== want && Date.now() < until; seen = await serial()) await Bun.sleep(50);
    return seen;
  };

  beforeAll(async () => {
    const first = ca.issue("live", "/CN=localhost", { server: true, serial: 501 });
    certPath = first.cert;
    keyPath = first.key;
    broker = await startBroker(["--listener-url", "tls://127.0.0.1:0", "--tls-cert", certPath, "--tls-key", keyPath, "--tls-check-interval-ms", "100"]);
    port = portOf(broker.logs(), "SSL");
  });
  afterAll(async () => {
    expect(await broker.stop()).toBe(0);
  });

  test("new connections get a replaced certificate; an established connection carries on", async () => {
    expect(await serial()).toBe(501);
    const kafka = new Kafka({ clientId: "reload", brokers: [`127.0.0.1:${port}`], ssl: { ca: [ca.certPem], servername: "localhost" }, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic: "before-reload" }] })).toBe(true);
    replace(certPath, ca.issue("next", "/CN=localhost", { server: true, serial: 502, key: keyPath }).certPem);
    expect(await serialBecomes(502)).toBe(502);
    expect(await admin.listTopics()).toContain("before-reload");
    await admin.disconnect();
    expect(await logged(broker.logs, (l) => l.includes("TLS certificate reloaded"))).toMatch(/INFO TLS certificate reloaded subject="CN=localhost" serial=01F6/);
  });

  test("a key replaced with its certificate is picked up too", async () => {
    const rotated = ca.issue("rotated", "/CN=localhost", { server: true, serial: 503 });
    // the key first, then the certificate: whichever poll sees the pair loads it
    replace(keyPath, rotated.keyPem);
    replace(certPath, rotated.certPem);
    expect(await serialBecomes(503)).toBe(503);
  });

  test("a malformed replacement is logged once and the certificate in use stays", async () => {
    const before = warnings();
    replace(certPath, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
    await logged(broker.logs, () => warnings() > before);
    // ten more checks of the same bad file: no more warnings
    await Bun.sleep(1000);
    expect(warnings()).toBe(before + 1);
    expect(broker.logs()).toContain(`TLS certificate ${certPath}: not a valid PEM certificate`);
    expect(await serial()).toBe(503);
    replace(certPath, ca.issue("mended", "/CN=localhost", { server: true, serial: 504, key: keyPath }).certPem);
    expect(await serialBecomes(504)).toBe(504);
    expect(warnings()).toBe(before + 1);
  });
});

describe("bad TLS files at start", () => {
  const broker = (cert: string, key: string) => tansu(["broker", "--storage-engine", "memory://", "--admin-listener-url", "", "--listener-url", "tls://127.0.0.1:0", "--tls-cert", cert, "--tls-key", key]);
  const lastLine = (stderr: string) => stderr.trim().split("\n").at(-1);

  test("a malformed certificate: one line naming the file, exit 1", async () => {
    const good = ca.issue("start", "/CN=localhost", { server: true });
    const bad = join(ca.dir, "garbage.pem");
    writeFileSync(bad, "hello\n");
    const run = await broker(bad, good.key);
    expect(run.code).toBe(1);
    expect(lastLine(run.stderr)).toBe(`tansu: TLS certificate ${bad}: no PEM certificate in it`);
    expect(run.stderr).not.toContain("broker listening");
  });

  test("a missing key file, or a key that is not the certificate's, names the key file", async () => {
    const good = ca.issue("start2", "/CN=localhost", { server: true });
    const other = ca.issue("other", "/CN=localhost", { server: true });
    const missing = join(ca.dir, "missing.key");
    const run = await broker(good.cert, missing);
    expect(run.code).toBe(1);
    expect(lastLine(run.stderr)).toBe(`tansu: TLS key ${missing}: cannot read it (ENOENT)`);
    const mismatched = await broker(good.cert, other.key);
    expect(mismatched.code).toBe(1);
    expect(lastLine(mismatched.stderr)).toBe(`tansu: TLS key ${other.key}: not the key of the certificate in ${good.cert}`);
  });

  test("a tls:// listener without --tls-cert is a configuration error (exit 2)", async () => {
    const run = await tansu(["broker", "--storage-engine", "memory://", "--admin-listener-url", "", "--listener-url", "tcp://127.0.0.1:0,tls://127.0.0.1:0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("tansu: --listener-url: a tls:// or sasl+tls:// listener needs --tls-cert and --tls-key\n");
  });
});
