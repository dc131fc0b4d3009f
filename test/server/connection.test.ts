import { expect, test } from "bun:test";
import type { Socket } from "bun";
import type { Broker } from "../../src/broker.ts";
import { defineHandler, type Handler } from "../../src/handlers/handler.ts";
import { HandlerRegistry } from "../../src/handlers/registry.ts";
import { encodeRequest } from "../../src/protocol/frame.ts";
import { ApiVersionsApi, HeartbeatApi, type HeartbeatRequest, type HeartbeatResponse } from "../../src/protocol/generated/index.ts";
import { Connection } from "../../src/server/connection.ts";
import { testBroker } from "../handlers/broker.ts";

/** A socket whose client reads only when told to. */
class FakeSocket {
  written: Uint8Array[] = [];
  paused = false;
  ended = false;
  /** Bytes the "kernel" accepts per write; 0 = the client is not reading. */
  accept = Infinity;
  write(b: Uint8Array): number {
    const n = Math.min(b.length, this.accept);
    if (n > 0) this.written.push(b.slice(0, n));
    return n;
  }
  pause(): boolean {
    this.paused = true;
    return true;
  }
  resume(): boolean {
    this.paused = false;
    return true;
  }
  end(): void {
    this.ended = true;
  }
}

function connection(broker: Broker): { conn: Connection; socket: FakeSocket } {
  const socket = new FakeSocket();
  return { conn: new Connection(socket as unknown as Socket<Connection>, broker, "test"), socket };
}

const apiVersions = (correlationId: number) => encodeRequest(ApiVersionsApi, { apiKey: 18, apiVersion: 3, correlationId, clientId: "t" }, { clientSoftwareName: "t", clientSoftwareVersion: "1" }).slice();
const correlationIds = (frames: Uint8Array[]) => {
  const all = Buffer.concat(frames);
  const ids: number[] = [];
  for (let at = 0; at + 8 <= all.length; at += 4 + all.readInt32BE(at)) ids.push(all.readInt32BE(at + 4));
  return ids;
};

/**
 * A Heartbeat handler that answers after `delayMs` taken from the request's generationId, all of
 * it in its ordered section. With `checkMs`, it first spends that long outside the section (as
 * Produce checks batches before its turn); a negative generationId skips the section altogether.
 */
function slowHandler(serial: boolean, log: string[], checkMs = 0): Handler<unknown, unknown> {
  return defineHandler<HeartbeatRequest, HeartbeatResponse>({
    api: HeartbeatApi,
    minVersion: 0,
    maxVersion: 4,
    serial,
    async handle(request, { inOrder }) {
      const id = request.generationId;
      if (checkMs > 0) {
        log.push(`check ${id}`);
        await Bun.sleep(checkMs);
      }
      if (id < 0) return { throttleTimeMs: 0, errorCode: 0 };
      return inOrder(async () => {
        log.push(`start ${id}`);
        await Bun.sleep(id);
        log.push(`end ${id}`);
        return { throttleTimeMs: 0, errorCode: 0 };
      });
    },
  });
}
const heartbeat = (correlationId: number, delayMs: number) =>
  encodeRequest(HeartbeatApi, { apiKey: 12, apiVersion: 4, correlationId, clientId: "t" }, { groupId: "g", generationId: delayMs, memberId: "m", groupInstanceId: null }).slice();

