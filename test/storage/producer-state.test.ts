import { describe, expect, test } from "bun:test";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import {
  afterAppend,
  afterTxnMarker,
  checkProducerBatch,
  checkTxnMarker,
  incrementSequence,
  RETAINED_BATCHES,
  type ProducerState,
} from "../../src/storage/producer-state.ts";
import { testBatch } from "./record-batch.ts";

const meta = (producerEpoch: number, baseSequence: number, recordCount = 1) =>
  testBatch({ producerId: 7, producerEpoch, baseSequence, recordCount }).meta;

describe("producer state", () => {
  test("incrementSequence wraps after 2147483647", () => {
    expect(incrementSequence(5, 3)).toBe(8);
    expect(incrementSequence(2147483647, 1)).toBe(0);
    expect(incrementSequence(2147483646, 3)).toBe(1);
    expect(incrementSequence(-1, 1)).toBe(0);
  });

  test("keeps the last five batches of the current epoch", () => {
    let state: ProducerState | undefined;
    for (let i = 0; i < 7; i++) state = afterAppend(state, meta(0, i * 2, 2), i * 2);
    expect(state?.batches.length).toBe(RETAINED_BATCHES);
    expect(state?.batches[0]).toEqual({ firstSeq: 4, lastSeq: 5, baseOffset: 4, lastOffset: 5 });
    expect(afterAppend(state, meta(1, 0), 14)).toEqual({
      producerEpoch: 1,
      batches: [{ firstSeq: 0, lastSeq: 0, baseOffset: 14, lastOffset: 14 }],
    });
  });

  test("a duplicate must match the epoch and both ends of the sequence range", () => {
    const state = afterAppend(undefined, meta(2, 10, 3), 40);
    expect(checkProducerBatch(state, meta(2, 10, 3))).toEqual({ kind: "duplicate", baseOffset: 40 });
    expect(checkProducerBatch(state, meta(2, 10, 2)).kind).toBe("error");
    expect(checkProducerBatch(state, meta(3, 10, 3))).toEqual({
      kind: "error",
      errorCode: ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(checkProducerBatch(state, meta(2, 13))).toEqual({ kind: "append" });
  });

  test("a transaction marker checks and adopts the epoch but not sequences", () => {
    const state = afterAppend(undefined, meta(2, 10, 3), 40);
    const marker = (producerEpoch: number) => ({ producerId: 7, producerEpoch, commit: true, coordinatorEpoch: 0, verificationGuard: 1 });
    expect(checkTxnMarker(state, marker(1))).toEqual({ kind: "error", errorCode: ErrorCodes.INVALID_PRODUCER_EPOCH });
    // no open transaction here: nothing to store, but the epoch and the guard are remembered
    expect(checkTxnMarker(state, marker(2))).toEqual({ kind: "skip" });
    const same = afterTxnMarker(state, marker(2), null);
    expect(same).toEqual({ state: { ...state, txn: { currentTxnFirstOffset: -1, currentTxnGuard: -1, completedTxnGuard: 1, coordinatorEpoch: 0 } }, aborted: null });
    const bumped = afterTxnMarker(state, marker(3), null).state;
    expect(bumped).toMatchObject({ producerEpoch: 3, batches: [] });
    expect(checkProducerBatch(bumped, meta(3, 1)).kind).toBe("error");
    expect(checkProducerBatch(bumped, meta(3, 0))).toEqual({ kind: "append" });
  });
});
