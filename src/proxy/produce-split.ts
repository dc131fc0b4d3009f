// A partition's answer to an upstream Produce, split among the clients whose batches it carried.
// A merged batch's records are the clients' in order, so a client's first record sits at the merged
// base offset plus the records before it, and a record error's batchIndex falls in one client's
// range. Kafka refuses a whole batch for one bad record or for its size; a merged batch refused so
// may have been refused for the merge, not for a client's own records: those clients' batches go
// again on their own and get their own answer.

import { ErrorCodes } from "../protocol/errors.ts";
import type { Part, PartitionAnswer } from "./produce-entry.ts";

const REFUSED_FOR_CONTENT: ReadonlySet<number> = new Set([
  ErrorCodes.CORRUPT_MESSAGE,
  ErrorCodes.MESSAGE_TOO_LARGE,
  ErrorCodes.RECORD_LIST_TOO_LARGE,
  ErrorCodes.INVALID_TIMESTAMP,
  ErrorCodes.INVALID_RECORD,
]);

/** Answers each part; returns the parts to send again, each alone. */
export function splitAnswer(parts: readonly Part[], answer: PartitionAnswer, throttleTimeMs: number): Part[] {
  if (parts.length === 1) {
    parts[0]!.entry.answer(parts[0]!, answer, throttleTimeMs);
    return [];
  }
  const again: Part[] = [];
  let start = 0;
  for (const part of parts) {
    const count = part.merge()?.records.length ?? 0;
    const own = answer.recordErrors.filter((e) => e.batchIndex >= start && e.batchIndex < start + count).map((e) => ({ ...e, batchIndex: e.batchIndex - start }));
    if (answer.errorCode === ErrorCodes.NONE) {
      const baseOffset = answer.baseOffset < 0n ? answer.baseOffset : answer.baseOffset + BigInt(start);
      part.entry.answer(part, { ...answer, baseOffset, recordErrors: [] }, throttleTimeMs);
    } else if (!REFUSED_FOR_CONTENT.has(answer.errorCode)) {
      part.entry.answer(part, { ...answer, recordErrors: [] }, throttleTimeMs);
    } else if (own.length > 0) {
      const first = own[0]!;
      const errorMessage = `${own.length} of ${count} records refused; record ${first.batchIndex}: ${first.batchIndexErrorMessage ?? answer.errorMessage ?? "invalid"}`;
      part.entry.answer(part, { ...answer, recordErrors: own, errorMessage }, throttleTimeMs);
    } else {
      part.alone();
      again.push(part);
    }
    start += count;
  }
  return again;
}
