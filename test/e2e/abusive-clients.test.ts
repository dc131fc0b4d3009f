// One client must not take the broker down: a consumer that pipelines long polls and never reads,
// idle connections, a frame trickled byte by byte, and more connections than allowed.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { apiVersionsMs, fill, stalledConsumer, watch } from "../support/abuse.ts";

const dir = mkdtempSync(join(tmpdir(), "tansu-abuse-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([["memory", "memory://"], ["sqlite", `sqlite://${join(dir, "tansu.db")}`]])("a consumer that pipelines 60 long-poll Fetches of ~20 MB, never reads, then closes (%s)", (_, storage) => {
  test("leaves the broker answering and its memory bounded", async () => {
    const broker = await startBroker(["--storage-engine", storage]);
    try {
      await fill(broker.bootstrap, "stalled", 20);
      await stalledConsumer(broker.port, "stalled", 60, 1000);
      const seen = await watch(broker.pid, broker.port, 4000);
      expect(seen.unanswered).toBe(0);
      // 60 answers of 20 MB would be 1.2 GB; the broker holds at most one beyond its 16 MiB bound
      expect(seen.peakMiB).toBeLessThan(500);
      expect(broker.running()).toBe(true);
    } finally {
      expect(await broker.stop()).toBe(0);
    }
  });
});

/**
 * Opens a raw connection and resolves when the broker closes it (a reset while connecting counts),
 * or with "open" after `ms`.
 */
async function closedWithin(port: number, ms: number, act: (write: (b: Uint8Array) => void) => Promise<void> = async () => {}): Promise<"closed" | "open"> {
  let closed = false;
  const connecting = Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data() {},
      close() {
        closed = true;
      },
    },
  });
  const socket = await connecting.catch(() => null);
  if (socket === null) return "closed";
  const deadline = Date.now() + ms;
  const acting = act((b) => {
    if (!closed) socket.write(b);
  });
  while (!closed && Date.now() < deadline) await Bun.sleep(20);
  await acting;
  const outcome = closed ? "closed" : "open";
  socket.end();
  return outcome;
}

describe("connection limits", () => {
  let broker: TestBroker;
  afterAll(async () => {
    expect(await broker.stop()).toBe(0);
  });

  test("an idle connection is closed after connections.max.idle.ms; one that talks is kept", async () => {
    broker = await startBroker(["--connections-max-idle-ms", "300", "--request-frame-timeout-ms", "500"]);
    expect(await closedWithin(broker.port, 3000)).toBe("closed");
    expect(broker.logs()).toMatch(/closing connection peer=\S+ reason="idle for 300 ms"/);
    // a connection that keeps sending requests is never idle
    const kept = await closedWithin(broker.port, 1000, async (write) => {
      for (let i = 0; i < 12; i++) {
        write(new Uint8Array([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, i, 0, 0]));
        await Bun.sleep(100);
      }
    });
    expect(kept).toBe("open");
  });

  test("a frame trickled in is cut once it has taken request-frame-timeout-ms", async () => {
    const trickle = await closedWithin(broker.port, 4000, async (write) => {
      // announces 50 MB, then sends 1 KB every 100 ms
      write(new Uint8Array([0x03, 0x00, 0x00, 0x00]));
      for (let i = 0; i < 30; i++) {
        write(new Uint8Array(1024));
        await Bun.sleep(100);
      }
    });
    expect(trickle).toBe("closed");
    expect(broker.logs()).toMatch(/closing connection peer=\S+ reason="request frame not complete after 500 ms \(\d+ bytes received\)"/);
    expect(await apiVersionsMs(broker.port)).not.toBeNull();
  });
});

test("connections beyond max.connections.per.ip and max.connections are closed as they open", async () => {
  const perIp = await startBroker(["--max-connections-per-ip", "3"]);
  const total = await startBroker(["--max-connections", "2"]);
  try {
    for (const [broker, allowed, reason] of [
      [perIp, 3, "max.connections.per.ip 3 reached for 127.0.0.1"],
      [total, 2, "max.connections 2 reached"],
    ] as const) {
      const held = await Promise.all(Array.from({ length: allowed }, () => Bun.connect({ hostname: "127.0.0.1", port: broker.port, socket: { data() {} } })));
      await Bun.sleep(100);
      expect(await closedWithin(broker.port, 2000)).toBe("closed");
      expect(broker.logs()).toContain(`reason="${reason}"`);
      held[0]!.end();
      await Bun.sleep(200);
      // a place freed is a place taken again
      expect(await apiVersionsMs(broker.port)).not.toBeNull();
      for (const s of held) s.end();
    }
  } finally {
    expect(await perIp.stop()).toBe(0);
    expect(await total.stop()).toBe(0);
  }
});
