// `tansu proxy`'s admin side-port: /health, /ready following the upstream (503 while no upstream
// broker answers, 200 once one does, 503 again when it goes), /metrics by API, and its flag.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Kafka, logLevel } from "kafkajs";
import { ConfigError } from "../../src/config.ts";
import { proxyConfig } from "../../src/proxy/config.ts";
import { tansu } from "../cli/run.ts";
import { waitFor } from "../e2e/groups-support.ts";
import { fetchAll } from "../e2e/kafkajs-support.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { parseMetrics, sample } from "../support/prometheus.ts";
import { startProxy, type TestProxy } from "./support.ts";

/** A port nothing listens on (bound, then released). */
function closedPort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}

async function ready(proxy: TestProxy): Promise<{ status: number; body: { status: string; upstream: string; reason?: string } }> {
  const response = await fetch(`${proxy.adminUrl}/ready`);
  return { status: response.status, body: (await response.json()) as { status: string; upstream: string; reason?: string } };
}

async function metrics(proxy: TestProxy) {
  return parseMetrics(await (await fetch(`${proxy.adminUrl}/metrics`)).text());
}

describe("in front of a running broker", () => {
  let broker: TestBroker;
  let proxy: TestProxy;
  beforeAll(async () => {
    broker = await startBroker(["--node-id", "1"]);
    proxy = await startProxy(broker.bootstrap, [], { admin: true });
  });
  afterAll(async () => {
    expect(await proxy.stop()).toBe(0);
    expect(await broker.stop()).toBe(0);
  });

  test("/health answers 200; /ready answers 200 once the upstream has answered", async () => {
    expect(proxy.logs()).toMatch(/INFO admin listening listener=127\.0\.0\.1:\d+/);
    const health = await fetch(`${proxy.adminUrl}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe("ok");
    await waitFor("/ready to answer 200", async () => (await ready(proxy)).status === 200);
    expect((await ready(proxy)).body).toEqual({ status: "ready", upstream: broker.bootstrap });
    expect(proxy.logs()).toContain("upstream reachable");
  });

  test("/metrics counts Produce and Fetch by API, with upstream round-trip histograms", async () => {
    const kafka = new Kafka({ clientId: "admin-test", brokers: [proxy.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "metered", numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 5; i++) await producer.send({ topic: "metered", messages: [{ value: `m${i}` }] });
    await producer.disconnect();
    expect((await fetchAll(kafka, "metered", [0])).map((r) => r.value)).toEqual(["m0", "m1", "m2", "m3", "m4"]);

    const response = await fetch(`${proxy.adminUrl}/metrics`);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const s = parseMetrics(await response.text());
    const produced = sample(s, "tansu_proxy_requests_total", { api: "Produce" });
    expect(produced).toBe(5);
    expect(sample(s, "tansu_proxy_requests_total", { api: "Fetch" })).toBeGreaterThan(0);
    expect(sample(s, "tansu_proxy_requests_total", { api: "Metadata" })).toBeGreaterThan(0);
    expect(sample(s, "tansu_proxy_requests_total", { api: "CreateTopics" })).toBe(1);
    // every request was answered, so each one is in its API's histogram
    const duration = "tansu_proxy_upstream_request_duration_seconds";
    expect(sample(s, `${duration}_count`, { api: "Produce" })).toBe(produced);
    expect(sample(s, `${duration}_bucket`, { api: "Produce", le: "+Inf" })).toBe(produced);
    expect(sample(s, `${duration}_sum`, { api: "Produce" })).toBeGreaterThan(0);
    expect(s.some((x) => x.name === `${duration}_bucket` && x.labels.api === "Fetch" && x.labels.le === "0.0001")).toBe(true);
    expect(sample(s, "tansu_proxy_upstream_errors_total")).toBe(0);
    expect(sample(s, "tansu_proxy_ready")).toBe(1);
    expect(sample(s, "tansu_proxy_upstream_connections_open")).toBeGreaterThanOrEqual(1);
    expect(sample(s, "tansu_proxy_client_connections_total")).toBeGreaterThanOrEqual(3);
    expect(sample(s, "tansu_proxy_client_connections_total") - sample(s, "tansu_proxy_client_connections_closed_total")).toBe(sample(s, "tansu_proxy_client_connections_open"));
    expect(sample(s, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  test("a path the admin port does not serve is a JSON 404", async () => {
    const response = await fetch(`${proxy.adminUrl}/api/topics`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not found", path: "/api/topics" });
  });
});

describe("an upstream that is not there yet", () => {
  let proxy: TestProxy;
  let broker: TestBroker | undefined;
  afterAll(async () => {
    expect(await proxy.stop()).toBe(0);
    if (broker?.running()) await broker.stop();
  });

  test("/ready is 503 with the reason, 200 once a broker listens there, 503 again when it stops", async () => {
    const port = closedPort();
    proxy = await startProxy(`127.0.0.1:${port}`, [], { admin: true });
    await waitFor("a failed probe", async () => (await ready(proxy)).body.reason?.includes("ECONNREFUSED") === true);
    const down = await ready(proxy);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: "unavailable", upstream: `127.0.0.1:${port}` });
    expect(down.body.reason).toStartWith("no upstream bootstrap broker answered");
    // the probe keeps trying
    await waitFor("a second failed probe", async () => sample(await metrics(proxy), "tansu_proxy_upstream_connect_failures_total") >= 2);
    expect(sample(await metrics(proxy), "tansu_proxy_ready")).toBe(0);
    expect(proxy.logs()).toContain("WARN upstream unreachable, retrying");

    broker = await startBroker(["--listener-url", `tcp://127.0.0.1:${port}`]);
    await waitFor("/ready to answer 200", async () => (await ready(proxy)).status === 200, 30_000);
    expect(sample(await metrics(proxy), "tansu_proxy_upstream_connections_open")).toBe(1);

    expect(await broker.stop()).toBe(0);
    await waitFor("/ready to answer 503", async () => (await ready(proxy)).status === 503);
    expect(sample(await metrics(proxy), "tansu_proxy_upstream_connections_open")).toBe(0);
  });
});

describe("--admin-listener-url", () => {
  test("defaults to http://0.0.0.0:8080 as the broker's; empty disables it; ADMIN_LISTENER_URL is its twin", () => {
    expect(proxyConfig(["--upstream", "a:1"], {}).adminListener).toEqual({ host: "0.0.0.0", port: 8080 });
    expect(proxyConfig(["--upstream", "a:1", "--admin-listener-url", ""], {}).adminListener).toBeNull();
    expect(proxyConfig(["--upstream", "a:1"], { ADMIN_LISTENER_URL: "http://127.0.0.1:0" }).adminListener).toEqual({ host: "127.0.0.1", port: 0 });
  });

  test("a bad value is one ConfigError naming where it came from", () => {
    const config = (value: string) => () => proxyConfig(["--upstream", "a:1", "--admin-listener-url", value], {});
    expect(config("https://0.0.0.0:8443")).toThrow(new ConfigError('--admin-listener-url: the proxy\'s admin port serves http:// only, got "https://0.0.0.0:8443"'));
    expect(config("tcp://0.0.0.0:8080")).toThrow(new ConfigError('--admin-listener-url: expected http://host:port, got "tcp://0.0.0.0:8080"'));
    expect(config("http://0.0.0.0:99999")).toThrow(new ConfigError('--admin-listener-url: port 99999 is out of range (0..65535) in "http://0.0.0.0:99999"'));
    expect(() => proxyConfig(["--upstream", "a:1", "--max-node-id", "100", "--admin-listener-url", "http://0.0.0.0:9100"], {})).toThrow(new ConfigError("--admin-listener-url: port 9100 is one of the proxy's Kafka ports 9092..9193 (--listener-url's port, then + 1 + node id)"));
    expect(() => proxyConfig(["--upstream", "a:1"], { ADMIN_LISTENER_URL: "nonsense" })).toThrow(new ConfigError('ADMIN_LISTENER_URL: not a URL: "nonsense"'));
  });

  test("tansu proxy exits 2 with one line on a bad value, and 1 with one line when the port is taken", async () => {
    const bad = await tansu(["proxy", "--upstream", "kafka://127.0.0.1:1", "--admin-listener-url", "https://127.0.0.1:0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('tansu: --admin-listener-url: the proxy\'s admin port serves http:// only, got "https://127.0.0.1:0"\n');
    const taken = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const run = await tansu(["proxy", "--upstream", "kafka://127.0.0.1:1", "--listener-url", "tcp://127.0.0.1:0", "--admin-listener-url", `http://127.0.0.1:${taken.port}`]);
      expect(run.code).toBe(1);
      expect(run.stderr.trimEnd().split("\n").at(-1)).toBe(`tansu: --admin-listener-url: 127.0.0.1:${taken.port} is already in use`);
    } finally {
      taken.stop(true);
    }
  });
});