test("frames split across chunks and many frames in one chunk are all answered, in order", async () => {
  const { conn, socket } = connection(testBroker());
  const bytes = Buffer.concat([apiVersions(1), apiVersions(2), apiVersions(3)]);
  for (const cut of [1, 5, 30, bytes.length - 2]) conn.onData(bytes.subarray(0, cut)), conn.onData(bytes.subarray(cut)), conn.onData(new Uint8Array(0));
  await conn.idle();
  expect(correlationIds(socket.written)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
});

test("pipelined requests run concurrently but answers leave in request order", async () => {
  const log: string[] = [];
  const broker = { ...testBroker(), handlers: HandlerRegistry.of([slowHandler(false, log)]) };
  const { conn, socket } = connection(broker);
  conn.onData(Buffer.concat([heartbeat(1, 60), heartbeat(2, 5), heartbeat(3, 30)]));
  await conn.idle();
  expect(correlationIds(socket.written)).toEqual([1, 2, 3]);
  // the second started before the first ended
  expect(log.indexOf("start 5")).toBeLessThan(log.indexOf("end 60"));
});

test("a serial API's requests run one at a time in arrival order", async () => {
  const log: string[] = [];
  const broker = { ...testBroker(), handlers: HandlerRegistry.of([slowHandler(true, log)]) };
  const { conn, socket } = connection(broker);
  conn.onData(Buffer.concat([heartbeat(1, 40), heartbeat(2, 5), heartbeat(3, 20)]));
  await conn.idle();
  expect(log).toEqual(["start 40", "end 40", "start 5", "end 5", "start 20", "end 20"]);
  expect(correlationIds(socket.written)).toEqual([1, 2, 3]);
});

test("a serial API's requests are checked as they arrive; their ordered sections still run one at a time in order", async () => {
  const log: string[] = [];
  const broker = { ...testBroker(), handlers: HandlerRegistry.of([slowHandler(true, log, 10)]) };
  const { conn, socket } = connection(broker);
  conn.onData(Buffer.concat([heartbeat(1, 40), heartbeat(2, -1), heartbeat(3, 5), heartbeat(4, 20)]));
  await conn.idle();
  // every check started before the first section ended: they overlap it
  expect(log.slice(0, 4).sort()).toEqual(["check -1", "check 20", "check 40", "check 5"]);
  expect(log.filter((l) => !l.startsWith("check"))).toEqual(["start 40", "end 40", "start 5", "end 5", "start 20", "end 20"]);
  expect(correlationIds(socket.written)).toEqual([1, 2, 3, 4]);
});

test("reading pauses while the client does not read, and resumes when it drains", async () => {
  const { conn, socket } = connection(testBroker());
  socket.accept = 0;
  // each ApiVersions response is a few hundred bytes; enough of them exceed the unsent-bytes bound
  const burst = Buffer.concat(Array.from({ length: 200 }, (_, i) => apiVersions(i)));
  for (let round = 0; round < 600 && !socket.paused; round++) {
    conn.onData(burst);
    await Bun.sleep(0);
  }
  expect(socket.paused).toBe(true);
  socket.accept = Infinity;
  conn.onDrain();
  await conn.idle();
  conn.onDrain();
  expect(socket.paused).toBe(false);
  const ids = correlationIds(socket.written);
  expect(ids.length).toBeGreaterThan(1000);
});

test("an oversized length prefix closes the connection without allocating it", () => {
  const { conn, socket } = connection(testBroker(["--socket-request-max-bytes", "1024"]));
  const prefix = new Uint8Array(4);
  new DataView(prefix.buffer).setInt32(0, 0x7fffffff);
  conn.onData(prefix);
  expect(socket.ended).toBe(true);
});

test("an unknown API key closes the connection; ApiVersions at an unknown version answers UNSUPPORTED_VERSION", async () => {
  const bad = connection(testBroker());
  const frame = apiVersions(9);
  new DataView(frame.buffer).setInt16(4, 0x7777);
  bad.conn.onData(frame);
  await bad.conn.idle();
  expect(bad.socket.ended).toBe(true);

  const newer = connection(testBroker());
  const v99 = apiVersions(10);
  new DataView(v99.buffer).setInt16(6, 99);
  newer.conn.onData(v99);
  await newer.conn.idle();
  expect(newer.socket.ended).toBe(false);
  const reply = Buffer.concat(newer.socket.written);
  // header v0 (correlation id), then errorCode 35 UNSUPPORTED_VERSION and one api key: 18
  expect([reply.readInt32BE(4), reply.readInt16BE(8), reply.readInt32BE(10), reply.readInt16BE(14)]).toEqual([10, 35, 1, 18]);
});

test("drain answers the requests already read, writes every byte, then ends; later requests are not read", async () => {
  const log: string[] = [];
  const broker = { ...testBroker(), handlers: HandlerRegistry.of([slowHandler(true, log)]) };
  const { conn, socket } = connection(broker);
  socket.accept = 0;
  conn.onData(Buffer.concat([heartbeat(1, 30), heartbeat(2, 10)]));
  let drained = false;
  const draining = conn.drain().then(() => (drained = true));
  expect(socket.paused).toBe(true);
  conn.onData(heartbeat(3, 0));
  await Bun.sleep(60);
  // both answers are ready but the client has not read them: not ended yet
  expect([socket.ended, drained]).toEqual([false, false]);
  socket.accept = Infinity;
  conn.onDrain();
  await draining;
  expect(socket.ended).toBe(true);
  expect(socket.paused).toBe(true);
  expect(correlationIds(socket.written)).toEqual([1, 2]);
  expect(log).toEqual(["start 30", "end 30", "start 10", "end 10"]);
});
