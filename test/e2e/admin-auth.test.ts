// The admin port once security is on (a SASL listener, --authorizer acl): /api/* and /metrics ask
// for HTTP Basic with a stored user or the ADMIN_TOKEN bearer token (401 otherwise), a user the
// ACLs do not let DESCRIBE the cluster gets 403, /health and /ready stay open; https:// serves the
// listeners' certificate; ADMIN_METRICS_PUBLIC opens /metrics; a laptop broker asks nobody.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { makeCa, type TestCa } from "../support/certs.ts";
import { waitFor } from "./groups-support.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
let dir: string;
let ca: TestCa;
let broker: TestBroker;
let base: string;

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers, tls: { ca: ca.certPem } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tansu-admin-auth-"));
  ca = makeCa();
  const server = ca.issue("server", "/CN=localhost", { server: true });
  const store = `sqlite://${join(dir, "store.db")}`;
  const made = Bun.spawnSync([process.execPath, MAIN, "user", "create", "viewer", "--password", "viewer-pw", "--storage-engine", store], { stderr: "pipe" });
  expect(made.exitCode).toBe(0);
  broker = await startBroker(
    ["--listener-url", "sasl+tcp://127.0.0.1:0", "--admin-listener-url", "https://127.0.0.1:0", "--tls-cert", server.cert, "--tls-key", server.key, "--storage-engine", store, "--authorizer", "acl"],
    { ADMIN_USER: "admin", ADMIN_PASSWORD: "admin-pw", ADMIN_TOKEN: "t0ken" },
    { admin: true },
  );
  const port = /admin listening listener=\S*:(\d+)/.exec(broker.logs())?.[1];
  base = `https://localhost:${port}`;
});

afterAll(async () => {
  expect(await broker.stop()).toBe(0);
  ca.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe("admin port with security on", () => {
  test("/health and /ready answer anyone", async () => {
    expect((await get("/health")).status).toBe(200);
    expect((await get("/ready")).status).toBe(200);
  });

  test("/api/* and /metrics: 401 with a challenge without or with bad credentials", async () => {
    for (const path of ["/api/topics", "/metrics"]) {
      const none = await get(path);
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toContain("Basic");
      expect((await get(path, basic("admin", "wrong"))).status).toBe(401);
      expect((await get(path, basic("nobody", "x"))).status).toBe(401);
      expect((await get(path, { authorization: "Bearer nope" })).status).toBe(401);
    }
  });

  test("the admin user (a super user) and the token are let in; a user without DESCRIBE on the cluster gets 403", async () => {
    expect((await get("/api/topics", basic("admin", "admin-pw"))).status).toBe(200);
    expect((await get("/metrics", { authorization: "Bearer t0ken" })).status).toBe(200);
    const forbidden = await get("/api/topics", basic("viewer", "viewer-pw"));
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ error: "forbidden", principal: "User:viewer" });
  });
});

describe("start-up warning", () => {
  test("a listener beyond loopback that authenticates nobody is warned about once; loopback and SASL are not", async () => {
    const open = await startBroker(["--listener-url", "tcp://0.0.0.0:0"]);
    const quiet = await startBroker(["--listener-url", "tcp://127.0.0.1:0,sasl+tcp://0.0.0.0:0"]);
    try {
      await waitFor("the warning", () => open.logs().includes("without authentication") && quiet.logs().includes("storage open"));
      expect(open.logs().match(/listening beyond loopback without authentication/g)?.length).toBe(1);
      expect(open.logs()).toContain(`listeners="PLAINTEXT 0.0.0.0:${open.port}"`);
      expect(quiet.logs()).not.toContain("without authentication");
    } finally {
      expect(await open.stop()).toBe(0);
      expect(await quiet.stop()).toBe(0);
    }
  });
});

describe("admin port settings", () => {
  test("ADMIN_METRICS_PUBLIC opens /metrics only; a broker without security asks nobody", async () => {
    const open = await startBroker(["--listener-url", "sasl+tcp://127.0.0.1:0"], { ADMIN_METRICS_PUBLIC: "true" }, { admin: true });
    const laptop = await startBroker([], {}, { admin: true });
    try {
      expect((await fetch(`${open.adminUrl}/metrics`)).status).toBe(200);
      expect((await fetch(`${open.adminUrl}/api/topics`)).status).toBe(401);
      expect((await fetch(`${laptop.adminUrl}/api/topics`)).status).toBe(200);
    } finally {
      expect(await open.stop()).toBe(0);
      expect(await laptop.stop()).toBe(0);
    }
  });
});
