// Frames for the protocol fuzzer: sample requests of every API and version a broker advertises
// (built from Kafka's message definitions by test/protocol/samples.ts), Produce requests carrying
// real record batches, and the ways to spoil them. A connection's script depends only on the seed
// and the connection's number, so `connectionScript(corpus, seed, n)` replays connection n.

import type { BrokerVersions } from "../../../src/client/versions.ts";
import { decodeRequest, encodeRequest } from "../../../src/protocol/frame.ts";
import { ApiVersionsApi, apisByKey, ProduceApi } from "../../../src/protocol/generated/index.ts";
import { computeBatchCrc } from "../../../src/protocol/records/crc.ts";
import { CRC_AT } from "../../../src/protocol/records/header.ts";
import { ZERO_UUID } from "../../../src/protocol/primitives.ts";
import { CODECS, encodeBatch, type RecordInput } from "../../../src/protocol/records/index.ts";
import { prng, sampleMessage, schema } from "../../protocol/samples.ts";

/**
 * Inline frames decode (the broker reads them and carries on); the mutated kinds are drawn until
 * one does. A final frame ends the script: it does not decode, loses the framing, or never completes.
 */
export const INLINE_KINDS = ["valid", "bit-flipped", "boundary-bytes", "produce", "produce-flipped-crc-fixed", "produce-flipped"] as const;
export const FINAL_KINDS = ["produce-flipped-acks-0", "undecodable-bit-flipped", "undecodable-boundary-bytes", "truncated", "random-body", "random-bytes", "huge-length", "half-frame"] as const;
export type FrameKind = (typeof INLINE_KINDS)[number] | (typeof FINAL_KINDS)[number];

const INLINE_WEIGHTS: Record<(typeof INLINE_KINDS)[number], number> = {
  valid: 50,
  "bit-flipped": 15,
  "boundary-bytes": 5,
  produce: 5,
  "produce-flipped-crc-fixed": 15,
  "produce-flipped": 10,
};
const FINAL_WEIGHTS: Record<(typeof FINAL_KINDS)[number], number> = {
  "produce-flipped-acks-0": 10,
  "undecodable-bit-flipped": 20,
  "undecodable-boundary-bytes": 10,
  truncated: 15,
  "random-body": 10,
  "random-bytes": 15,
  "huge-length": 20,
  "half-frame": 10,
};
/** Draws of a mutated frame before an inline one falls back to a valid frame. */
const DRAWS = 8;

/** The correlation id of the ApiVersions request that closes a script without a final frame. */
export const SENTINEL_ID = 0x5e7e_1000;
/** Length prefixes outside 1..socket.request.max.bytes (100 MiB), and two inside it that never complete. */
const HUGE_LENGTHS = [0x7fffffff, -1, -0x80000000, (100 << 20) + 1, 0x00ffffff, 80 << 20];
const BOUNDARY_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe];
const SAMPLES_PER_VERSION = 4;
const PRODUCE_FRAMES = 256;

