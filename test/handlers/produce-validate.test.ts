// checkProducedBatch: the checks on a produced batch before it is stored, and which one answers
// first when a batch breaks several.

import { describe, expect, test } from "bun:test";
import { checkProducedBatch } from "../../src/handlers/produce/validate.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { CODECS, computeBatchCrc, decodeBatch, encodeBatch, type EncodeBatchOptions, type RecordInput } from "../../src/protocol/records/index.ts";
import type { TopicInfo } from "../../src/storage/engine.ts";
import { testBroker } from "./broker.ts";

const config = testBroker().config;
const NOW = 1_700_000_000_000;
const bytes = (s: string) => new TextEncoder().encode(s);

function topic(configs: Record<string, string> = {}): TopicInfo {
  return { name: "t", partitionCount: 1, replicationFactor: 1, configs, topicId: "6f1e0c3a-5b0a-4c7e-9d1e-2a3b4c5d6e7f" };
}

function check(records: RecordInput[], configs: Record<string, string> = {}, options: EncodeBatchOptions = {}) {
  return checkProducedBatch(encodeBatch(records, options), topic(configs), config, 11, NOW);
}

const keyed = (i: number, timestamp = NOW): RecordInput => ({ key: bytes(`k${i}`), value: bytes(`v${i}`), timestamp });

describe("checkProducedBatch", () => {
  test("accepts a valid batch in every codec", () => {
    for (const codec of CODECS) {
      const result = check([keyed(0), keyed(1), { key: null, value: null, timestamp: NOW - 5 }], {}, { codec });
      expect(result).toMatchObject({ ok: true, logAppendTime: false, header: { recordCount: 3, codec } });
    }
  });

  test("no batch, and more than one", () => {
    expect(checkProducedBatch(null, topic(), config, 11, NOW)).toMatchObject({ ok: false, errorCode: ErrorCodes.INVALID_RECORD });
    const one = encodeBatch([keyed(0)]);
    expect(checkProducedBatch(new Uint8Array([...one, ...one]), topic(), config, 11, NOW)).toMatchObject({ ok: false, errorCode: ErrorCodes.INVALID_RECORD });
  });

  test("records that do not decode are CORRUPT_MESSAGE with decodeBatch's message", () => {
    const batch = encodeBatch([keyed(0), keyed(1)]);
    batch[61] = batch[61]! + 2; // first record's length one more than its fields
    new DataView(batch.buffer).setUint32(17, computeBatchCrc(batch));
    let message = "";
    try {
      decodeBatch(batch);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toBe("");
    expect(checkProducedBatch(batch, topic(), config, 11, NOW)).toEqual({ ok: false, errorCode: ErrorCodes.CORRUPT_MESSAGE, errorMessage: message });
  });

  test("an offsetDelta other than the record's index is INVALID_RECORD", () => {
    const records = [keyed(0), { ...keyed(1), offsetDelta: 2 }, { ...keyed(2), offsetDelta: 2 }];
    expect(check(records)).toEqual({ ok: false, errorCode: ErrorCodes.INVALID_RECORD, errorMessage: "record 1 has offsetDelta 2" });
  });

  test("a compacted topic needs a key on every record", () => {
    const records = [keyed(0), { key: null, value: bytes("v") }];
    for (const policy of ["compact", "delete,compact", "compact,delete"]) {
      expect(check(records, { "cleanup.policy": policy })).toEqual({ ok: false, errorCode: ErrorCodes.INVALID_RECORD, errorMessage: "records of a compacted topic need a key" });
    }
    expect(check(records, { "cleanup.policy": "delete" })).toMatchObject({ ok: true });
    expect(check([keyed(0), { key: new Uint8Array(0), value: null }], { "cleanup.policy": "compact" })).toMatchObject({ ok: true });
  });

  test("the first record outside the timestamp bounds is INVALID_TIMESTAMP, in every codec", () => {
    const configs = { "message.timestamp.before.max.ms": "1000", "message.timestamp.after.max.ms": "2000" };
    for (const codec of CODECS) {
      const late = [keyed(0), keyed(1, NOW - 1000), keyed(2, NOW - 1001), keyed(3, NOW + 5000)];
      expect(check(late, configs, { codec })).toEqual({
        ok: false,
        errorCode: ErrorCodes.INVALID_TIMESTAMP,
        errorMessage: `timestamp ${NOW - 1001} of offset delta 2 is outside the topic's allowed range`,
      });
      const early = [keyed(0, NOW + 2000), keyed(1, NOW + 2001)];
      expect(check(early, configs, { codec })).toMatchObject({ ok: false, errorCode: ErrorCodes.INVALID_TIMESTAMP, errorMessage: `timestamp ${NOW + 2001} of offset delta 1 is outside the topic's allowed range` });
      expect(check([keyed(0, NOW - 1000), keyed(1, NOW + 2000)], configs, { codec })).toMatchObject({ ok: true });
    }
  });

  test("a LogAppendTime topic does not check timestamps", () => {
    const configs = { "message.timestamp.type": "LogAppendTime", "message.timestamp.before.max.ms": "0", "message.timestamp.after.max.ms": "0" };
    expect(check([keyed(0, 5), keyed(1, NOW * 2)], configs)).toMatchObject({ ok: true, logAppendTime: true });
  });

  test("a LogAppendTime batch on a CreateTime topic is checked at its maxTimestamp", () => {
    const configs = { "message.timestamp.before.max.ms": "0", "message.timestamp.after.max.ms": "0" };
    expect(check([keyed(0, NOW - 7), keyed(1, NOW + 3)], configs, { timestampType: "LogAppendTime" })).toMatchObject({
      ok: false,
      errorMessage: `timestamp ${NOW + 3} of offset delta 0 is outside the topic's allowed range`,
    });
  });

  test("offsetDelta is checked before keys, keys before timestamps", () => {
    const configs = { "cleanup.policy": "compact", "message.timestamp.before.max.ms": "0" };
    const nullKeyLate = { key: null, value: null, timestamp: NOW - 10 };
    expect(check([keyed(0), { ...nullKeyLate, offsetDelta: 3 }, { ...keyed(2), offsetDelta: 3 }, keyed(3)], configs)).toMatchObject({ errorMessage: "record 1 has offsetDelta 3" });
    expect(check([keyed(0), nullKeyLate], configs)).toMatchObject({ errorMessage: "records of a compacted topic need a key" });
    expect(check([keyed(0), keyed(1, NOW - 10)], configs)).toMatchObject({ errorCode: ErrorCodes.INVALID_TIMESTAMP });
  });
});
