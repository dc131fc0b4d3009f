import { describe, expect, test } from "bun:test";
import { allErrorCodes, ErrorCodes, errorName, isKnownErrorCode, isRetriable } from "../../src/protocol/errors.ts";

describe("Kafka error codes", () => {
  test.each([
    ["UNKNOWN_SERVER_ERROR", -1, false],
    ["NONE", 0, false],
    ["OFFSET_OUT_OF_RANGE", 1, false],
    ["CORRUPT_MESSAGE", 2, true],
    ["UNKNOWN_TOPIC_OR_PARTITION", 3, true],
    ["NOT_LEADER_OR_FOLLOWER", 6, true],
    ["REQUEST_TIMED_OUT", 7, true],
    ["NOT_COORDINATOR", 16, true],
    ["REBALANCE_IN_PROGRESS", 27, false],
    ["UNSUPPORTED_VERSION", 35, false],
    ["TOPIC_ALREADY_EXISTS", 36, false],
    ["INVALID_PARTITIONS", 37, false],
    ["INVALID_REQUEST", 42, false],
    ["OUT_OF_ORDER_SEQUENCE_NUMBER", 45, false],
    ["INVALID_PRODUCER_EPOCH", 47, false],
    ["CONCURRENT_TRANSACTIONS", 51, true],
    ["MEMBER_ID_REQUIRED", 79, false],
    ["INVALID_RECORD", 87, false],
    ["PRODUCER_FENCED", 90, false],
    ["UNKNOWN_TOPIC_ID", 100, true],
    ["VOTER_NOT_FOUND", 127, false],
  ] as const)("%s is %d (retriable: %p)", (name, code, retriable) => {
    expect(ErrorCodes[name]).toBe(code);
    expect(errorName(code)).toBe(name);
    expect(isRetriable(code)).toBe(retriable);
  });

  test("codes and names are unique and cover -1..127 without gaps", () => {
    expect(new Set(allErrorCodes).size).toBe(allErrorCodes.length);
    expect(Object.keys(ErrorCodes).length).toBe(allErrorCodes.length);
    for (const [name, code] of Object.entries(ErrorCodes)) expect(errorName(code)).toBe(name);
    const codes: number[] = [...allErrorCodes];
    expect(codes).toEqual(Array.from({ length: 129 }, (_, i) => i - 1));
  });

  test("unknown codes have a descriptive name and are not retriable", () => {
    expect(isKnownErrorCode(999)).toBe(false);
    expect(errorName(999)).toBe("UNKNOWN_ERROR_CODE_999");
    expect(isRetriable(999)).toBe(false);
  });
});
