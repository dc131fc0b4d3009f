// Builds record batch v2 bytes for storage tests: a well-formed 61-byte header (CRC-32C included)
// followed by `recordCount` uncompressed records (encoded here, independently of src/protocol) whose
// values carry the payload text. Engines that keep records as rows (PostgreSQL) decode them.

import type { AppendBatch, BatchMeta } from "../../src/storage/engine.ts";

export const HEADER_SIZE = 61;

export interface TestBatchOptions {
  recordCount?: number;
  baseTimestamp?: number;
  maxTimestamp?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  /** Transactional batches: the transaction's verificationGuard. */
  verificationGuard?: number;
  /** Text in the records' values so tests can tell batches apart. */
  payload?: string;
  /** Bytes placed after the header instead of records (engines must store them all the same). */
  rawPayload?: Uint8Array;
}

export function testBatch(options: TestBatchOptions = {}): AppendBatch {
  const meta: BatchMeta = {
    recordCount: options.recordCount ?? 1,
    baseTimestamp: options.baseTimestamp ?? 1_700_000_000_000,
    maxTimestamp: options.maxTimestamp ?? options.baseTimestamp ?? 1_700_000_000_000,
    producerId: options.producerId ?? -1,
    producerEpoch: options.producerEpoch ?? -1,
    baseSequence: options.baseSequence ?? -1,
    isTransactional: options.isTransactional ?? false,
    isControl: options.isControl ?? false,
    ...(options.verificationGuard === undefined ? {} : { verificationGuard: options.verificationGuard }),
  };
  const payload = options.rawPayload ?? encodeRecords(meta, new TextEncoder().encode(options.payload ?? "payload"));
  const bytes = new Uint8Array(HEADER_SIZE + payload.byteLength);
  const view = new DataView(bytes.buffer);
  view.setBigInt64(0, 0n);
  view.setInt32(8, bytes.byteLength - 12);
  view.setInt32(12, -1);
  view.setInt8(16, 2);
  view.setInt16(21, (meta.isTransactional ? 0x10 : 0) | (meta.isControl ? 0x20 : 0));
  view.setInt32(23, meta.recordCount - 1);
  view.setBigInt64(27, BigInt(meta.baseTimestamp));
  view.setBigInt64(35, BigInt(meta.maxTimestamp));
  view.setBigInt64(43, BigInt(meta.producerId));
  view.setInt16(51, meta.producerEpoch);
  view.setInt32(53, meta.baseSequence);
  view.setInt32(57, meta.recordCount);
  bytes.set(payload, HEADER_SIZE);
  view.setUint32(17, crc32c(bytes.subarray(21)));
  return { bytes, meta };
}

/** Records with offsetDelta i; the last one carries maxTimestamp, the others baseTimestamp. */
function encodeRecords(meta: BatchMeta, value: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < meta.recordCount; i++) {
    const timestampDelta = i === meta.recordCount - 1 ? meta.maxTimestamp - meta.baseTimestamp : 0;
    const body = [0, ...zigzag(timestampDelta), ...zigzag(i), ...zigzag(-1), ...zigzag(value.length), ...value, ...zigzag(0)];
    out.push(...zigzag(body.length), ...body);
  }
  return new Uint8Array(out);
}

/** A zigzag varint (records' encoding), minimal. */
export function zigzag(n: number): number[] {
  let v = n >= 0 ? BigInt(n) * 2n : BigInt(-n) * 2n - 1n;
  const bytes: number[] = [];
  while (v >= 0x80n) {
    bytes.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  bytes.push(Number(v));
  return bytes;
}

export function baseOffsetOf(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(0));
}

/** The bytes a stored batch must have: the original with only baseOffset changed. */
export function expectedStored(original: Uint8Array, baseOffset: number): Uint8Array {
  const copy = original.slice();
  new DataView(copy.buffer).setBigInt64(0, BigInt(baseOffset));
  return copy;
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC32C_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
