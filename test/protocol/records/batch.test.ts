import { describe, expect, test } from "bun:test";
import {
  CODECS,
  computeBatchCrc,
  decodeBatch,
  encodeBatch,
  readBatchHeader,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  validateBatch,
  type RecordInput,
} from "../../../src/protocol/records/index.ts";
import { bytes, expectDecodeError, jsonValues, pseudoRandomBytes } from "./helpers.ts";

const T0 = 1_700_000_000_000;

const varied: RecordInput[] = [
  { key: bytes("k0"), value: bytes("plain"), timestamp: T0 },
  { key: null, value: bytes("null key"), timestamp: T0 + 5 },
  { key: bytes("k2"), value: null, timestamp: T0 - 1000 }, // tombstone, earlier than the first
  { key: new Uint8Array(0), value: new Uint8Array(0), timestamp: T0 - 1 }, // empty, not null
  {
    key: bytes("k4"),
    value: bytes("with headers"),
    headers: [
      { key: "trace-id", value: bytes("abc") },
      { key: "nothing", value: null },
      { key: "ünïcödé ✓", value: new Uint8Array(0) },
    ],
    timestamp: T0 + 2_000_000,
  },
  { key: bytes("big"), value: pseudoRandomBytes(300_000, 3), timestamp: T0 },
  ...jsonValues(20).map((value, i) => ({ key: bytes(`user-${i}`), value, timestamp: T0 + i })),
];

function expectRecordsMatch(batch: Uint8Array, inputs: readonly RecordInput[], baseOffset: number): void {
  const { records } = decodeBatch(batch);
  expect(records.length).toBe(inputs.length);
  inputs.forEach((input, i) => {
    const r = records[i]!;
    expect(r.offset).toBe(baseOffset + i);
    expect(r.offsetDelta).toBe(i);
    expect(r.timestamp).toBe(input.timestamp!);
    expect(r.key).toEqual(input.key ?? null);
    expect(r.value).toEqual(input.value);
    expect(r.headers).toEqual(input.headers ? [...input.headers] : []);
  });
}

describe.each(CODECS)("batch with codec %s", (codec) => {
  test("round trips varied records", () => {
    const batch = encodeBatch(varied, { codec, baseOffset: 1000 });
    const header = validateBatch(batch);
    expect(header.codec).toBe(codec);
    expect(header.recordCount).toBe(varied.length);
    expect(header.lastOffsetDelta).toBe(varied.length - 1);
    expect(header.baseTimestamp).toBe(T0);
    expect(header.maxTimestamp).toBe(T0 + 2_000_000);
    expectRecordsMatch(batch, varied, 1000);
    expect(decodeBatch(batch).records[2]!.timestampDelta).toBe(-1000);
  });

  test("setBaseOffset and setPartitionLeaderEpoch touch only their bytes, outside the CRC", () => {
    const batch = encodeBatch(varied.slice(0, 8), { codec });
    const before = batch.slice();
    setBaseOffset(batch, 2 ** 40 + 7);
    setPartitionLeaderEpoch(batch, 42);
    expect(batch.subarray(8, 12)).toEqual(before.subarray(8, 12));
    expect(batch.subarray(16)).toEqual(before.subarray(16)); // magic, CRC and everything it covers
    const header = validateBatch(batch);
    expect(header.baseOffset).toBe(2 ** 40 + 7);
    expect(header.partitionLeaderEpoch).toBe(42);
    expect(header.crc).toBe(readBatchHeader(before).crc);
    expectRecordsMatch(batch, varied.slice(0, 8), 2 ** 40 + 7);
  });

  test("setLogAppendTime restamps every record and keeps the batch valid", () => {
    const batch = encodeBatch(varied.slice(0, 5), { codec });
    setLogAppendTime(batch, T0 + 99);
    const { header, records } = decodeBatch(batch);
    expect(header.timestampType).toBe("LogAppendTime");
    expect(header.maxTimestamp).toBe(T0 + 99);
    for (const r of records) expect(r.timestamp).toBe(T0 + 99);
    validateBatch(batch);
  });

  test("maxDecompressedBytes caps decoding", () => {
    const batch = encodeBatch([{ value: new Uint8Array(200_000) }], { codec });
    if (codec === "none") expect(decodeBatch(batch, { maxDecompressedBytes: 1000 }).records.length).toBe(1);
    else expectDecodeError(() => decodeBatch(batch, { maxDecompressedBytes: 100_000 }), "bad-compression");
  });
});

