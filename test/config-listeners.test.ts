// --listener-url and --advertised-listener-url as comma-separated lists whose schemes name each
// listener's security protocol, and the TLS files a tls listener needs.

import { expect, test } from "bun:test";
import { brokerConfig, ConfigError } from "../src/config.ts";

test("one tcp:// URL is one PLAINTEXT listener, as before", () => {
  const config = brokerConfig(["--listener-url", "tcp://127.0.0.1:9092"], {});
  expect(config.listeners).toEqual([{ securityProtocol: "PLAINTEXT", endpoint: { host: "127.0.0.1", port: 9092 }, advertised: null }]);
  expect(config.listener).toEqual({ host: "127.0.0.1", port: 9092 });
  expect(config.advertisedListener).toBeNull();
  expect(config.tls).toBeNull();
  expect(brokerConfig([], {}).listeners).toEqual([{ securityProtocol: "PLAINTEXT", endpoint: { host: "0.0.0.0", port: 9092 }, advertised: null }]);
});

test("each scheme names a security protocol; advertised addresses pair up in order", () => {
  const env = {
    LISTENER_URL: "tcp://0.0.0.0:9092, tls://0.0.0.0:9093,sasl+tcp://[::1]:9094,sasl+tls://127.0.0.1:0",
    ADVERTISED_LISTENER_URL: "tcp://a.example:19092,tls://b.example:19093,sasl+tcp://c.example:19094,sasl+tls://d.example:0",
    TLS_CERT: "/etc/tansu/cert.pem",
    TLS_KEY: "/etc/tansu/key.pem",
  };
  const config = brokerConfig([], env);
  expect(config.listeners).toEqual([
    { securityProtocol: "PLAINTEXT", endpoint: { host: "0.0.0.0", port: 9092 }, advertised: { host: "a.example", port: 19092 } },
    { securityProtocol: "SSL", endpoint: { host: "0.0.0.0", port: 9093 }, advertised: { host: "b.example", port: 19093 } },
    { securityProtocol: "SASL_PLAINTEXT", endpoint: { host: "::1", port: 9094 }, advertised: { host: "c.example", port: 19094 } },
    { securityProtocol: "SASL_SSL", endpoint: { host: "127.0.0.1", port: 0 }, advertised: { host: "d.example", port: 0 } },
  ]);
  expect(config.listener).toEqual({ host: "0.0.0.0", port: 9092 });
  expect(config.advertisedListener).toEqual({ host: "a.example", port: 19092 });
  expect(config.tls).toEqual({ cert: "/etc/tansu/cert.pem", key: "/etc/tansu/key.pem", ca: null });
  expect(brokerConfig(["--tls-ca", "/etc/tansu/ca.pem"], env).tls?.ca).toBe("/etc/tansu/ca.pem");
});

test("several listeners may each pick a free port (0)", () => {
  expect(brokerConfig(["--listener-url", "tcp://127.0.0.1:0,tcp://[::1]:0"], {}).listeners.map((l) => l.endpoint.port)).toEqual([0, 0]);
});

test("bad lists are configuration errors that say what is wrong", () => {
  const tls = ["--tls-cert", "c.pem", "--tls-key", "k.pem"];
  const cases: [string[], Record<string, string>, string][] = [
    [["--listener-url", "tcp://0.0.0.0:9092,tls://0.0.0.0:9093", "--advertised-listener-url", "tcp://a:9092", ...tls], {}, "--advertised-listener-url: 1 address(es) for 2 listener(s) in --listener-url; give one per listener, in the same order"],
    [["--listener-url", "tcp://0.0.0.0:9092,tls://0.0.0.0:9093", "--advertised-listener-url", "tls://a:9093,tcp://a:9092", ...tls], {}, "--advertised-listener-url: entry 1 is tls:// but listener 1 in --listener-url is tcp://"],
    [["--listener-url", "tcp://0.0.0.0:9092,tls://127.0.0.1:9092", ...tls], {}, "--listener-url: port 9092 is used by two listeners (tcp:// and tls://)"],
    [["--listener-url", "tcp://0.0.0.0:9092,tls://0.0.0.0:9093"], {}, "--listener-url: a tls:// or sasl+tls:// listener needs --tls-cert and --tls-key"],
    [[], { LISTENER_URL: "sasl+tls://0.0.0.0:9093", TLS_CERT: "c.pem" }, "LISTENER_URL: a tls:// or sasl+tls:// listener needs --tls-key"],
    [["--tls-cert", "c.pem", "--tls-key", "k.pem"], {}, "--tls-cert is set but no listener in --listener-url uses tls:// or sasl+tls:// (nor is the admin port https://)"],
    [[], { TLS_CA: "ca.pem" }, "TLS_CA is set but no listener in --listener-url uses tls:// or sasl+tls:// (nor is the admin port https://)"],
    [["--listener-url", "ssl://0.0.0.0:9093"], {}, '--listener-url: unknown scheme ssl:// in "ssl://0.0.0.0:9093" (use tcp://, tls://, sasl+tcp:// or sasl+tls://)'],
    [["--listener-url", "tcp://0.0.0.0:9092,"], {}, '--listener-url: not a URL: ""'],
    [["--listener-url", "tls://0.0.0.0:70000", ...tls], {}, '--listener-url: port 70000 is out of range (0..65535) in "tls://0.0.0.0:70000"'],
    [["--listener-url", "sasl+tcp://0.0.0.0"], {}, '--listener-url: no port in "sasl+tcp://0.0.0.0"'],
  ];
  for (const [args, env, message] of cases) expect(() => brokerConfig(args, env)).toThrow(new ConfigError(message));
});
