// Produce with a schema registry: a batch with any record that does not fit the topic's schema is
// refused whole with INVALID_RECORD, record_errors and error_message (v8+), and nothing is stored.

import { beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Broker } from "../../src/broker.ts";
import { createLogger } from "../../src/log.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { ProduceApi, type ProduceResponse } from "../../src/protocol/generated/index.ts";
import { type Codec, encodeBatch, type RecordInput } from "../../src/protocol/records/index.ts";
import { openSchemaRegistry } from "../../src/schema/registry.ts";
import { asSeenAt, call, testBroker } from "./broker.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
let dir: string;
let broker: Broker;
const logs: string[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "tansu-produce-schema-"));
  logs.length = 0;
  const schemas = await openSchemaRegistry(new URL(`file://${dir}`), createLogger("info", (l) => logs.push(l)), 0, {});
  broker = { ...testBroker(), schemas };
  for (const name of ["orders", "plain", "lenient"]) await broker.engine.createTopic({ name, partitionCount: 2, replicationFactor: 1, configs: {} });
  await broker.engine.alterTopicConfigs("lenient", { "tansu.schema.validation": "false" });
  const schema = JSON.stringify({ type: "object", required: ["value"], properties: { key: { type: "string" }, value: { type: "object", required: ["id"] } } });
  writeFileSync(join(dir, "orders.json"), schema);
  writeFileSync(join(dir, "lenient.json"), schema);
});

function produce(topic: string, records: RecordInput[], version = 11, codec: Codec = "none"): Promise<ProduceResponse> {
  return call(broker, ProduceApi, version, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: topic, partitionData: [{ index: 1, records: encodeBatch(records, { codec }) }] }],
  });
}

const partition = (r: ProduceResponse) => r.responses[0]!.partitionResponses[0]!;

async function stored(topic: string): Promise<number> {
  const offsets = await broker.engine.offsets(topic, 1);
  if (offsets.errorCode !== 0) throw new Error(`offsets failed: ${offsets.errorCode}`);
  return offsets.highWatermark;
}

describe("Produce against a topic schema", () => {
  test("valid records are stored, compressed or not", async () => {
    for (const codec of ["none", "gzip", "zstd", "lz4", "snappy"] as const) {
      const response = await produce("orders", [{ key: bytes('"k"'), value: bytes('{"id":1}') }, { key: null, value: bytes('{"id":2}') }], 11, codec);
      expect(partition(response)).toMatchObject({ errorCode: ErrorCodes.NONE, recordErrors: [], errorMessage: null });
    }
    expect(await stored("orders")).toBe(10);
  });

  test("one invalid record refuses the whole batch with record_errors and error_message; nothing is stored", async () => {
    const response = await produce("orders", [
      { key: bytes('"k"'), value: bytes('{"id":1}') },
      { key: bytes("7"), value: bytes('{"id":2}') },
      { key: null, value: bytes('{"id":3}') },
      { key: null, value: bytes("{not json") },
      { key: null, value: null },
    ], 11, "gzip");
    const location = join(dir, "orders.json");
    expect(partition(response)).toMatchObject({
      errorCode: ErrorCodes.INVALID_RECORD,
      baseOffset: -1n,
      recordErrors: [
        { batchIndex: 1, batchIndexErrorMessage: "key: must be string" },
        { batchIndex: 3, batchIndexErrorMessage: "value: not JSON: JSON Parse error: Expected '}'" },
        { batchIndex: 4, batchIndexErrorMessage: "value is null but the schema requires one" },
      ],
      errorMessage: `3 records of 5 do not match ${location}; record 1: key: must be string`,
    });
    expect(await stored("orders")).toBe(0);
  });

  test("before Produce v8 the client sees INVALID_RECORD alone", async () => {
    const response = await produce("orders", [{ value: bytes("[]") }], 7);
    expect(partition(response).errorCode).toBe(ErrorCodes.INVALID_RECORD);
    expect(partition(asSeenAt(ProduceApi, 7, response))).toMatchObject({ errorCode: ErrorCodes.INVALID_RECORD, recordErrors: [], errorMessage: null });
    expect(partition(asSeenAt(ProduceApi, 8, response)).recordErrors).toEqual([{ batchIndex: 0, batchIndexErrorMessage: "value: must be object" }]);
  });

  test("topics without a schema, and with tansu.schema.validation=false, are not checked", async () => {
    expect(partition(await produce("plain", [{ value: bytes("{not json") }])).errorCode).toBe(ErrorCodes.NONE);
    expect(partition(await produce("lenient", [{ value: bytes("{not json") }])).errorCode).toBe(ErrorCodes.NONE);
  });

  test("an unparsable schema answers INVALID_RECORD with the file and the parser's message, logged once; other topics work", async () => {
    writeFileSync(join(dir, "orders.json"), '{"properties": {"value": {"type": "nonsense"}}');
    for (let i = 0; i < 3; i++) {
      const response = await produce("orders", [{ value: bytes('{"id":1}') }]);
      expect(partition(response)).toMatchObject({ errorCode: ErrorCodes.INVALID_RECORD, recordErrors: [] });
      expect(partition(response).errorMessage).toStartWith(`schema ${join(dir, "orders.json")} does not parse: JSON Parse error`);
    }
    expect(logs.filter((l) => l.includes("ERROR schema does not parse topic=orders"))).toHaveLength(1);
    expect(partition(await produce("plain", [{ value: bytes("x") }])).errorCode).toBe(ErrorCodes.NONE);
    expect(await stored("orders")).toBe(0);
  });
});
