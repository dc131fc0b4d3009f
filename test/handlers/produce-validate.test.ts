// checkProducedBatch: the checks on a produced batch before it is stored, each answered with the
// code Kafka 3.9 answers, which one answers first when a batch breaks several, and what Kafka
// repairs instead of refusing.

import { describe, expect, test } from "bun:test";
import { checkProducedBatch } from "../../src/handlers/produce/validate.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import {
  CODECS,
  computeBatchCrc,
  decodeBatch,
  encodeBatch,
  type EncodeBatchOptions,
  readBatchHeader,
  type RecordInput,
  verifyBatchCrc,
} from "../../src/protocol/records/index.ts";
import type { TopicInfo } from "../../src/storage/engine.ts";
import { batchWith } from "../protocol/records/helpers.ts";
import { testBroker } from "./broker.ts";

const config = testBroker().config;
const NOW = 1_700_000_000_000;
const bytes = (s: string) => new TextEncoder().encode(s);

function topic(configs: Record<string, string> = {}): TopicInfo {
  return { name: "t", partitionCount: 1, replicationFactor: 1, configs, topicId: "6f1e0c3a-5b0a-4c7e-9d1e-2a3b4c5d6e7f" };
}

function check(records: RecordInput[], configs: Record<string, string> = {}, options: EncodeBatchOptions = {}) {
  return checkProducedBatch(encodeBatch(records, options), topic(configs), config, 11, NOW);
}

/** `batch` after `edit`, with its CRC made right again. */
function edited(batch: Uint8Array, edit: (view: DataView, batch: Uint8Array) => void): Uint8Array {
  const copy = batch.slice();
  const view = new DataView(copy.buffer);
  edit(view, copy);
  view.setUint32(17, computeBatchCrc(copy));
  return copy;
}

const checked = (batch: Uint8Array, configs: Record<string, string> = {}, apiVersion = 11) => checkProducedBatch(batch, topic(configs), config, apiVersion, NOW);
const refused = (errorCode: number) => ({ ok: false, errorCode, recordErrors: [] });
const keyed = (i: number, timestamp = NOW): RecordInput => ({ key: bytes(`k${i}`), value: bytes(`v${i}`), timestamp });

describe("checkProducedBatch: the batch", () => {
  test("accepts a valid batch in every codec", () => {
    for (const codec of CODECS) {
      const result = check([keyed(0), keyed(1), { key: null, value: null, timestamp: NOW - 5 }], {}, { codec });
      expect(result).toMatchObject({ ok: true, logAppendTime: false, header: { recordCount: 3, codec } });
    }
  });

  test("no whole batch, and more than one, are INVALID_RECORD; trailing bytes short of a batch are ignored", () => {
    const one = encodeBatch([keyed(0)]);
    expect(checkProducedBatch(null, topic(), config, 11, NOW)).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
    expect(checked(new Uint8Array(0))).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
    expect(checked(one.subarray(0, one.length - 1))).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
    expect(checked(new Uint8Array([...one, ...one]))).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
    const trailed = checked(new Uint8Array([...one, ...one.subarray(0, 30)]));
    expect(trailed).toMatchObject({ ok: true });
    if (trailed.ok) expect(trailed.batch).toEqual(one);
  });

  test("magic 0 or 1 is INVALID_RECORD, any other CORRUPT_MESSAGE", () => {
    const batch = encodeBatch([keyed(0)]);
    for (const magic of [0, 1]) expect(checked(edited(batch, (v) => v.setInt8(16, magic)))).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
    for (const magic of [3, -1]) expect(checked(edited(batch, (v) => v.setInt8(16, magic)))).toMatchObject(refused(ErrorCodes.CORRUPT_MESSAGE));
  });

  test("an unknown codec is UNKNOWN_SERVER_ERROR, zstd before Produce v7 UNSUPPORTED_COMPRESSION_TYPE", () => {
    const batch = encodeBatch([keyed(0)]);
    for (const codec of [5, 6, 7]) expect(checked(edited(batch, (v) => v.setInt16(21, codec)))).toMatchObject(refused(ErrorCodes.UNKNOWN_SERVER_ERROR));
    const zstd = encodeBatch([keyed(0)], { codec: "zstd" });
    expect(checked(zstd, {}, 6)).toMatchObject(refused(ErrorCodes.UNSUPPORTED_COMPRESSION_TYPE));
    expect(checked(zstd, {}, 7)).toMatchObject({ ok: true });
  });

  test("baseOffset other than 0 is INVALID_RECORD, before the size and the CRC", () => {
    const batch = encodeBatch([keyed(0)], { baseOffset: 5 });
    expect(checked(batch)).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
    batch[30]! ^= 1;
    expect(checked(batch, { "max.message.bytes": "10" })).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
  });

  test("max.message.bytes is MESSAGE_TOO_LARGE, before the CRC", () => {
    const batch = encodeBatch([keyed(0)]);
    expect(checked(batch, { "max.message.bytes": String(batch.length) })).toMatchObject({ ok: true });
    expect(checked(batch, { "max.message.bytes": String(batch.length - 1) })).toMatchObject(refused(ErrorCodes.MESSAGE_TOO_LARGE));
    batch[30]! ^= 1;
    expect(checked(batch, { "max.message.bytes": String(batch.length - 1) })).toMatchObject(refused(ErrorCodes.MESSAGE_TOO_LARGE));
  });

  test("a wrong CRC is CORRUPT_MESSAGE", () => {
    const batch = encodeBatch([keyed(0)]);
    batch[batch.length - 1]! ^= 0x10;
    expect(checked(batch)).toMatchObject(refused(ErrorCodes.CORRUPT_MESSAGE));
  });

  test("no records, counts that disagree, control batches and a producerId without a sequence are INVALID_RECORD", () => {
    expect(checked(encodeBatch([]))).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
    const batch = encodeBatch([keyed(0), keyed(1)]);
    expect(checked(edited(batch, (v) => v.setInt32(23, 0)))).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
    expect(checked(edited(batch, (v) => v.setInt32(57, 3)))).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
    expect(checked(edited(batch, (v) => v.setInt32(57, -1)))).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
    expect(check([keyed(0)], {}, { control: true })).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
    expect(check([keyed(0)], {}, { producerId: 7, producerEpoch: 0, baseSequence: -1 })).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
    expect(check([keyed(0)], {}, { producerId: 7, producerEpoch: 0, baseSequence: 0 })).toMatchObject({ ok: true });
  });
});