export class Rand {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = prng(seed);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  weighted<K extends string>(weights: Record<K, number>): K {
    const entries = Object.entries(weights) as [K, number][];
    let at = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [k, w] of entries) if ((at -= w) < 0) return k;
    return entries[entries.length - 1]![0];
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  /** A UUID made of this generator's bytes (version 4 layout). */
  uuid(): `${string}-${string}-${string}-${string}-${string}` {
    const b = this.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = Buffer.from(b).toString("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/** A Produce request frame and where its one record batch sits in it. */
export interface ProduceFrame {
  frame: Uint8Array;
  batchAt: number;
  batchLength: number;
}

export interface Corpus {
  /** Whole frames, size prefix included: several samples of every advertised API and version. */
  requests: Uint8Array[];
  /** Produce requests (acks -1 or 1) with valid record batches to `produceTopic`. */
  produce: ProduceFrame[];
  /** The same with acks 0: an error closes the connection, so spoiled ones end a script. */
  produceAcks0: ProduceFrame[];
  produceTopic: string;
  produceVersions: { min: number; max: number };
  /** An ApiVersions v0 request with SENTINEL_ID. */
  sentinel: Uint8Array;
  /** What the broker advertises: which frames it reads. */
  versions: BrokerVersions;
}

/** samples.ts draws UUIDs from crypto.randomUUID: they come from `random` while `build` runs. */
function withSeededUuids<T>(random: Rand, build: () => T): T {
  const original = crypto.randomUUID;
  crypto.randomUUID = () => random.uuid();
  try {
    return build();
  } finally {
    crypto.randomUUID = original;
  }
}

function correlationId(random: Rand): number {
  const id = random.int(2 ** 32) | 0;
  return id === SENTINEL_ID ? 0 : id;
}

function sampleRequests(versions: BrokerVersions, random: Rand): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const next = () => random.int(2 ** 32) / 2 ** 32;
  for (const [apiKey, range] of versions) {
    const api = apisByKey.get(apiKey);
    const definition = schema.find((a) => a.apiKey === apiKey);
    if (api === undefined || definition === undefined) continue;
    for (let version = Math.max(range.min, api.minVersion); version <= Math.min(range.max, api.maxVersion); version++) {
      for (let i = 0; i <= SAMPLES_PER_VERSION; i++) {
        const body = sampleMessage(definition.request, version, { mode: i === 0 ? "empty" : "random", random: next });
        frames.push(encodeRequest(api, { apiKey, apiVersion: version, correlationId: correlationId(random), clientId: random.chance(0.2) ? null : "fuzz" }, body).slice());
      }
    }
  }
  return frames;
}

function sampleBatch(random: Rand, index: number): Uint8Array {
  const records: RecordInput[] = Array.from({ length: 1 + random.int(4) }, (_, i) => ({
    key: random.chance(0.3) ? null : random.bytes(random.int(16)),
    value: random.chance(0.1) ? null : random.bytes(random.int(48)),
    headers: random.chance(0.3) ? [{ key: "h", value: random.chance(0.5) ? null : random.bytes(random.int(8)) }] : [],
    timestamp: 1_700_000_000_000 + index * 10 + i,
  }));
  return encodeBatch(records, { codec: random.pick(CODECS) });
}

function produceRequests(versions: BrokerVersions, topic: string, partitions: number, acks: readonly number[], random: Rand): { frames: ProduceFrame[]; min: number; max: number } {
  const range = versions.get(ProduceApi.apiKey);
  if (range === undefined) throw new Error("the broker does not advertise Produce");
  // v3 is the first with magic 2 batches only
  const min = Math.max(range.min, ProduceApi.minVersion, 3);
  const max = Math.min(range.max, ProduceApi.maxVersion);
  const frames: ProduceFrame[] = [];
  for (let i = 0; i < PRODUCE_FRAMES; i++) {
    const batch = sampleBatch(random, i);
    const version = min + random.int(max - min + 1);
    const body = {
      transactionalId: null,
      acks: random.pick(acks),
      timeoutMs: 5_000,
      topicData: [{ name: topic, topicId: ZERO_UUID, partitionData: [{ index: random.int(partitions), records: batch }] }],
    };
    const frame = encodeRequest(ProduceApi, { apiKey: ProduceApi.apiKey, apiVersion: version, correlationId: correlationId(random), clientId: "fuzz" }, body).slice();
    const batchAt = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).lastIndexOf(Buffer.from(batch));
    if (batchAt < 0) throw new Error("the batch is not in its Produce frame");
    frames.push({ frame, batchAt, batchLength: batch.length });
  }
  return { frames, min, max };
}

export function buildCorpus(versions: BrokerVersions, produceTopic: string, partitions: number, seed: number): Corpus {
  const random = new Rand(seed);
  return withSeededUuids(random, () => {
    const requests = sampleRequests(versions, random);
    const produce = produceRequests(versions, produceTopic, partitions, [-1, 1], random);
    const produceAcks0 = produceRequests(versions, produceTopic, partitions, [0], random);
    const sentinel = encodeRequest(ApiVersionsApi, { apiKey: ApiVersionsApi.apiKey, apiVersion: 0, correlationId: SENTINEL_ID, clientId: "fuzz" }, { clientSoftwareName: "", clientSoftwareVersion: "" }).slice();
    return { requests, produce: produce.frames, produceAcks0: produceAcks0.frames, produceTopic, produceVersions: { min: produce.min, max: produce.max }, sentinel, versions };
  });
}

function sized(size: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setInt32(0, size);
  out.set(body, 4);
  return out;
}

/** Flips 1-`most` bits of `frame` in [from, to). */
function flipBits(frame: Uint8Array, from: number, to: number, most: number, random: Rand): void {
  for (let i = 0, n = 1 + random.int(most); i < n; i++) frame[from + random.int(to - from)]! ^= 1 << random.int(8);
}

function spoiledProduce(p: ProduceFrame, fixCrc: boolean, random: Rand): Uint8Array {
  const frame = p.frame.slice();
  const end = p.batchAt + p.batchLength;
  flipBits(frame, p.batchAt, end, 3, random);
  if (fixCrc) {
    const batch = frame.subarray(p.batchAt, end);
    new DataView(frame.buffer, p.batchAt).setUint32(CRC_AT, computeBatchCrc(batch));
  }
  return frame;
}

/** Whether the broker reads `frame` (size prefix included) as a request it answers, as dispatch.ts decides. */
export function decodes(frame: Uint8Array, versions: BrokerVersions): boolean {
  if (frame.length < 4 || new DataView(frame.buffer, frame.byteOffset).getInt32(0) !== frame.length - 4) return false;
  const decoded = decodeRequest(frame.subarray(4), (apiKey) => (versions.has(apiKey) ? apisByKey.get(apiKey) : undefined));
  if (!decoded.ok) return decoded.header?.apiKey === ApiVersionsApi.apiKey && decoded.error.code === "unsupported-version";
  const range = versions.get(decoded.header.apiKey);
  return range !== undefined && decoded.header.apiVersion >= range.min && decoded.header.apiVersion <= range.max;
}

function bitFlipped(corpus: Corpus, random: Rand): Uint8Array {
  const frame = random.pick(corpus.requests).slice();
  flipBits(frame, 4, frame.length, 4, random);
  return frame;
}

function boundaryBytes(corpus: Corpus, random: Rand): Uint8Array {
  const frame = random.pick(corpus.requests).slice();
  for (let i = 0, n = 1 + random.int(6); i < n; i++) frame[4 + random.int(frame.length - 4)] = random.pick(BOUNDARY_BYTES);
  return frame;
}

/** A mutation of `make` that decodes (or not), or null after DRAWS draws. */
function drawn(make: () => Uint8Array, versions: BrokerVersions, decodable: boolean): Uint8Array | null {
  for (let i = 0; i < DRAWS; i++) {
    const frame = make();
    if (decodes(frame, versions) === decodable) return frame;
  }
  return null;
}

/** The frame and the kind it turned out to be (a mutation that never came out as asked falls back to another kind). */
export function frameOf(kind: FrameKind, corpus: Corpus, random: Rand): [FrameKind, Uint8Array] {
  const { versions } = corpus;
  const valid = (): [FrameKind, Uint8Array] => ["valid", random.pick(corpus.requests)];
  switch (kind) {
    case "valid":
      return valid();
    case "bit-flipped":
    case "boundary-bytes": {
      const frame = drawn(() => (kind === "bit-flipped" ? bitFlipped(corpus, random) : boundaryBytes(corpus, random)), versions, true);
      return frame === null ? valid() : [kind, frame];
    }
    case "undecodable-bit-flipped":
    case "undecodable-boundary-bytes": {
      const frame = drawn(() => (kind === "undecodable-bit-flipped" ? bitFlipped(corpus, random) : boundaryBytes(corpus, random)), versions, false);
      return frame === null ? frameOf("random-body", corpus, random) : [kind, frame];
    }
    case "produce":
      return [kind, random.pick(random.chance(0.2) ? corpus.produceAcks0 : corpus.produce).frame];
    case "produce-flipped-crc-fixed":
      return [kind, spoiledProduce(random.pick(corpus.produce), true, random)];
    case "produce-flipped":
      return [kind, spoiledProduce(random.pick(corpus.produce), false, random)];
    case "produce-flipped-acks-0":
      return [kind, spoiledProduce(random.pick(corpus.produceAcks0), random.chance(0.5), random)];
    case "truncated": {
      // the size prefix says how much is left, so the frame is whole but its body ends early
      const frame = random.pick(corpus.requests);
      const keep = random.int(frame.length - 4);
      return [kind, sized(keep, frame.subarray(4, 4 + keep))];
    }
    case "random-body": {
      const n = 1 + random.int(64);
      return [kind, sized(n, random.bytes(n))];
    }
    case "random-bytes":
      return [kind, random.bytes(1 + random.int(256))];
    case "huge-length":
      return [kind, sized(random.pick(HUGE_LENGTHS), random.bytes(random.int(2048)))];
    case "half-frame": {
      const frame = random.pick(corpus.requests);
      return [kind, frame.subarray(0, 4 + random.int(frame.length - 4))];
    }
  }
}

export interface Script {
  /** The frames back to back. */
  bytes: Uint8Array;
  /** Where each fuzz frame ends in `bytes`, and what it is (the sentinel is not one of them). */
  ends: number[];
  kinds: FrameKind[];
  /** Whether the script ends with the sentinel (else with a final frame). */
  sentinel: boolean;
  /** Hang up as soon as the bytes are written (a frame left half sent). */
  hangUp: boolean;
}

/** 1 to `maxInline` inline frames, then a final frame (with probability `finalShare`) or the sentinel. */
export function connectionScript(corpus: Corpus, seed: number, connection: number, maxInline: number, finalShare: number): Script {
  const random = new Rand((seed ^ Math.imul(connection + 1, 0x9e3779b1)) >>> 0);
  const frames: Uint8Array[] = [];
  const kinds: FrameKind[] = [];
  const add = ([kind, frame]: [FrameKind, Uint8Array]) => {
    kinds.push(kind);
    frames.push(frame);
  };
  for (let i = 0, n = 1 + random.int(maxInline); i < n; i++) add(frameOf(random.weighted(INLINE_WEIGHTS), corpus, random));
  const final = random.chance(finalShare);
  if (final) add(frameOf(random.weighted(FINAL_WEIGHTS), corpus, random));
  else frames.push(corpus.sentinel);
  const bytes = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  const ends: number[] = [];
  let at = 0;
  for (const f of frames) {
    bytes.set(f, at);
    ends.push((at += f.length));
  }
  if (!final) ends.pop();
  return { bytes, ends, kinds, sentinel: !final, hangUp: kinds[kinds.length - 1] === "half-frame" };
}
