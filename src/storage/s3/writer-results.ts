// A commit's outcome for one batch or marker, as the Engine's results.

import type { AppendResult, TxnMarkerResult } from "../engine.ts";
import { StorageError } from "../engine.ts";
import type { BatchOutcome } from "./commit-plan.ts";

/** A record batch's result; a StorageError for an outcome only markers have. */
export function appendResult(outcome: BatchOutcome, logStartOffset: number, now: number): AppendResult | StorageError {
  switch (outcome.kind) {
    case "error":
      return { errorCode: outcome.errorCode, logStartOffset };
    case "appended":
    case "duplicate":
      return { errorCode: 0, baseOffset: outcome.baseOffset, logAppendTimeMs: now, logStartOffset };
    case "skipped":
      return new StorageError("corrupt", "a record batch was planned as a transaction marker");
  }
}

export function markerResult(outcome: BatchOutcome): TxnMarkerResult {
  switch (outcome.kind) {
    case "error":
      return { errorCode: outcome.errorCode };
    case "appended":
      return { errorCode: 0, offset: outcome.baseOffset };
    case "duplicate":
    case "skipped":
      return { errorCode: 0, offset: null };
  }
}
