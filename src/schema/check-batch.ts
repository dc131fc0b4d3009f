// A produced batch against its topic's schema lookup, answered as Produce answers a partition:
// every record's key and value must fit, or the whole batch is refused with INVALID_RECORD, one
// record_errors entry per invalid record and a summary in error_message (both Produce v8+).
//
// A schema file that does not parse also answers INVALID_RECORD, with the file and the parser's
// message: the records cannot be shown valid, so they must not be stored, and the error is not
// retriable — retrying cannot help until an operator fixes the file, and a producer that retried
// blindly would only delay the message reaching its user. A registry that cannot be reached (S3
// down) with no schema cached yet is transient, so it answers the retriable KAFKA_STORAGE_ERROR.

import { ErrorCodes } from "../protocol/errors.ts";
import type { ProduceResponseBatchIndexAndErrorMessage } from "../protocol/generated/produce.ts";
import { decodeBatch } from "../protocol/records/index.ts";
import type { SchemaLookup } from "./registry.ts";
import { checkRecord } from "./types.ts";

export interface SchemaRejection {
  errorCode: number;
  errorMessage: string;
  recordErrors: ProduceResponseBatchIndexAndErrorMessage[];
}

/**
 * null when the batch may be stored. `batch` is one whole batch whose header and CRC were checked;
 * its records are decoded only when the topic has a schema (a DecodeError when they do not parse).
 */
export function schemaRejection(found: SchemaLookup, batch: Uint8Array): SchemaRejection | null {
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
