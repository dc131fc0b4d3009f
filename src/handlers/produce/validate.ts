// The checks Kafka 3.9 makes on a produced batch before it is stored, in Kafka's order and with the
// error code Kafka answers for each (ProduceRequest.validateRecords, UnifiedLog
// .analyzeAndValidateRecords, LogValidator, DefaultRecordBatch/DefaultRecord reading, and the
// exception → code mapping of ReplicaManager.appendToLocalLog):
// - no whole batch, more than one, or magic 0/1 → INVALID_RECORD; any other magic → CORRUPT_MESSAGE.
//   Trailing bytes too few for a batch are ignored, as Kafka trims them.
// - an unknown codec → UNKNOWN_SERVER_ERROR (Kafka fails on it with an unmapped exception); zstd
//   before Produce v7 → UNSUPPORTED_COMPRESSION_TYPE.
// - baseOffset not 0 → INVALID_RECORD; larger than max.message.bytes → MESSAGE_TOO_LARGE; a wrong
//   CRC → CORRUPT_MESSAGE.
// - recordCount < 1, lastOffsetDelta + 1 != recordCount, a control batch, a producerId with a
//   negative baseSequence → INVALID_RECORD.
// - a record that does not parse (lengths, varints, header count, bytes left over or missing)
//   → INVALID_RECORD; compressed records that do not decompress → UNKNOWN_SERVER_ERROR.
// - records that break a rule (no key on a compacted topic; a CreateTime timestamp out of range;
//   a batch claiming LogAppendTime) → all of them reported in recordErrors with a summary in
//   errorMessage (Produce v8+); INVALID_TIMESTAMP if any is a timestamp fault, else INVALID_RECORD.
// Kafka repairs rather than refuses two things: records whose offsetDeltas are not 0..n-1 are
// re-encoded (Kafka does so for compressed batches; here for every codec, because engines key
// records by offset), and a CreateTime topic's batch gets the records' largest timestamp as
// maxTimestamp, and CreateTime as its type.
// Stricter than Kafka, all INVALID_RECORD: what Kafka would store though readers misread it
// (lengths below -1, which Kafka reads as null; varints with bits beyond 32 or 64, which it drops;
// a compressed record whose length disagrees with its fields, which its in-place path never
// compares) and what this broker cannot represent (varlongs and int64 header fields beyond 2^53).
// Records that decompress to more than 64 MiB are refused like records that do not decompress.
// Records are scanned, not built: only schema validation (schema.ts) and the rare re-encoding
// decode them.

import type { BrokerConfig } from "../../config.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import type { ProduceResponseBatchIndexAndErrorMessage } from "../../protocol/generated/produce.ts";
import { DecodeError } from "../../protocol/primitives.ts";
import {
  assignOffsetDeltas,
  type BatchHeader,
  readBatchHeader,
  type RecordsScan,
  scanRecords,
  setMaxTimestamp,
  splitBatches,
  type TimestampRules,
  validateBatch,
} from "../../protocol/records/index.ts";
import { MAGIC_AT } from "../../protocol/records/header.ts";
import type { TopicInfo } from "../../storage/engine.ts";
import { topicConfigValue } from "../../topics/configs.ts";
import { recordErrors, summarize } from "./record-errors.ts";

export type BatchCheck =
  | { ok: true; batch: Uint8Array; header: BatchHeader; logAppendTime: boolean }
  | { ok: false; errorCode: number; errorMessage: string; recordErrors: ProduceResponseBatchIndexAndErrorMessage[] };

const fail = (errorCode: number, errorMessage: string): BatchCheck => ({ ok: false, errorCode, errorMessage, recordErrors: [] });

function decodeFailure(e: unknown, codeFor: (e: DecodeError) => number): BatchCheck {
  if (e instanceof DecodeError) return fail(codeFor(e), e.message);
  throw e;
}

