import { describe, expect, test } from "bun:test";
import type { ApiMessages } from "../../src/protocol/api.ts";
import { apisByKey } from "../../src/protocol/generated/index.ts";
import { Reader, type TaggedField, Writer } from "../../src/protocol/primitives.ts";
import { prng, sampleMessage, schema, versionsOf } from "./samples.ts";

type Side = "request" | "response";

function codec(api: ApiMessages<unknown, unknown>, side: Side) {
  return side === "request"
    ? { read: (r: Reader, v: number) => api.readRequest(r, v), write: (w: Writer, x: unknown, v: number) => api.writeRequest(w, x, v) }
    : { read: (r: Reader, v: number) => api.readResponse(r, v), write: (w: Writer, x: unknown, v: number) => api.writeResponse(w, x, v) };
}

function roundTrip(api: ApiMessages<unknown, unknown>, side: Side, version: number, value: unknown): void {
  const { read, write } = codec(api, side);
  const w = new Writer(16);
  write(w, value, version);
  const bytes = w.finish().slice();
  const r = new Reader(bytes);
  const decoded = read(r, version);
  expect(r.remaining).toBe(0);
  expect(decoded).toEqual(value);
  const again = new Writer(16);
  write(again, decoded, version);
  expect(again.finish()).toEqual(bytes);
}

describe("every message of every API round-trips in every version", () => {
  for (const api of schema) {
    const messages = apisByKey.get(api.apiKey);
    test(`${api.name} (key ${api.apiKey})`, () => {
      expect(messages).toBeDefined();
      if (messages === undefined) return;
      for (const side of ["request", "response"] as const) {
        const m = api[side];
        for (const version of versionsOf(m)) {
          const random = prng(api.apiKey * 1000 + version);
          roundTrip(messages, side, version, sampleMessage(m, version, { mode: "empty", random }));
          for (let i = 0; i < 8; i++) roundTrip(messages, side, version, sampleMessage(m, version, { mode: "random", random }));
        }
      }
    });
  }
});

test("the registry holds exactly the APIs whose requests list the broker listener", () => {
  expect([...apisByKey.keys()].sort((a, b) => a - b)).toEqual(schema.map((a) => a.apiKey));
  const produce = apisByKey.get(0);
  expect(produce?.name).toBe("Produce");
  expect(produce?.minVersion).toBe(0);
  expect(produce?.maxVersion).toBe(11);
  expect(produce?.firstFlexibleVersion).toBe(9);
});

test("unknown tagged fields survive a round trip in ascending tag order", () => {
  const api = apisByKey.get(3);
  if (api === undefined) throw new Error("no Metadata API");
  const value = sampleMessage(schema.find((a) => a.apiKey === 3)!.request, 12, { mode: "random", random: prng(7) });
  const unknown: TaggedField[] = [
    { tag: 5, data: Uint8Array.of(1, 2, 3) },
    { tag: 900, data: new Uint8Array(0) },
  ];
  roundTrip(api, "request", 12, { ...value, unknownTaggedFields: unknown });
});

test("known tagged fields are written only when they differ from their default", () => {
  const api = apisByKey.get(18);
  if (api === undefined) throw new Error("no ApiVersions API");
  const m = schema.find((a) => a.apiKey === 18)!.response;
  const base = sampleMessage(m, 3, { mode: "empty", random: prng(1) });
  const plain = new Writer();
  api.writeResponse(plain, base, 3);
  const withFeatures = new Writer();
  api.writeResponse(withFeatures, { ...base, finalizedFeaturesEpoch: 5n, zkMigrationReady: true }, 3);
  // tag 1 (epoch, int64) and tag 3 (bool): 1+1+8 and 1+1+1 bytes more
  expect(withFeatures.pos - plain.pos).toBe(13);
  roundTrip(api, "response", 3, { ...base, finalizedFeaturesEpoch: 5n, zkMigrationReady: true });
});

test("null and empty stay distinct for nullable strings, bytes and arrays", () => {
  const api = apisByKey.get(3);
  if (api === undefined) throw new Error("no Metadata API");
  for (const version of [1, 9, 12]) {
    const base = sampleMessage(schema.find((a) => a.apiKey === 3)!.request, version, { mode: "empty", random: prng(3) });
    roundTrip(api, "request", version, { ...base, topics: null });
    roundTrip(api, "request", version, { ...base, topics: [] });
  }
});
