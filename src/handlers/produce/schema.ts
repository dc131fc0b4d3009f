// Broker-side schema validation of a produced batch: with a schema registry configured and the
// topic's tansu.schema.validation not false, every record's key and value must fit the topic's
// schema, or the whole batch is refused (nothing of it is stored) with INVALID_RECORD, one
// record_errors entry per invalid record and a summary in error_message (both Produce v8+).
//
// A schema file that does not parse also answers INVALID_RECORD, with the file and the parser's
// message: the broker cannot show the records valid, so it must not store them, and the error is
// not retriable — retrying cannot help until an operator fixes the file, and a producer that
// retried blindly would only delay the message reaching its user. A registry that cannot be
// reached (S3 down) with no schema cached yet is transient, so it answers the retriable
// KAFKA_STORAGE_ERROR.

import type { Broker } from "../../broker.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import type { ProduceResponseBatchIndexAndErrorMessage } from "../../protocol/generated/produce.ts";
import { decodeBatch } from "../../protocol/records/index.ts";
import { checkRecord } from "../../schema/types.ts";
import type { TopicInfo } from "../../storage/engine.ts";
import { topicConfigValue } from "../../topics/configs.ts";

export interface SchemaRejection {
  errorCode: number;
  errorMessage: string;
  recordErrors: ProduceResponseBatchIndexAndErrorMessage[];
}

/** `batch` has passed checkProducedBatch; its records are decoded only when the topic has a schema. */
export async function checkSchema(broker: Broker, topic: TopicInfo, batch: Uint8Array): Promise<SchemaRejection | null> {
  if (broker.schemas === undefined || topicConfigValue(broker.config, topic, "tansu.schema.validation") === "false") return null;
  const found = await broker.schemas.lookup(topic.name);
  switch (found.kind) {
    case "none":
      return null;
    case "invalid":
      return { errorCode: ErrorCodes.INVALID_RECORD, errorMessage: found.message, recordErrors: [] };
    case "unavailable":
      return { errorCode: ErrorCodes.KAFKA_STORAGE_ERROR, errorMessage: found.message, recordErrors: [] };
  }
  const { records } = decodeBatch(batch, { verifyCrc: false });
  const recordErrors: ProduceResponseBatchIndexAndErrorMessage[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const problem = checkRecord(found.schema, r.key, r.value);
    if (problem !== null) recordErrors.push({ batchIndex: i, batchIndexErrorMessage: problem });
  }
  const first = recordErrors[0];
  if (first === undefined) return null;
  const count = recordErrors.length === 1 ? "1 record" : `${recordErrors.length} records`;
  const errorMessage = `${count} of ${records.length} do not match ${found.schema.location}; record ${first.batchIndex}: ${first.batchIndexErrorMessage}`;
  return { errorCode: ErrorCodes.INVALID_RECORD, errorMessage, recordErrors };
}