describe("batch header", () => {
  test("carries every option", () => {
    const batch = encodeBatch([{ value: bytes("v"), timestamp: T0 }], {
      baseOffset: 2 ** 45,
      partitionLeaderEpoch: 9,
      producerId: 123_456_789_012,
      producerEpoch: 3,
      baseSequence: 77,
      transactional: true,
      timestampType: "LogAppendTime",
    });
    const h = validateBatch(batch);
    expect(h).toMatchObject({
      baseOffset: 2 ** 45,
      batchLength: batch.length - 12,
      partitionLeaderEpoch: 9,
      magic: 2,
      crc: computeBatchCrc(batch),
      lastOffsetDelta: 0,
      baseTimestamp: T0,
      maxTimestamp: T0,
      producerId: 123_456_789_012,
      producerEpoch: 3,
      baseSequence: 77,
      recordCount: 1,
      codec: "none",
      timestampType: "LogAppendTime",
      isTransactional: true,
      isControl: false,
    });
    expect(h.attributes).toBe(0x08 | 0x10);
  });

  test("defaults: not idempotent, no leader epoch, CreateTime", () => {
    const h = validateBatch(encodeBatch([{ value: null }]));
    expect([h.producerId, h.producerEpoch, h.baseSequence, h.partitionLeaderEpoch]).toEqual([-1, -1, -1, -1]);
    expect(h.timestampType).toBe("CreateTime");
    expect(h.isControl).toBe(false);
  });

  test("a control batch is flagged", () => {
    expect(readBatchHeader(encodeBatch([{ key: Uint8Array.of(0, 0, 0, 0), value: Uint8Array.of(0, 0, 0, 0, 0, 0) }], { control: true })).isControl).toBe(true);
  });

  test("an empty batch decodes, but a producer may not send one", () => {
    const batch = encodeBatch([]);
    const h = readBatchHeader(batch);
    expect([h.recordCount, h.lastOffsetDelta, h.baseTimestamp, h.maxTimestamp]).toEqual([0, -1, -1, -1]);
    expect(decodeBatch(batch).records).toEqual([]);
    expectDecodeError(() => validateBatch(batch), "bad-value");
  });

  test("explicit offset deltas (a compacted batch) decode with their gaps", () => {
    const batch = encodeBatch(
      [
        { value: bytes("a"), offsetDelta: 0 },
        { value: bytes("b"), offsetDelta: 5 },
      ],
      { baseOffset: 10 },
    );
    expect(decodeBatch(batch).records.map((r) => r.offset)).toEqual([10, 15]);
    expectDecodeError(() => validateBatch(batch), "bad-value"); // a producer's offsets are contiguous
  });

  test("uncompressed keys and values are views into the batch", () => {
    const batch = encodeBatch([{ key: bytes("key"), value: bytes("value") }]);
    const [r] = decodeBatch(batch).records;
    expect(r!.value!.buffer).toBe(batch.buffer);
    expect(r!.key!.byteOffset).toBeGreaterThan(batch.byteOffset + 61);
  });

  test("an int64 beyond 2^53 is a bad-value", () => {
    const batch = encodeBatch([{ value: null }]);
    new DataView(batch.buffer, batch.byteOffset).setBigInt64(43, 2n ** 60n);
    expectDecodeError(() => readBatchHeader(batch), "bad-value");
  });
});
