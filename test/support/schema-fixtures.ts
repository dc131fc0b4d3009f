// One topic schema per format with records encoded the way a producer would (with avsc and
// protobufjs directly, or JSON text), invalid records of each kind, and a changed schema with records
// only it accepts. Used by the end-to-end, CLI, compat and benchmark code.

import avro from "avsc";
import protobuf from "protobufjs";
import type { SchemaFormat } from "../../src/schema/types.ts";

export interface EncodedRecord {
  key: Buffer | null;
  value: Buffer | null;
}

export interface SchemaFixture {
  format: SchemaFormat;
  extension: string;
  schema: string;
  /** Valid under `schema`: order i. */
  record(i: number): EncodedRecord;
  /** The same order as the CLI's JSON line. */
  line(i: number): string;
  /** Invalid under `schema`, each with (part of) the reason the broker gives. */
  invalid: { what: string; record: EncodedRecord; reason: string }[];
  /** A changed schema: `record(i)` no longer fits it, `changedRecord(i)` does. */
  changedSchema: string;
  changedRecord(i: number): EncodedRecord;
}

const order = (i: number) => ({ id: i, item: `item-${i}`, quantity: i % 10 });

function avroFixture(): SchemaFixture {
  type Field = { name: string; type: "long" | "string" | "int" };
  const orderFields: Field[] = [{ name: "id", type: "long" }, { name: "item", type: "string" }, { name: "quantity", type: "int" }];
  const orderType = (fields: Field[]) => ({ type: "record" as const, name: "Order", fields });
  const schemaOf = (fields: Field[]) => ({ type: "record", name: "OrderRecord", fields: [{ name: "key", type: "string" }, { name: "value", type: orderType(fields) }] });
  const changedFields: Field[] = [...orderFields, { name: "note", type: "string" }];
  const key = avro.Type.forSchema("string");
  const value = avro.Type.forSchema(orderType(orderFields));
  const changedValue = avro.Type.forSchema(orderType(changedFields));
  const record = (i: number) => ({ key: key.toBuffer(`order-${i}`), value: value.toBuffer(order(i)) });
  const good = record(1);
  return {
    format: "avro",
    extension: ".avsc",
    schema: JSON.stringify(schemaOf(orderFields)),
    record,
    line: (i) => JSON.stringify({ key: `order-${i}`, value: order(i) }),
    invalid: [
      { what: "truncated value", record: { key: good.key, value: good.value!.subarray(0, good.value!.length - 1) }, reason: "value: invalid Avro binary for Order: truncated buffer" },
      { what: "JSON value", record: { key: good.key, value: Buffer.from(JSON.stringify(order(1))) }, reason: "value: invalid Avro binary for Order" },
      { what: "missing key", record: { key: null, value: good.value }, reason: "key is null but the schema requires one" },
    ],
    changedSchema: JSON.stringify(schemaOf(changedFields)),
    changedRecord: (i) => ({ key: key.toBuffer(`order-${i}`), value: changedValue.toBuffer({ ...order(i), note: "changed" }) }),
  };
}

function jsonFixture(): SchemaFixture {
  const properties = { id: { type: "integer" }, item: { type: "string" }, quantity: { type: "integer", minimum: 0 } };
  const orderSchema = { type: "object", required: ["id", "item", "quantity"], additionalProperties: false, properties };
  const schemaOf = (value: object) => ({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", required: ["key", "value"], properties: { key: { type: "string" }, value } });
  const text = (v: unknown) => Buffer.from(JSON.stringify(v));
  const record = (i: number) => ({ key: text(`order-${i}`), value: text(order(i)) });
  return {
    format: "json",
    extension: ".json",
    schema: JSON.stringify(schemaOf(orderSchema)),
    record,
    line: (i) => JSON.stringify({ key: `order-${i}`, value: order(i) }),
    invalid: [
      { what: "value that is not JSON", record: { key: text("k"), value: Buffer.from("{id: 1") }, reason: "value: not JSON" },
      { what: "value of the wrong shape", record: { key: text("k"), value: text({ ...order(1), quantity: -1 }) }, reason: "value: /quantity must be >= 0" },
      { what: "key of the wrong type", record: { key: text(7), value: text(order(1)) }, reason: "key: must be string" },
    ],
    changedSchema: JSON.stringify(schemaOf({ ...orderSchema, required: [...orderSchema.required, "note"], properties: { ...properties, note: { type: "string" } } })),
    changedRecord: (i) => ({ key: text(`order-${i}`), value: text({ ...order(i), note: "changed" }) }),
  };
}

function protobufFixture(): SchemaFixture {
  const schemaOf = (itemType: string) => `syntax = "proto3";\npackage shop;\nmessage Key { string id = 1; }\nmessage Value { int64 id = 1; ${itemType} item = 2; int32 quantity = 3; }\n`;
  const schema = schemaOf("string");
  const changed = schemaOf("int32");
  const root = protobuf.parse(schema).root;
  const changedRoot = protobuf.parse(changed).root;
  const [Key, Value, ChangedValue] = [root.lookupType("shop.Key"), root.lookupType("shop.Value"), changedRoot.lookupType("shop.Value")];
  const encode = (type: protobuf.Type, v: object) => Buffer.from(type.encode(type.fromObject(v)).finish());
  const record = (i: number) => ({ key: encode(Key, { id: `order-${i}` }), value: encode(Value, order(i)) });
  const good = record(1);
  return {
    format: "protobuf",
    extension: ".proto",
    schema,
    record,
    line: (i) => JSON.stringify({ key: { id: `order-${i}` }, value: { ...order(i), id: String(i) } }),
    invalid: [
      { what: "wrong wire type", record: { key: good.key, value: Buffer.from([0x08, 0x01, 0x10, 0x05]) }, reason: "value: Value.item has wire type 0 (varint), expected 2 (length-delimited)" },
      { what: "truncated value", record: { key: good.key, value: good.value!.subarray(0, good.value!.length - 3) }, reason: "value: truncated" },
      { what: "JSON value", record: { key: good.key, value: Buffer.from(JSON.stringify(order(1))) }, reason: "value: " },
    ],
    changedSchema: changed,
    changedRecord: (i) => ({ key: encode(Key, { id: `order-${i}` }), value: encode(ChangedValue, { id: i, item: i, quantity: i % 10 }) }),
  };
}

export const SCHEMA_FIXTURES: readonly SchemaFixture[] = [avroFixture(), jsonFixture(), protobufFixture()];
