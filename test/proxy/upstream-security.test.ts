// `tansu proxy` toward an upstream that needs TLS and SASL: our broker with sasl+tls://, tls:// and
// sasl+tcp:// listeners and a SCRAM user; clients reach the proxy in plaintext without SASL and
// produce and consume through it. A wrong password or an untrusted certificate closes the clients'
// connections and is logged once by the proxy; bad flag combinations are one clear error.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Kafka, logLevel, type SASLOptions } from "kafkajs";
import { ClientError, KafkaClient } from "../../src/client/index.ts";
import { ConfigError } from "../../src/config.ts";
import { proxyConfig } from "../../src/proxy/config.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { makeCa, type TestCa } from "../support/certs.ts";
import { tansu } from "../cli/run.ts";
import { roundTrip } from "../e2e/kafkajs-support.ts";
import { portOf } from "../e2e/tls-support.ts";
import { startProxy, type TestProxy } from "./support.ts";

let ca: TestCa;
let broker: TestBroker;
const ports = { SASL_SSL: 0, SSL: 0, SASL_PLAINTEXT: 0 };

const kafka = (bootstrap: string, sasl?: SASLOptions) => new Kafka({ brokers: [bootstrap], sasl, logLevel: logLevel.NOTHING, retry: { retries: 0 } });

/** Waits until the proxy has logged `pattern` `count` times (or gives up after ~10 s) and returns how often it did. */
async function logged(proxy: TestProxy, pattern: RegExp, count: number): Promise<number> {
  const times = () => proxy.logs().match(new RegExp(pattern, "g"))?.length ?? 0;
  for (let i = 0; i < 200 && times() < count; i++) await Bun.sleep(50);
  return times();
}

const scram = (password: string, extra: string[] = []) => [
  "--upstream-security-protocol", "SASL_SSL",
  "--upstream-sasl-mechanism", "SCRAM-SHA-512",
  "--upstream-sasl-username", "admin",
  "--upstream-sasl-password", password,
  ...extra,
];

beforeAll(async () => {
  ca = makeCa();
  const server = ca.issue("server", "/CN=localhost", { server: true });
  broker = await startBroker(
    ["--node-id", "1", "--listener-url", "sasl+tls://127.0.0.1:0,tls://127.0.0.1:0,sasl+tcp://127.0.0.1:0", "--tls-cert", server.cert, "--tls-key", server.key, "--group-initial-rebalance-delay-ms", "0"],
    { ADMIN_USER: "admin", ADMIN_PASSWORD: "admin-secret" },
  );
  for (const protocol of ["SASL_SSL", "SSL", "SASL_PLAINTEXT"] as const) ports[protocol] = portOf(broker.logs(), protocol);
  // the broker listens before it has made the admin user
  for (let i = 0; i < 200 && !broker.logs().includes("admin user created"); i++) await Bun.sleep(50);
});

afterAll(async () => {
  expect(await broker.stop()).toBe(0);
  ca.remove();
});

describe("an upstream that needs SASL_SSL with SCRAM-SHA-512", () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await startProxy(`127.0.0.1:${ports.SASL_SSL}`, scram("admin-secret", ["--upstream-tls-ca", ca.cert]));
  });
  afterAll(async () => {
    expect(await proxy.stop()).toBe(0);
  });

  test("kafkajs produces and consumes through the proxy in plaintext", async () => {
    expect(await roundTrip(kafka(proxy.bootstrap), "upstream-sasl-ssl")).toEqual(["one", "two"]);
    expect(proxy.logs()).toContain("upstreamSecurityProtocol=SASL_SSL upstreamSaslMechanism=SCRAM-SHA-512");
    expect(proxy.logs()).not.toContain("upstream authentication failed");
    expect(proxy.logs()).not.toContain("admin-secret");
  });

  test("a client asking the proxy for SASL is closed: the proxy authenticates upstream itself", async () => {
    const producer = kafka(proxy.bootstrap, { mechanism: "scram-sha-512", username: "admin", password: "admin-secret" }).producer();
    await expect(producer.connect()).rejects.toThrow("The Kafka server does not support the requested API version");
  });
});

describe.each([
  ["SSL", ["--upstream-security-protocol", "SSL"]],
  ["SASL_PLAINTEXT with PLAIN", ["--upstream-security-protocol", "SASL_PLAINTEXT", "--upstream-sasl-mechanism", "PLAIN", "--upstream-sasl-username", "admin", "--upstream-sasl-password", "admin-secret"]],
] as const)("an upstream that needs %s", (name, flags) => {
  let proxy: TestProxy;
  beforeAll(async () => {
    const port = name === "SSL" ? ports.SSL : ports.SASL_PLAINTEXT;
    proxy = await startProxy(`127.0.0.1:${port}`, [...flags, ...(name === "SSL" ? ["--upstream-tls-ca", ca.cert] : [])]);
  });
  afterAll(async () => {
    expect(await proxy.stop()).toBe(0);
  });

  test("kafkajs produces and consumes through the proxy", async () => {
    expect(await roundTrip(kafka(proxy.bootstrap), `upstream-${name === "SSL" ? "ssl" : "sasl-plaintext"}`)).toEqual(["one", "two"]);
  });
});

