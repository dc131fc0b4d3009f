import { expect, test } from "bun:test";
import { ConfigError } from "../../src/config.ts";
import { proxyConfig } from "../../src/proxy/config.ts";
import { tansu } from "../cli/run.ts";

test("defaults: bootstrap port 9092 on every interface, node ids up to 100, four upstream connections", () => {
  const config = proxyConfig(["--upstream", "kafka://kafka-1:9092,kafka-2:9093"], {});
  expect(config.upstream).toEqual([{ host: "kafka-1", port: 9092 }, { host: "kafka-2", port: 9093 }]);
  expect(config.listener).toEqual({ host: "0.0.0.0", port: 9092 });
  expect(config.advertisedListener).toBeNull();
  expect([config.maxNodeId, config.upstreamConnections, config.requestTimeoutMs, config.logLevel]).toEqual([1000, 4, 30_000, "info"]);
});

test("each flag has an environment twin, and a flag wins", () => {
  const env = { UPSTREAM: "kafka://a:1,kafka://b:2", ADVERTISED_LISTENER_URL: "tcp://proxy.example:19092", MAX_NODE_ID: "7", LISTENER_URL: "tcp://127.0.0.1:0" };
  const config = proxyConfig(["--max-node-id", "9"], env);
  expect(config.upstream).toEqual([{ host: "a", port: 1 }, { host: "b", port: 2 }]);
  expect(config.advertisedListener).toEqual({ host: "proxy.example", port: 19092 });
  expect(config.listener).toEqual({ host: "127.0.0.1", port: 0 });
  expect(config.maxNodeId).toBe(9);
});

test("bad settings are one error naming where they came from", () => {
  expect(() => proxyConfig([], {})).toThrow(new ConfigError("--upstream is required (kafka://host:port[,host:port…])"));
  expect(() => proxyConfig([], { UPSTREAM: "kafka://a" })).toThrow(new ConfigError('UPSTREAM: expected kafka://host:port[,host:port…], got "kafka://a"'));
  expect(() => proxyConfig(["--upstream", "a:1", "--max-node-id", "-1"], {})).toThrow(new ConfigError("--max-node-id: -1 is outside 0..2147483647"));
  expect(() => proxyConfig(["--upstream", "a:1", "--listener-url", "tcp://0.0.0.0:65500"], {})).toThrow(
    new ConfigError("--max-node-id: node ports 65501..66501 (--listener-url's port + 1 + node id) run past 65535"),
  );
  expect(() => proxyConfig(["--upstream", "a:1", "--storage-engine", "memory://"], {})).toThrow(new ConfigError("unknown flag --storage-engine"));
});

test("tansu proxy --help lists every flag; a bad setting exits 2 with one line", async () => {
  const help = await tansu(["proxy", "--help"]);
  expect(help.code).toBe(0);
  for (const flag of ["--upstream", "--listener-url", "--advertised-listener-url", "--max-node-id", "--upstream-connections", "--request-timeout-ms"]) expect(help.stdout).toContain(flag);
  const bad = await tansu(["proxy"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toBe("tansu: --upstream is required (kafka://host:port[,host:port…])\n");
});