describe("checkProducedBatch: records that do not parse", () => {
  test("are INVALID_RECORD with decodeBatch's message, in every codec", () => {
    for (const codec of CODECS) {
      const area = encodeBatch([keyed(0), keyed(1)]).subarray(61).slice();
      area[0] = area[0]! + 2; // first record's length one more than its fields
      const batch = batchWith(area, 2, codec);
      const message = (() => {
        try {
          decodeBatch(batch);
        } catch (e) {
          return (e as Error).message;
        }
        throw new Error("decodeBatch accepted the batch");
      })();
      expect(checked(batch)).toEqual({ ok: false, errorCode: ErrorCodes.INVALID_RECORD, errorMessage: message, recordErrors: [] });
    }
  });

  test("a negative header count, a negative header key length, bytes left over", () => {
    // length 6, attributes, timestampDelta 0, offsetDelta 0, null key, null value, then the header count
    const negativeCount = Uint8Array.of(12, 0, 0, 0, 1, 1, 1);
    const negativeKey = Uint8Array.of(16, 0, 0, 0, 1, 1, 2, 1, 1);
    const valid = Uint8Array.of(12, 0, 0, 0, 1, 1, 0);
    for (const codec of CODECS) {
      expect(checked(batchWith(valid, 1, codec))).toMatchObject({ ok: true });
      expect(checked(batchWith(negativeCount, 1, codec))).toMatchObject({ ...refused(ErrorCodes.INVALID_RECORD), errorMessage: expect.stringContaining("header count -1") });
      expect(checked(batchWith(negativeKey, 1, codec))).toMatchObject({ ...refused(ErrorCodes.INVALID_RECORD), errorMessage: expect.stringContaining("header key length -1") });
      expect(checked(batchWith(Uint8Array.of(...valid, 0), 1, codec))).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
      expect(checked(batchWith(Uint8Array.of(...valid, ...valid), 1, codec))).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
      expect(checked(batchWith(valid, 2, codec))).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
    }
  });

  test("record attributes are not checked", () => {
    expect(checked(batchWith(Uint8Array.of(12, 0xff, 0, 0, 1, 1, 0), 1))).toMatchObject({ ok: true });
  });

  test("compressed records that do not decompress are UNKNOWN_SERVER_ERROR", () => {
    for (const codec of ["gzip", "snappy", "lz4", "zstd"] as const) {
      const batch = encodeBatch([keyed(0), keyed(1)], { codec });
      const garbled = edited(batch, (_, b) => b.fill(0x5a, 61, 61 + 8));
      expect(checked(garbled)).toMatchObject(refused(ErrorCodes.UNKNOWN_SERVER_ERROR));
    }
  });

  test("records that decompress to more than 64 MiB are refused like records that do not decompress", () => {
    const bomb = encodeBatch([{ key: bytes("k"), value: new Uint8Array(65 * 1024 * 1024) }], { codec: "zstd" });
    expect(checked(bomb)).toMatchObject(refused(ErrorCodes.UNKNOWN_SERVER_ERROR));
  });

  test("a malformed record answers before any record error", () => {
    const area = Uint8Array.of(12, 0, 0, 0, 1, 1, 0, 12, 0, 0, 2, 1, 1, 1);
    expect(checked(batchWith(area, 2), { "cleanup.policy": "compact" })).toMatchObject(refused(ErrorCodes.INVALID_RECORD));
  });
});

