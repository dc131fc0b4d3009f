// Valid record batches and damaged ones, for property tests of Produce's validator: the damage is
// inside the records (of the uncompressed records area, recompressed afterwards), in the
// recordCount, or in the compressed bytes themselves, and the CRC is always made to match.

import { type Codec, computeBatchCrc, encodeBatch, type RecordInput, type TimestampType } from "../../../src/protocol/records/index.ts";
import { batchWith, type Prng } from "./helpers.ts";

/** The first record's timestamp: batchWith's header has it as baseTimestamp. */
export const T0 = 1_700_000_000_000;

/** One to six records with keys, values and headers, some of them null. */
export function randomRecords(rng: Prng): RecordInput[] {
  return Array.from({ length: rng.int(1, 6) }, (_, i) => ({
    key: rng.int(0, 4) === 0 ? null : rng.bytes(12),
    value: rng.int(0, 5) === 0 ? null : rng.bytes(40),
    headers: Array.from({ length: rng.int(0, 3) }, () => ({ key: rng.text(6), value: rng.int(0, 3) === 0 ? null : rng.bytes(8) })),
    timestamp: i === 0 ? T0 : T0 + rng.int(-5_000, 5_000),
  }));
}

/** Flips bits of, or sets bytes in, a copy of an uncompressed records area. */
function mutate(area: Uint8Array, rng: Prng): Uint8Array {
  const bad = area.slice();
  for (let n = rng.int(1, 3); n > 0; n--) {
    const at = rng.int(0, bad.length - 1);
    if (rng.int(0, 1) === 0) bad[at]! ^= 1 << rng.int(0, 7);
    else bad[at] = rng.pick([0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff, rng.int(0, 255)]);
  }
  return bad;
}

export interface DamagedBatch {
  batch: Uint8Array;
  /** The recordCount its header claims. */
  recordCount: number;
}

/**
 * Valid records of `codec`, then damaged: mostly bits or bytes of the records, sometimes the
 * recordCount off by one or (compressed codecs) a bit of the compressed bytes. `timestampType`
 * is the batch's (a producer's batches are CreateTime).
 */
export function damagedBatch(rng: Prng, codec: Codec, timestampType: TimestampType = "CreateTime"): DamagedBatch {
  const records = randomRecords(rng);
  const area = encodeBatch(records).subarray(61);
  const recordCount = rng.int(0, 9) === 0 ? records.length + rng.pick([-1, 1]) : records.length;
  if (codec === "none" || rng.int(0, 9) !== 0) return { batch: batchWith(mutate(area, rng), recordCount, codec, timestampType), recordCount };
  const batch = batchWith(area, recordCount, codec, timestampType);
  batch[rng.int(61, batch.length - 1)]! ^= 1 << rng.int(0, 7);
  new DataView(batch.buffer).setUint32(17, computeBatchCrc(batch));
  return { batch, recordCount };
}
