// Property: every batch Produce's validator accepts is one that readers decode — kafkajs's own
// record batch decoder and decodeBatch both read it without error, and read the same records.
// Valid batches in every codec get bits flipped and bytes set inside their (decompressed) records,
// are recompressed and get their CRC recomputed, then go through checkProducedBatch. And what it
// refuses, it refuses with Kafka's code for the reason decodeBatch gives.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CompressionCodecs, CompressionTypes } from "kafkajs";
import { checkProducedBatch } from "../../../src/handlers/produce/validate.ts";
import { ErrorCodes } from "../../../src/protocol/errors.ts";
import { DecodeError } from "../../../src/protocol/primitives.ts";
import { type Codec, CODECS, decodeBatch, decompress, encodeBatch, type KafkaRecord, scanBatch } from "../../../src/protocol/records/index.ts";
import type { TopicInfo } from "../../../src/storage/engine.ts";
import { testBroker } from "../../handlers/broker.ts";
import { damagedBatch, T0 } from "./damage.ts";
import { Prng } from "./helpers.ts";

/** kafkajs's record batch v2 decoder (src/protocol/recordBatch/v0), which has no type declarations. */
interface KafkajsRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null | (Buffer | null)[]>;
}
type KafkajsDecoder = new (buffer: Buffer) => object;
const KafkajsDecoder = require("kafkajs/src/protocol/decoder") as KafkajsDecoder;
const decodeKafkajsBatch = require("kafkajs/src/protocol/recordBatch/v0/decoder") as (decoder: object) => Promise<{ records: KafkajsRecord[] }>;

const CASES_PER_CODEC = 3_000;
const config = testBroker().config;

// kafkajs decompresses gzip itself; for the others it takes codecs from its user, so it is lent ours
type KafkajsCodec = () => { compress(): never; decompress(buffer: Buffer): Promise<Buffer> };
type LentType = CompressionTypes.Snappy | CompressionTypes.LZ4 | CompressionTypes.ZSTD;
const lent: [LentType, Codec][] = [
  [CompressionTypes.Snappy, "snappy"],
  [CompressionTypes.LZ4, "lz4"],
  [CompressionTypes.ZSTD, "zstd"],
];
const ownCodecs = new Map<LentType, KafkajsCodec>();
beforeAll(() => {
  for (const [type, codec] of lent) {
    ownCodecs.set(type, CompressionCodecs[type] as KafkajsCodec);
    CompressionCodecs[type] = (() => ({
      compress: () => {
        throw new Error("only decompression is lent");
      },
      decompress: async (buffer: Buffer) => Buffer.from(decompress(codec, buffer)),
    })) satisfies KafkajsCodec;
  }
});
afterAll(() => {
  for (const [type, codec] of ownCodecs) CompressionCodecs[type] = codec;
});

function topic(rng: Prng): TopicInfo {
  const configs: Record<string, string> = {};
  if (rng.int(0, 3) === 0) configs["cleanup.policy"] = "compact";
  if (rng.int(0, 3) === 0) configs["message.timestamp.before.max.ms"] = "3600000";
  if (rng.int(0, 3) === 0) configs["message.timestamp.after.max.ms"] = "3600000";
  return { name: "fuzz", partitionCount: 1, replicationFactor: 1, configs, topicId: "6f1e0c3a-5b0a-4c7e-9d1e-2a3b4c5d6e7f" };
}

/** A record as both decoders see it; kafkajs gathers a record's headers by key. */
interface Seen {
  offset: string;
  timestamp: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string | null | (string | null)[]>;
}

const hex = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex"));

function ours(r: KafkaRecord): Seen {
  const headers: Seen["headers"] = {};
  for (const h of r.headers) {
    const v = hex(h.value);
    const before = headers[h.key];
    headers[h.key] = before === undefined ? v : Array.isArray(before) ? [...before, v] : [before, v];
  }
  return { offset: String(r.offset), timestamp: String(r.timestamp), key: hex(r.key), value: hex(r.value), headers };
}

function theirs(r: KafkajsRecord): Seen {
  const headers: Seen["headers"] = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = Array.isArray(v) ? v.map(hex) : hex(v);
  return { offset: r.offset, timestamp: r.timestamp, key: hex(r.key), value: hex(r.value), headers };
}

function decodeError(batch: Uint8Array): DecodeError | null {
  try {
    decodeBatch(batch);
    return null;
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
}

describe.each(CODECS)("validated %s batches decode with kafkajs and decodeBatch", (codec) => {
  test(`${CASES_PER_CODEC} damaged batches`, async () => {
    const rng = new Prng(0x5eed + codec.length * 7919);
    const seen = { accepted: 0, refused: 0, recordErrors: 0, reassigned: 0 };
    for (let run = 0; run < CASES_PER_CODEC; run++) {
      const { batch, recordCount: count } = damagedBatch(rng, codec, rng.int(0, 19) === 0 ? "LogAppendTime" : "CreateTime");
      const result = checkProducedBatch(batch.slice(), topic(rng), config, 11, T0);

      if (!result.ok) {
        seen.refused++;
        if (result.recordErrors.length > 0) {
          seen.recordErrors++;
          expect([ErrorCodes.INVALID_RECORD, ErrorCodes.INVALID_TIMESTAMP] as number[]).toContain(result.errorCode);
          continue;
        }
        if (count < 1) {
          expect(result.errorCode).toBe(ErrorCodes.INVALID_RECORD);
          continue;
        }
        // refused for its structure: decodeBatch refuses it too, and Kafka's code follows the reason
        const reason = decodeError(batch);
        if (reason === null) throw new Error(`refused, but decodes: ${result.errorMessage}`);
        const code = reason.code === "bad-compression" ? ErrorCodes.UNKNOWN_SERVER_ERROR : ErrorCodes.INVALID_RECORD;
        expect({ errorCode: result.errorCode, errorMessage: result.errorMessage }).toEqual({ errorCode: code, errorMessage: reason.message });
        continue;
      }
      seen.accepted++;
      if (decodeBatch(batch).records.some((r, i) => r.offsetDelta !== i)) seen.reassigned++;
      const decoded = decodeBatch(result.batch).records.map(ours);
      const kafkajs = (await decodeKafkajsBatch(new KafkajsDecoder(Buffer.from(result.batch)))).records.map(theirs);
      expect(kafkajs).toEqual(decoded);
      expect(decoded.map((r) => r.offset)).toEqual(decoded.map((_, i) => String(i)));
    }
    // the damage reaches both outcomes and every kind of refusal
    expect(seen.accepted).toBeGreaterThan(CASES_PER_CODEC / 10);
    expect(seen.refused).toBeGreaterThan(CASES_PER_CODEC / 10);
    expect(seen.recordErrors).toBeGreaterThan(10);
    expect(seen.reassigned).toBeGreaterThan(10);
  });

  // an uncompressed batch has nothing to decompress
  if (codec !== "none") {
    test("the decompressed-size cap holds while decompressing", () => {
      const batch = encodeBatch([{ key: null, value: new Uint8Array(100_000).fill(7) }], { codec });
      const size = decompress(codec, batch.subarray(61)).length;
      expect(() => scanBatch(batch, { maxDecompressedBytes: size })).not.toThrow();
      expect(() => scanBatch(batch, { maxDecompressedBytes: size - 1 })).toThrow("bad-compression");
      expect(() => scanBatch(batch, { maxDecompressedBytes: 1_000 })).toThrow("bad-compression");
    });
  }
});