describe("checkProducedBatch: record errors", () => {
  test("a compacted topic refuses every keyless record, each named in recordErrors", () => {
    const records = [keyed(0), { key: null, value: bytes("v") }, keyed(2), { key: null, value: null }];
    for (const policy of ["compact", "delete,compact", "compact,delete"]) {
      const result = check(records, { "cleanup.policy": policy });
      expect(result).toMatchObject({ ok: false, errorCode: ErrorCodes.INVALID_RECORD });
      if (result.ok) continue;
      expect(result.recordErrors.map((e) => e.batchIndex)).toEqual([1, 3]);
      expect(result.recordErrors[0]!.batchIndexErrorMessage).toContain("no key");
      expect(result.errorMessage).toBe(`2 of 4 records rejected; record 1: ${result.recordErrors[0]!.batchIndexErrorMessage}; record 3: ${result.recordErrors[1]!.batchIndexErrorMessage}`);
    }
    expect(check(records, { "cleanup.policy": "delete" })).toMatchObject({ ok: true });
    expect(check([keyed(0), { key: new Uint8Array(0), value: null }], { "cleanup.policy": "compact" })).toMatchObject({ ok: true });
  });

  test("the summary shows three records and counts the rest", () => {
    const result = check(Array.from({ length: 6 }, () => ({ key: null, value: null })), { "cleanup.policy": "compact" });
    if (result.ok) throw new Error("accepted");
    expect(result.recordErrors).toHaveLength(6);
    expect(result.errorMessage).toStartWith("6 of 6 records rejected; record 0: ");
    expect(result.errorMessage).toEndWith("; record 2: no key, and topic t is compacted (cleanup.policy); 3 more");
  });

  test("every record outside the timestamp bounds is INVALID_TIMESTAMP, in every codec", () => {
    const configs = { "message.timestamp.before.max.ms": "1000", "message.timestamp.after.max.ms": "2000" };
    for (const codec of CODECS) {
      const result = check([keyed(0), keyed(1, NOW - 1000), keyed(2, NOW - 1001), keyed(3, NOW + 5000), keyed(4, NOW + 2000)], configs, { codec });
      expect(result).toMatchObject({ ok: false, errorCode: ErrorCodes.INVALID_TIMESTAMP });
      if (result.ok) continue;
      expect(result.recordErrors.map((e) => e.batchIndex)).toEqual([2, 3]);
      expect(result.recordErrors[0]!.batchIndexErrorMessage).toContain(`timestamp ${NOW - 1001} is outside [${NOW - 1000}, ${NOW + 2000}]`);
    }
  });

  test("a record without a timestamp (-1) is never out of range", () => {
    const configs = { "message.timestamp.before.max.ms": "0", "message.timestamp.after.max.ms": "0" };
    expect(check([{ ...keyed(0), timestamp: -1 }, { ...keyed(1), timestamp: -1 }], configs)).toMatchObject({ ok: true });
  });

  test("one error per record, the key's first; any timestamp error makes the batch INVALID_TIMESTAMP", () => {
    const configs = { "cleanup.policy": "compact", "message.timestamp.before.max.ms": "0" };
    const result = check([{ key: null, value: null, timestamp: NOW - 10 }, keyed(1, NOW - 10), keyed(2)], configs);
    expect(result).toMatchObject({ ok: false, errorCode: ErrorCodes.INVALID_TIMESTAMP });
    if (result.ok) return;
    expect(result.recordErrors.map((e) => [e.batchIndex, e.batchIndexErrorMessage!.slice(0, 9)])).toEqual([
      [0, "no key, a"],
      [1, "timestamp"],
    ]);
  });

  test("a LogAppendTime topic does not check timestamps", () => {
    const configs = { "message.timestamp.type": "LogAppendTime", "message.timestamp.before.max.ms": "0", "message.timestamp.after.max.ms": "0" };
    expect(check([keyed(0, 5), keyed(1, NOW * 2)], configs)).toMatchObject({ ok: true, logAppendTime: true });
  });

  test("a batch claiming LogAppendTime: checked at its maxTimestamp on a CreateTime topic, refused where that cannot be", () => {
    const bounds = { "message.timestamp.before.max.ms": "0", "message.timestamp.after.max.ms": "0" };
    const late = check([keyed(0, NOW - 7), keyed(1, NOW + 3)], bounds, { timestampType: "LogAppendTime" });
    expect(late).toMatchObject({ ok: false, errorCode: ErrorCodes.INVALID_TIMESTAMP });
    if (!late.ok) expect(late.recordErrors.map((e) => e.batchIndexErrorMessage)).toEqual([0, 1].map(() => expect.stringContaining(`timestamp ${NOW + 3} is outside`)));
    const onTime = check([keyed(0, NOW - 7), keyed(1, NOW)], bounds, { timestampType: "LogAppendTime" });
    expect(onTime).toMatchObject({ ok: true, header: { timestampType: "CreateTime", maxTimestamp: NOW } });
    const onLogAppendTimeTopic = check([keyed(0), keyed(1)], { "message.timestamp.type": "LogAppendTime" }, { timestampType: "LogAppendTime" });
    expect(onLogAppendTimeTopic).toMatchObject({ ok: false, errorCode: ErrorCodes.INVALID_TIMESTAMP });
    if (!onLogAppendTimeTopic.ok) expect(onLogAppendTimeTopic.recordErrors.map((e) => e.batchIndex)).toEqual([0, 1]);
    const noTimestamp = check([{ ...keyed(0), timestamp: -1 }], {}, { timestampType: "LogAppendTime" });
    expect(noTimestamp).toMatchObject({ ok: false, errorCode: ErrorCodes.INVALID_TIMESTAMP, recordErrors: [{ batchIndex: 0 }] });
  });
});