describe("an upstream that refuses the proxy", () => {
  test("a wrong password: every client connection is closed, the proxy logs the failure once and never the password", async () => {
    const proxy = await startProxy(`127.0.0.1:${ports.SASL_SSL}`, scram("wrong-password", ["--upstream-tls-ca", ca.cert]));
    try {
      await expect(kafka(proxy.bootstrap).producer().connect()).rejects.toThrow();
      for (let i = 0; i < 3; i++) {
        const failure = await KafkaClient.connect(proxy.bootstrap).then(
          () => null,
          (e: unknown) => e,
        );
        expect(failure).toBeInstanceOf(ClientError);
        expect((failure as ClientError).code).toBe("closed");
      }
      const closed = await logged(proxy, /closing client connection .*SASL_AUTHENTICATION_FAILED/, 4);
      expect(closed).toBeGreaterThanOrEqual(4);
      const failures = proxy.logs().match(/ERROR upstream authentication failed.*/g) ?? [];
      expect(failures).toHaveLength(1);
      expect(failures[0]).toContain(`upstream=127.0.0.1:${ports.SASL_SSL} securityProtocol=SASL_SSL mechanism=SCRAM-SHA-512 user=admin`);
      expect(failures[0]).toContain("SASL_AUTHENTICATION_FAILED");
      expect(proxy.logs()).not.toContain("wrong-password");
    } finally {
      expect(await proxy.stop()).toBe(0);
    }
  });

  test("a certificate no trusted CA signed: the TLS handshake fails, and that is what the proxy logs", async () => {
    const proxy = await startProxy(`127.0.0.1:${ports.SASL_SSL}`, scram("admin-secret"));
    try {
      await expect(KafkaClient.connect(proxy.bootstrap)).rejects.toThrow(ClientError);
      expect(await logged(proxy, /ERROR upstream authentication failed/, 1)).toBe(1);
      expect(proxy.logs()).toContain(`TLS handshake with 127.0.0.1:${ports.SASL_SSL} failed`);
    } finally {
      expect(await proxy.stop()).toBe(0);
    }
  });
});

describe("configuration", () => {
  const upstream = ["--upstream", "kafka://a:9092"];

  test("PLAINTEXT by default; SASL_SSL from the environment twins", () => {
    expect(proxyConfig(upstream, {}).upstreamSecurity).toEqual({ securityProtocol: "PLAINTEXT", tls: null, sasl: null });
    const env = { UPSTREAM_SECURITY_PROTOCOL: "sasl_ssl", UPSTREAM_TLS_CA: ca.cert, UPSTREAM_SASL_MECHANISM: "scram-sha-256", UPSTREAM_SASL_USERNAME: "proxy", UPSTREAM_SASL_PASSWORD: "pw" };
    expect(proxyConfig(upstream, env).upstreamSecurity).toEqual({
      securityProtocol: "SASL_SSL",
      tls: { ca: ca.certPem },
      sasl: { mechanism: "SCRAM-SHA-256", username: "proxy", password: "pw" },
    });
    expect(proxyConfig([...upstream, "--upstream-security-protocol", "SSL"], {}).upstreamSecurity).toEqual({ securityProtocol: "SSL", tls: { ca: undefined }, sasl: null });
  });

  test("bad values and combinations are one error naming the setting", () => {
    const bad: [string[], Record<string, string>, string][] = [
      [["--upstream-security-protocol", "TLS"], {}, '--upstream-security-protocol: expected PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, got "TLS"'],
      [["--upstream-security-protocol", "SASL_SSL"], {}, "--upstream-security-protocol SASL_SSL needs --upstream-sasl-username (or UPSTREAM_SASL_USERNAME)"],
      [[], { UPSTREAM_SECURITY_PROTOCOL: "SASL_PLAINTEXT", UPSTREAM_SASL_USERNAME: "proxy" }, "UPSTREAM_SECURITY_PROTOCOL SASL_PLAINTEXT needs --upstream-sasl-password (or UPSTREAM_SASL_PASSWORD)"],
      [["--upstream-security-protocol", "SASL_PLAINTEXT", "--upstream-sasl-mechanism", "GSSAPI", "--upstream-sasl-username", "u", "--upstream-sasl-password", "p"], {}, '--upstream-sasl-mechanism: expected PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got "GSSAPI"'],
      [["--upstream-sasl-username", "u"], {}, "--upstream-sasl-username is set but --upstream-security-protocol is PLAINTEXT: SASL needs SASL_PLAINTEXT or SASL_SSL"],
      [["--upstream-security-protocol", "SSL"], { UPSTREAM_SASL_PASSWORD: "p" }, "UPSTREAM_SASL_PASSWORD is set but --upstream-security-protocol is SSL: SASL needs SASL_PLAINTEXT or SASL_SSL"],
      [["--upstream-security-protocol", "SASL_PLAINTEXT", "--upstream-sasl-username", "u", "--upstream-sasl-password", "p", "--upstream-tls-ca", ca.cert], {}, "--upstream-tls-ca is set but --upstream-security-protocol is SASL_PLAINTEXT: a CA needs SSL or SASL_SSL"],
    ];
    for (const [args, env, message] of bad) expect(() => proxyConfig([...upstream, ...args], env)).toThrow(new ConfigError(message));
    expect(() => proxyConfig([...upstream, "--upstream-security-protocol", "SSL", "--upstream-tls-ca", `${ca.dir}/missing.pem`], {})).toThrow(/^--upstream-tls-ca: cannot read .*missing\.pem: /);
  });

  test("tansu proxy --help lists the upstream security flags; a bad combination exits 2 with one line", async () => {
    const help = await tansu(["proxy", "--help"]);
    expect(help.code).toBe(0);
    for (const flag of ["--upstream-security-protocol", "--upstream-tls-ca", "--upstream-sasl-mechanism", "--upstream-sasl-username", "--upstream-sasl-password"]) expect(help.stdout).toContain(flag);
    expect(help.stdout).toContain("clients connect to the proxy in plaintext, without SASL");
    const bad = await tansu(["proxy", ...upstream, "--upstream-security-protocol", "SASL_SSL", "--upstream-sasl-username", "u"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("tansu: --upstream-security-protocol SASL_SSL needs --upstream-sasl-password (or UPSTREAM_SASL_PASSWORD)\n");
  });
});