export function checkProducedBatch(records: Uint8Array | null, topic: TopicInfo, config: BrokerConfig, apiVersion: number, now: number): BatchCheck {
  if (records === null) return fail(ErrorCodes.INVALID_RECORD, "no record batch");
  let batches: Uint8Array[];
  try {
    batches = splitBatches(records).batches;
  } catch (e) {
    return decodeFailure(e, () => ErrorCodes.CORRUPT_MESSAGE);
  }
  if (batches.length !== 1) return fail(ErrorCodes.INVALID_RECORD, `a Produce request carries exactly one whole batch per partition, not ${batches.length}`);
  let batch = batches[0]!;
  const magic = (batch[MAGIC_AT]! << 24) >> 24;
  if (magic !== 2) return fail(magic === 0 || magic === 1 ? ErrorCodes.INVALID_RECORD : ErrorCodes.CORRUPT_MESSAGE, `record batch magic ${magic}; Produce v3+ carries magic 2`);
  let header: BatchHeader;
  try {
    header = readBatchHeader(batch);
  } catch (e) {
    return decodeFailure(e, (d) => (d.code === "unknown-codec" ? ErrorCodes.UNKNOWN_SERVER_ERROR : ErrorCodes.INVALID_RECORD));
  }
  if (header.codec === "zstd" && apiVersion < 7) return fail(ErrorCodes.UNSUPPORTED_COMPRESSION_TYPE, "zstd needs Produce v7 or later");
  if (header.baseOffset !== 0) return fail(ErrorCodes.INVALID_RECORD, `baseOffset ${header.baseOffset}; a producer's batch starts at 0`);
  const maxMessageBytes = Number(topicConfigValue(config, topic, "max.message.bytes"));
  const tooLarge = (b: Uint8Array) => fail(ErrorCodes.MESSAGE_TOO_LARGE, `batch of ${b.length} bytes exceeds max.message.bytes ${maxMessageBytes}`);
  if (batch.length > maxMessageBytes) return tooLarge(batch);
  try {
    validateBatch(batch, header);
  } catch (e) {
    return decodeFailure(e, (d) => (d.code === "crc-mismatch" ? ErrorCodes.CORRUPT_MESSAGE : ErrorCodes.INVALID_RECORD));
  }
  if (header.isControl) return fail(ErrorCodes.INVALID_RECORD, "clients may not produce control batches");
  if (header.producerId >= 0 && header.baseSequence < 0) return fail(ErrorCodes.INVALID_RECORD, `baseSequence ${header.baseSequence} with producerId ${header.producerId}`);

  const topicType = topicConfigValue(config, topic, "message.timestamp.type") === "LogAppendTime" ? "LogAppendTime" : "CreateTime";
  const timestampRules: TimestampRules = {
    topicType,
    now,
    beforeMaxMs: Number(topicConfigValue(config, topic, "message.timestamp.before.max.ms")),
    afterMaxMs: Number(topicConfigValue(config, topic, "message.timestamp.after.max.ms")),
  };
  const keyRequired = topicConfigValue(config, topic, "cleanup.policy").split(",").includes("compact");
  let scan: RecordsScan;
  try {
    scan = scanRecords(batch, header, { keyRequired, timestampRules });
  } catch (e) {
    return decodeFailure(e, (d) => (d.code === "bad-compression" ? ErrorCodes.UNKNOWN_SERVER_ERROR : ErrorCodes.INVALID_RECORD));
  }
  if (scan.faults.length > 0) {
    const errors = recordErrors(scan.faults, topic.name, timestampRules);
    const timestampFault = scan.faults.some((f) => f.kind !== "no-key");
    return { ok: false, errorCode: timestampFault ? ErrorCodes.INVALID_TIMESTAMP : ErrorCodes.INVALID_RECORD, errorMessage: summarize(errors, header.recordCount), recordErrors: errors };
  }
  if (!scan.offsetDeltasInOrder) {
    batch = assignOffsetDeltas(batch, header);
    if (batch.length > maxMessageBytes) return tooLarge(batch);
    header = readBatchHeader(batch);
  } else if (topicType === "CreateTime" && (header.timestampType !== "CreateTime" || header.maxTimestamp !== scan.maxTimestamp)) {
    setMaxTimestamp(batch, "CreateTime", scan.maxTimestamp);
    header = readBatchHeader(batch);
  }
  return { ok: true, batch, header, logAppendTime: topicType === "LogAppendTime" };
}
