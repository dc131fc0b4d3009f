// The checks Kafka makes on a produced batch before it is stored (Kafka's LogValidator facts):
// exactly one batch per partition (magic 2, v3+), a valid CRC, lastOffsetDelta + 1 == recordCount,
// records that decode, no control batches from clients, zstd only with Produce v7+, the topic's
// max.message.bytes and timestamp bounds. Records are scanned, not built: only schema validation
// (schema.ts) needs them decoded.

import type { BrokerConfig } from "../../config.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { DecodeError } from "../../protocol/primitives.ts";
import { type BatchHeader, type RecordsScan, scanRecords, splitBatches, validateBatch } from "../../protocol/records/index.ts";
import type { TopicInfo } from "../../storage/engine.ts";
import { topicConfigValue } from "../../topics/configs.ts";

export type BatchCheck = { ok: true; batch: Uint8Array; header: BatchHeader; logAppendTime: boolean } | { ok: false; errorCode: number; errorMessage: string };

const fail = (errorCode: number, errorMessage: string): BatchCheck => ({ ok: false, errorCode, errorMessage });

export function checkProducedBatch(records: Uint8Array | null, topic: TopicInfo, config: BrokerConfig, apiVersion: number, now: number): BatchCheck {
  if (records === null || records.length === 0) return fail(ErrorCodes.INVALID_RECORD, "no record batch");
  let header: BatchHeader;
  let batch: Uint8Array;
  try {
    const { batches, partial } = splitBatches(records);
    if (partial.length > 0) return fail(ErrorCodes.CORRUPT_MESSAGE, `${partial.length} trailing bytes are not a whole batch`);
    if (batches.length !== 1) return fail(ErrorCodes.INVALID_RECORD, `a Produce request carries exactly one batch per partition, not ${batches.length}`);
    batch = batches[0]!;
    header = validateBatch(batch);
  } catch (e) {
    if (e instanceof DecodeError) return fail(ErrorCodes.CORRUPT_MESSAGE, e.message);
    throw e;
  }
  if (header.isControl) return fail(ErrorCodes.INVALID_RECORD, "clients may not produce control batches");
  if (header.codec === "zstd" && apiVersion < 7) return fail(ErrorCodes.UNSUPPORTED_COMPRESSION_TYPE, "zstd needs Produce v7 or later");
  const maxMessageBytes = Number(topicConfigValue(config, topic, "max.message.bytes"));
  if (batch.length > maxMessageBytes) return fail(ErrorCodes.MESSAGE_TOO_LARGE, `batch of ${batch.length} bytes exceeds max.message.bytes ${maxMessageBytes}`);

  const logAppendTime = topicConfigValue(config, topic, "message.timestamp.type") === "LogAppendTime";
  const timestampBounds = logAppendTime
    ? undefined
    : { now, beforeMaxMs: Number(topicConfigValue(config, topic, "message.timestamp.before.max.ms")), afterMaxMs: Number(topicConfigValue(config, topic, "message.timestamp.after.max.ms")) };
  let scan: RecordsScan;
  try {
    scan = scanRecords(batch, header, { timestampBounds });
  } catch (e) {
    if (e instanceof DecodeError) return fail(ErrorCodes.CORRUPT_MESSAGE, e.message);
    throw e;
  }
  if (scan.offsetDeltaMismatchAt >= 0) return fail(ErrorCodes.INVALID_RECORD, `record ${scan.offsetDeltaMismatchAt} has offsetDelta ${scan.mismatchedOffsetDelta}`);
  const compacted = topicConfigValue(config, topic, "cleanup.policy").split(",").includes("compact");
  if (compacted && scan.hasNullKey) return fail(ErrorCodes.INVALID_RECORD, "records of a compacted topic need a key");
  if (scan.timestampOutOfRangeAt >= 0) {
    return fail(ErrorCodes.INVALID_TIMESTAMP, `timestamp ${scan.outOfRangeTimestamp} of offset delta ${scan.outOfRangeOffsetDelta} is outside the topic's allowed range`);
  }
  return { ok: true, batch, header, logAppendTime };
}
