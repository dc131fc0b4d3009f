// Topics for the lake end-to-end tests, one per schema format. Each value has a nested struct, a
// list, a map, an optional field and a logical type; its records are encoded as a producer would
// (JSON text, protobufjs, avsc) and spread over partitions, with and without keys and headers.

import avro from "avsc";
import type { Message } from "kafkajs";
import protobuf from "protobufjs";

export interface LakeTopic {
  /** The schema file's name in the registry, TOPIC + extension; "" for a topic without a schema. */
  file: string;
  schema: string;
  messages: (Message & { partition: number })[];
}

/** A record timestamp, `ms` after 2023-11-14T22:13:20Z. */
const stamp = (ms: number) => String(1_700_000_000_000 + ms);

export const jsonTopic = (topic: string): LakeTopic => ({
  file: `${topic}.json`,
  schema: JSON.stringify({
    type: "object",
    required: ["value"],
    properties: {
      key: { type: "string" },
      value: {
        type: "object",
        required: ["id", "at", "customer", "tags", "counts"],
        properties: {
          id: { type: "integer" },
          at: { type: "string", format: "date-time" },
          ref: { type: "string", format: "uuid" },
          customer: { $ref: "#/$defs/customer" },
          tags: { type: "array", items: { type: "string" } },
          counts: { type: "object", additionalProperties: { type: "integer" } },
          note: { type: ["string", "null"] },
        },
      },
    },
    $defs: {
      customer: { type: "object", required: ["name"], properties: { name: { type: "string" }, address: { type: "object", properties: { city: { type: "string" }, zip: { type: "integer" } } } } },
    },
  }),
  messages: [
    {
      partition: 0,
      key: JSON.stringify("k1"),
      timestamp: stamp(0),
      headers: { source: "web" },
      value: JSON.stringify({ id: 1, at: "2024-02-29T23:30:00.123456+02:00", ref: "A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D", customer: { name: "Ada", address: { city: "Oslo", zip: 150 } }, tags: ["a", "b"], counts: { x: 1, y: 2 }, note: "hi" }),
    },
    { partition: 1, key: null, timestamp: stamp(1000), value: JSON.stringify({ id: 2, at: "2024-01-01T00:00:00.1234567Z", customer: { name: "Bo" }, tags: [], counts: {}, note: null }) },
    { partition: 0, key: JSON.stringify("k2"), timestamp: stamp(2000), headers: { a: "1", b: "2" }, value: JSON.stringify({ id: -3, at: "1999-12-31T23:59:60Z", customer: { name: "Cy", address: {} }, tags: ["c"], counts: { z: -5 } }) },
  ],
});

const proto = `syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
message Key { string region = 1; }
message Value {
  message Address { string city = 1; int32 zip = 2; }
  message Customer { string name = 1; Address address = 2; }
  int64 id = 1;
  google.protobuf.Timestamp at = 2;
  Customer customer = 3;
  repeated string tags = 4;
  map<string, int32> counts = 5;
  optional string note = 6;
}`;

export function protobufTopic(topic: string): LakeTopic {
  const root = new protobuf.Root();
  protobuf.parse(proto, root, { keepCase: true });
  root.addJSON(protobuf.common.get("google/protobuf/timestamp.proto")?.nested ?? {});
  root.resolveAll();
  const encode = (name: string, value: object) => {
    const type = root.lookupType(`shop.${name}`);
    return Buffer.from(type.encode(type.fromObject(value)).finish());
  };
  return {
    file: `${topic}.proto`,
    schema: proto,
    messages: [
      {
        partition: 0,
        key: encode("Key", { region: "eu" }),
        timestamp: stamp(0),
        headers: { source: "web" },
        value: encode("Value", { id: "9007199254740993", at: { seconds: 1_700_000_000, nanos: 123_456_789 }, customer: { name: "Ada", address: { city: "Oslo", zip: 150 } }, tags: ["a", "b"], counts: { x: 1, y: 2 }, note: "hi" }),
      },
      { partition: 1, key: encode("Key", {}), timestamp: stamp(1000), value: encode("Value", { id: 2 }) },
      { partition: 0, key: encode("Key", { region: "us" }), timestamp: stamp(2000), value: encode("Value", { id: -3, at: {}, customer: { name: "Cy" }, note: "" }) },
    ],
  };
}

const order = {
  type: "record",
  name: "Order",
  fields: [
    { name: "id", type: "long" },
    { name: "placed", type: { type: "long", logicalType: "timestamp-millis" } },
    { name: "customer", type: { type: "record", name: "Customer", fields: [{ name: "name", type: "string" }, { name: "city", type: ["null", "string"], default: null }] } },
    { name: "lines", type: { type: "array", items: { type: "record", name: "Line", fields: [{ name: "sku", type: "string" }, { name: "qty", type: "int" }] } } },
    { name: "attrs", type: { type: "map", values: "string" } },
    { name: "note", type: ["null", "string"], default: null },
  ],
};

export function avroTopic(topic: string): LakeTopic {
  const type = avro.Type.forSchema(order as avro.Schema);
  return {
    file: `${topic}.avsc`,
    schema: JSON.stringify({ type: "record", name: "Orders", fields: [{ name: "value", type: order }] }),
    messages: [
      { partition: 0, key: "o1", timestamp: stamp(0), headers: { source: "web" }, value: type.toBuffer({ id: 1, placed: 1_700_000_000_123, customer: { name: "Ada", city: "Oslo" }, lines: [{ sku: "tea", qty: 2 }], attrs: { gift: "yes" }, note: "hi" }) },
      { partition: 0, key: null, timestamp: stamp(1000), value: type.toBuffer({ id: 2, placed: 0, customer: { name: "Bo", city: null }, lines: [], attrs: {}, note: null }) },
    ],
  };
}

/** A topic without a schema: its key and value land as bytes. */
export const rawTopic = (): LakeTopic => ({
  file: "",
  schema: "",
  messages: [
    { partition: 0, key: "r1", timestamp: stamp(0), value: "first" },
    { partition: 0, key: null, timestamp: stamp(1000), value: Buffer.from([0, 255]) },
  ],
});
