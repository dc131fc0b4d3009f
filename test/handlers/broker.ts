// A Broker over a fresh memory engine, built as src/commands/broker.ts builds one, and a way to
// call a handler the way the server does: the request and the response both pass through the
// generated codecs at the version under test.

import { expect } from "bun:test";
import type { Broker } from "../../src/broker.ts";
import { brokerConfig } from "../../src/config.ts";
import { atOnce, type Handler } from "../../src/handlers/handler.ts";
import { handlerRegistry } from "../../src/handlers/index.ts";
import { createLogger } from "../../src/log.ts";
import type { ApiMessages } from "../../src/protocol/api.ts";
import { Reader, Writer } from "../../src/protocol/primitives.ts";
import type { Engine } from "../../src/storage/engine.ts";
import { openMemoryEngine } from "../../src/storage/memory/index.ts";

/** A broker over a fresh memory engine, or over `engine` (another broker of the same cluster). */
export function testBroker(args: readonly string[] = [], engine: Engine = openMemoryEngine()): Broker {
  const config = brokerConfig(["--storage-engine", "memory://", "--listener-url", "tcp://127.0.0.1:0", ...args], {});
  return {
    config,
    engine,
    log: createLogger("error"),
    advertised: { host: "kafka.example", port: 9092 },
    handlers: handlerRegistry(),
  };
}

function encode<T>(write: (w: Writer, v: T, version: number) => void, value: T, version: number): Uint8Array {
  const w = new Writer(64);
  write(w, value, version);
  return w.finish().slice();
}

function decode<T>(read: (r: Reader, version: number) => T, bytes: Uint8Array, version: number): T {
  const r = new Reader(bytes);
  const value = read(r, version);
  expect(r.remaining).toBe(0);
  return value;
}

/** Who sends a request: its principal (absent: User:ANONYMOUS) and address. */
export interface Sender {
  principal?: string;
  clientAddress?: string;
}

/**
 * Sends `request` through the request codec at `version`, runs the handler on what decodes, and
 * checks the response encodes, decodes and re-encodes to the same bytes. Returns the response as
 * the handler produced it.
 */
export async function call<Req, Res>(
  broker: Broker,
  api: ApiMessages<Req, Res>,
  version: number,
  request: Req,
  signal: AbortSignal = new AbortController().signal,
  sender: Sender = {},
): Promise<Res> {
  const handler = (await broker.handlers.load(api.apiKey)) as Handler<Req, Res> | undefined;
  if (handler === undefined) throw new Error(`no handler for ${api.name}`);
  expect(version).toBeGreaterThanOrEqual(handler.minVersion);
  expect(version).toBeLessThanOrEqual(handler.maxVersion);
  const decoded = decode((r, v) => api.readRequest(r, v), encode((w, x: Req, v) => api.writeRequest(w, x, v), request, version), version);
  const header = { apiKey: api.apiKey, apiVersion: version, correlationId: 1, clientId: "test" };
  const response = await handler.handle(decoded, { broker, header, apiVersion: version, signal, inOrder: atOnce, ...sender });
  if (response === null) throw new Error(`${api.name} sent no response`);
  const bytes = encode((w, x: Res, v) => api.writeResponse(w, x, v), response, version);
  const again = decode((r, v) => api.readResponse(r, v), bytes, version);
  expect(encode((w, x: Res, v) => api.writeResponse(w, x, v), again, version)).toEqual(bytes);
  return response;
}

/** The response as a client of `version` sees it. */
export function asSeenAt<Res>(api: ApiMessages<unknown, Res>, version: number, response: Res): Res {
  return decode((r, v) => api.readResponse(r, v), encode((w, x: Res, v) => api.writeResponse(w, x, v), response, version), version);
}
