import { EncodeError } from "../primitives.ts";
import { ATTRIBUTES_AT, BASE_OFFSET_AT, CRC_AT, MAX_TIMESTAMP_AT, PARTITION_LEADER_EPOCH_AT } from "./header.ts";
import { LOG_APPEND_TIME_FLAG } from "./attributes.ts";
import { computeBatchCrc } from "./crc.ts";

// In-place rewrites of a batch the broker is appending. baseOffset and partitionLeaderEpoch lie
// before the CRC's range (21..end), so a stored compressed batch needs no re-encoding.

function viewOf(batch: Uint8Array): DataView {
  return new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
}

/** Writes a safe-integer number as a big-endian int64. */
export function setInt64(view: DataView, at: number, v: number): void {
  const hi = Math.floor(v / 0x1_0000_0000);
  view.setInt32(at, hi);
  view.setUint32(at + 4, v - hi * 0x1_0000_0000);
}

export function setBaseOffset(batch: Uint8Array, baseOffset: number): void {
  if (!Number.isSafeInteger(baseOffset) || baseOffset < 0) throw new EncodeError(`bad baseOffset ${baseOffset}`);
  setInt64(viewOf(batch), BASE_OFFSET_AT, baseOffset);
}

export function setPartitionLeaderEpoch(batch: Uint8Array, partitionLeaderEpoch: number): void {
  viewOf(batch).setInt32(PARTITION_LEADER_EPOCH_AT, partitionLeaderEpoch);
}

/**
 * Stamps the batch with the broker's append time (topic config message.timestamp.type =
 * LogAppendTime): sets the attribute bit and maxTimestamp, which are inside the CRC, so the CRC
 * is recomputed. The records are untouched; readers take every record's timestamp from maxTimestamp.
 */
export function setLogAppendTime(batch: Uint8Array, timestamp: number): void {
  if (!Number.isSafeInteger(timestamp)) throw new EncodeError(`bad timestamp ${timestamp}`);
  const view = viewOf(batch);
  view.setInt16(ATTRIBUTES_AT, view.getInt16(ATTRIBUTES_AT) | LOG_APPEND_TIME_FLAG);
  setInt64(view, MAX_TIMESTAMP_AT, timestamp);
  view.setUint32(CRC_AT, computeBatchCrc(batch));
}
