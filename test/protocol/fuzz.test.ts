import { expect, test } from "bun:test";
import { decodeRequest } from "../../src/protocol/frame.ts";
import { apisByKey } from "../../src/protocol/generated/index.ts";
import { DecodeError, Reader, Writer } from "../../src/protocol/primitives.ts";
import { requestHeaderVersion, writeRequestHeader } from "../../src/protocol/header.ts";
import { prng, sampleMessage, schema, versionsOf } from "./samples.ts";

/** One valid request frame (without size prefix) per API and version. */
function seedFrames(): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const random = prng(42);
  for (const a of schema) {
    const api = apisByKey.get(a.apiKey);
    if (api === undefined) continue;
    for (const version of versionsOf(a.request)) {
      const w = new Writer();
      writeRequestHeader(w, { apiKey: a.apiKey, apiVersion: version, correlationId: 7, clientId: "fuzz" }, requestHeaderVersion(api, version));
      api.writeRequest(w, sampleMessage(a.request, version, { mode: "random", random }), version);
      frames.push(w.finish().slice());
    }
  }
  return frames;
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe];

function mutate(frame: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(random() * n);
  switch (pick(5)) {
    case 0: // truncate
      return frame.slice(0, pick(frame.length));
    case 1: {
      // flip bits
      const out = frame.slice();
      for (let i = 0, n = 1 + pick(4); i < n && out.length > 0; i++) out[pick(out.length)]! ^= 1 << pick(8);
      return out;
    }
    case 2: {
      // overwrite bytes with boundary values (lengths, counts, varints)
      const out = frame.slice();
      for (let i = 0, n = 1 + pick(6); i < n && out.length > 0; i++) out[pick(out.length)] = INTERESTING[pick(INTERESTING.length)]!;
      return out;
    }
    case 3: {
      // a huge int32 at a random place beyond the header prefix
      const out = frame.slice();
      if (out.length >= 12) new DataView(out.buffer).setInt32(8 + pick(out.length - 11), [0x7fffffff, -2, 0x40000000][pick(3)]!);
      return out;
    }
    default: {
      // splice in random bytes
      const at = pick(frame.length + 1);
      const junk = Uint8Array.from({ length: 1 + pick(16) }, () => pick(256));
      const out = new Uint8Array(frame.length + junk.length);
      out.set(frame.subarray(0, at));
      out.set(junk, at);
      out.set(frame.subarray(at), at + junk.length);
      return out;
    }
  }
}

test("100,000 mutated request frames decode to a request or a typed DecodeError, never anything else", () => {
  const seeds = seedFrames();
  const random = prng(2024);
  let decoded = 0;
  let rejected = 0;
  for (let i = 0; i < 100_000; i++) {
    const frame = mutate(seeds[i % seeds.length]!, random);
    const result = decodeRequest(frame, (k) => apisByKey.get(k));
    if (result.ok) {
      decoded++;
      continue;
    }
    rejected++;
    // decodeRequest wraps stray exceptions; re-run the body reader to be sure none is stray
    expect(result.error).toBeInstanceOf(DecodeError);
    const api = result.header === undefined ? undefined : apisByKey.get(result.header.apiKey);
    if (api !== undefined && result.error.code !== "unsupported-version" && result.header !== undefined) {
      try {
        const r = new Reader(frame, 8);
        r.nullableString();
        if (requestHeaderVersion(api, result.header.apiVersion) === 2) r.taggedFields(null);
        api.readRequest(r, result.header.apiVersion);
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
      }
    }
  }
  expect(decoded + rejected).toBe(100_000);
  expect(rejected).toBeGreaterThan(10_000);
});
