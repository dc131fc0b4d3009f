import { EncodeError } from "../primitives.ts";
import { ATTRIBUTES_AT, BASE_OFFSET_AT, CRC_AT, MAX_TIMESTAMP_AT, PARTITION_LEADER_EPOCH_AT } from "./header.ts";
import { CODEC_MASK, CONTROL_FLAG, DELETE_HORIZON_FLAG, LOG_APPEND_TIME_FLAG, TRANSACTIONAL_FLAG, type TimestampType } from "./attributes.ts";
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
 * Sets the batch's timestamp type and maxTimestamp as Kafka does on append
 * (DefaultRecordBatch.setMaxTimestamp): the attributes are recomposed from the codec, the
 * timestamp type and the transactional, control and delete-horizon flags, so any other bit a
 * producer set is cleared. Both fields are inside the CRC, so the CRC is recomputed.
 */
export function setMaxTimestamp(batch: Uint8Array, timestampType: TimestampType, maxTimestamp: number): void {
  if (!Number.isSafeInteger(maxTimestamp)) throw new EncodeError(`bad timestamp ${maxTimestamp}`);
  const view = viewOf(batch);
  const kept = view.getInt16(ATTRIBUTES_AT) & (CODEC_MASK | TRANSACTIONAL_FLAG | CONTROL_FLAG | DELETE_HORIZON_FLAG);
  view.setInt16(ATTRIBUTES_AT, timestampType === "LogAppendTime" ? kept | LOG_APPEND_TIME_FLAG : kept);
  setInt64(view, MAX_TIMESTAMP_AT, maxTimestamp);
  view.setUint32(CRC_AT, computeBatchCrc(batch));
}

/**
 * Stamps the batch with the broker's append time (topic config message.timestamp.type =
 * LogAppendTime). The records are untouched; readers take every record's timestamp from maxTimestamp.
 */
export function setLogAppendTime(batch: Uint8Array, timestamp: number): void {
  setMaxTimestamp(batch, "LogAppendTime", timestamp);
}
