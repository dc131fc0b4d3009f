// One partition of a Produce against its topic's schema, at the proxy. Records it cannot read are
// refused rather than forwarded unchecked, with the code a broker gives the fault: anything but one
// whole record batch v2, or records that do not parse → INVALID_RECORD; a wrong CRC →
// CORRUPT_MESSAGE. So Produce v0–2, whose message formats v0/v1 the proxy does not read, cannot
// reach a topic with a schema.

import { ErrorCodes } from "../protocol/errors.ts";
import { DecodeError } from "../protocol/primitives.ts";
import { MAGIC, MAGIC_AT } from "../protocol/records/header.ts";
import { splitBatches, validateBatch } from "../protocol/records/index.ts";
import { schemaRejection, type SchemaRejection } from "../schema/check-batch.ts";
import type { SchemaLookup } from "../schema/registry.ts";

const refuse = (errorCode: number, errorMessage: string): SchemaRejection => ({ errorCode, errorMessage, recordErrors: [] });

/** null when the partition's records may go upstream. */
export function partitionRejection(found: SchemaLookup, records: Uint8Array | null): SchemaRejection | null {
  // no records: nothing reaches the topic, and the upstream answers for it
  if (found.kind === "none" || records === null) return null;
  if (found.kind !== "schema") return schemaRejection(found, records);
  try {
    const { batches } = splitBatches(records);
    const [batch] = batches;
    if (batch === undefined || batches.length > 1) return refuse(ErrorCodes.INVALID_RECORD, `a Produce request carries exactly one whole batch per partition, not ${batches.length}`);
    if (batch[MAGIC_AT] !== MAGIC) return refuse(ErrorCodes.INVALID_RECORD, `record batch magic ${batch[MAGIC_AT]}; records to a topic with a schema are checked as record batch v2 (Produce v3+)`);
    validateBatch(batch);
    return schemaRejection(found, batch);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return refuse(e.code === "crc-mismatch" ? ErrorCodes.CORRUPT_MESSAGE : ErrorCodes.INVALID_RECORD, e.message);
  }
}