describe("checkProducedBatch: what Kafka repairs", () => {
  test("offsetDeltas other than 0..n-1 are re-assigned, in every codec", () => {
    for (const codec of CODECS) {
      const records = [
        { key: bytes("k0"), value: bytes("v0"), timestamp: NOW, headers: [] },
        { key: null, value: bytes("v1"), timestamp: NOW - 3, offsetDelta: 7, headers: [{ key: "h", value: bytes("x") }] },
        { key: bytes("k2"), value: null, timestamp: NOW, offsetDelta: 2, headers: [] },
      ];
      const batch = encodeBatch(records, { codec, producerId: 9, producerEpoch: 1, baseSequence: 4, transactional: true });
      const result = checked(edited(batch, (v) => v.setInt32(23, 2)));
      expect(result).toMatchObject({ ok: true, header: { codec, recordCount: 3, lastOffsetDelta: 2, producerId: 9, producerEpoch: 1, baseSequence: 4, isTransactional: true, maxTimestamp: NOW } });
      if (!result.ok) continue;
      verifyBatchCrc(result.batch);
      const { records: decoded } = decodeBatch(result.batch);
      expect(decoded.map((r) => r.offsetDelta)).toEqual([0, 1, 2]);
      expect(decoded.map((r) => [r.key, r.value, r.timestamp, r.headers])).toEqual(records.map((r) => [r.key, r.value, r.timestamp, r.headers]));
    }
  });

  test("a re-encoded batch larger than max.message.bytes is MESSAGE_TOO_LARGE", () => {
    // record 64's offsetDelta 0 takes one byte; 64 takes two
    const records = Array.from({ length: 65 }, (_, i) => ({ ...keyed(i), offsetDelta: i === 64 ? 0 : i }));
    const batch = edited(encodeBatch(records), (v) => v.setInt32(23, 64));
    expect(checked(batch, { "max.message.bytes": String(batch.length + 1) })).toMatchObject({ ok: true });
    expect(checked(batch, { "max.message.bytes": String(batch.length) })).toMatchObject(refused(ErrorCodes.MESSAGE_TOO_LARGE));
  });

  test("a CreateTime topic's batch gets its records' largest timestamp as maxTimestamp", () => {
    const batch = edited(encodeBatch([keyed(0, NOW - 5), keyed(1, NOW - 9)]), (v) => v.setBigInt64(35, BigInt(NOW + 1000)));
    const result = checked(batch);
    expect(result).toMatchObject({ ok: true, header: { maxTimestamp: NOW - 5 } });
    if (result.ok) verifyBatchCrc(result.batch);
    expect(readBatchHeader(batch).maxTimestamp).toBe(NOW - 5);
    const logAppendTimeTopic = edited(encodeBatch([keyed(0, NOW - 5)]), (v) => v.setBigInt64(35, BigInt(NOW + 1000)));
    expect(checked(logAppendTimeTopic, { "message.timestamp.type": "LogAppendTime" })).toMatchObject({ ok: true, header: { maxTimestamp: NOW + 1000 } });
  });
});
