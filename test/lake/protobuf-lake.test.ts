import { describe, expect, test } from "bun:test";
import protobuf from "protobufjs";
import type { MappedTopic } from "../../src/lake/map-topic.ts";
import { type KafkaRecord, toRow } from "../../src/lake/rows.ts";
import { tableSchema } from "../../src/lake/table-schema.ts";
import type { LakeSchema, Row } from "../../src/lake/types.ts";
import { compileSchema } from "../../src/schema/compile.ts";
import { readBack } from "./read-back.ts";

const proto = `
syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/struct.proto";

message Key { string region = 1; int64 shard = 2; }

message Value {
  enum Status { UNKNOWN = 0; PAID = 1; SHIPPED = 2; }
  message Line { string sku = 1; uint32 qty = 2; }
  int32 i32 = 1;
  sint32 s32 = 2;
  sfixed32 f32 = 3;
  int64 i64 = 4;
  uint32 u32 = 5;
  uint64 u64 = 6;
  fixed64 fx64 = 7;
  float ratio = 8;
  double score = 9;
  bool ok = 10;
  string name = 11;
  bytes blob = 12;
  Status status = 13;
  repeated string tags = 14;
  repeated Line lines = 15;
  map<string, Line> by_sku = 16;
  map<int64, string> by_id = 17;
  Line main = 18;
  google.protobuf.Timestamp at = 19;
  google.protobuf.Duration took = 20;
  google.protobuf.Int32Value maybe_int = 21;
  google.protobuf.StringValue maybe_text = 22;
  google.protobuf.Struct attrs = 23;
  optional string nick = 24;
  oneof pick { string word = 25; int32 number = 26; }
  Value parent = 27;
}`;

async function topic(): Promise<{ schema: LakeSchema; mapped: MappedTopic }> {
  const result = tableSchema(await compileSchema("protobuf", proto, "orders.proto"), null);
  if (result.kind !== "schema") throw new Error(result.message);
  return result;
}

function types(): { key: protobuf.Type; value: protobuf.Type } {
  const root = new protobuf.Root();
  protobuf.parse(proto, root, { keepCase: true });
  for (const name of ["timestamp", "duration", "wrappers", "struct"]) root.addJSON(protobuf.common.get(`google/protobuf/${name}.proto`)?.nested ?? {});
  root.resolveAll();
  return { key: root.lookupType("shop.Key"), value: root.lookupType("shop.Value") };
}

const full = {
  i32: -7,
  s32: -8,
  f32: 9,
  i64: "-9007199254740993",
  u32: 4_000_000_000,
  u64: "18446744073709551615",
  fx64: "42",
  ratio: 0.25,
  score: 1.5,
  ok: true,
  name: "tea",
  blob: Uint8Array.of(1, 2),
  status: 2,
  tags: ["a", "b"],
  lines: [{ sku: "s1", qty: 1 }],
  by_sku: { s2: { sku: "s2", qty: 3 } },
  by_id: { "-5": "minus five", "9223372036854775807": "max" },
  main: { sku: "m", qty: 0 },
  at: { seconds: 1_700_000_000, nanos: 123_456_789 },
  took: { seconds: 2, nanos: 500_000 },
  maybe_int: { value: 0 },
  attrs: { fields: { n: { numberValue: 1 }, s: { stringValue: "x" }, l: { listValue: { values: [{ boolValue: true }, { nullValue: 0 }] } } } },
  word: "hi",
  parent: { name: "up" },
};

function row(mapped: MappedTopic, value: Uint8Array, offset = 0n): Row {
  const { key } = types();
  const record: KafkaRecord = { partition: 1, offset, timestamp: 1_700_000_000_000n, key: key.encode({ region: "eu", shard: 3 }).finish(), value, headers: [] };
  const result = toRow(record, mapped);
  if (result.kind !== "row") throw new Error(result.message);
  return result.row;
}

describe("Protobuf topics as Parquet", () => {
  test("scalars, enums, repeated, maps, nested messages and well-known types read back in DuckDB", async () => {
    const { schema, mapped } = await topic();
    const { value } = types();
    const rows = [row(mapped, value.encode(value.fromObject(full)).finish()), row(mapped, new Uint8Array(0), 1n)];
    const back = await readBack(schema, rows, "SELECT * FROM t ORDER BY __kafka.offset");
    expect(back.types).toMatchObject({
      i32: "INTEGER",
      s32: "INTEGER",
      f32: "INTEGER",
      i64: "BIGINT",
      u32: "BIGINT",
      u64: "DECIMAL(20,0)",
      fx64: "DECIMAL(20,0)",
      ratio: "FLOAT",
      score: "DOUBLE",
      ok: "BOOLEAN",
      name: "VARCHAR",
      blob: "BLOB",
      status: "VARCHAR",
      tags: "VARCHAR[]",
      lines: "STRUCT(sku VARCHAR, qty BIGINT)[]",
      by_sku: "MAP(VARCHAR, STRUCT(sku VARCHAR, qty BIGINT))",
      by_id: "MAP(BIGINT, VARCHAR)",
      main: "STRUCT(sku VARCHAR, qty BIGINT)",
      at: "TIMESTAMP WITH TIME ZONE",
      took: "BIGINT",
      maybe_int: "INTEGER",
      maybe_text: "VARCHAR",
      attrs: "VARCHAR",
      nick: "VARCHAR",
      word: "VARCHAR",
      number: "INTEGER",
      parent: "VARCHAR",
    });
    expect(back.types.__kafka).toContain('"key" STRUCT(region VARCHAR, shard BIGINT)');
    expect(back.rows[0]).toMatchObject({
      __kafka: { partition: 1, key: { region: "eu", shard: "3" } },
      i32: -7,
      s32: -8,
      f32: 9,
      i64: "-9007199254740993",
      u32: "4000000000",
      u64: "18446744073709551615",
      fx64: "42",
      ratio: 0.25,
      score: 1.5,
      ok: true,
      name: "tea",
      blob: "\\x01\\x02",
      status: "SHIPPED",
      tags: ["a", "b"],
      lines: [{ sku: "s1", qty: "1" }],
      by_sku: [{ key: "s2", value: { sku: "s2", qty: "3" } }],
      main: { sku: "m", qty: "0" },
      at: "2023-11-14 22:13:20.123456+00",
      took: "2000500",
      maybe_int: 0,
      maybe_text: null,
      attrs: '{"n":1,"s":"x","l":[true,null]}',
      nick: null,
      word: "hi",
      number: null,
      parent: '{"name":"up"}',
    });
    expect(new Set((back.rows[0]!.by_id as { key: string; value: string }[]).map((e) => `${e.key}=${e.value}`))).toEqual(new Set(["-5=minus five", "9223372036854775807=max"]));
    // an empty message: proto3 scalars read as their defaults, fields with presence as null
    expect(back.rows[1]).toMatchObject({ i32: 0, i64: "0", u64: "0", name: "", blob: "", status: "UNKNOWN", tags: [], by_sku: [], main: null, at: null, maybe_int: null, word: null, parent: null });
  });

  test("presence decides required: proto3 scalars, repeated and maps are required; messages, optional and oneof members are not", async () => {
    const { schema } = await topic();
    const required = Object.fromEntries(schema.fields.map((f) => [f.name, f.required]));
    expect(required).toMatchObject({ i32: true, name: true, status: true, tags: true, by_sku: true, main: false, at: false, maybe_int: false, nick: false, word: false, number: false });
    // Value contains itself: where it recurs it is JSON text
    expect(schema.fields.find((f) => f.name === "parent")).toMatchObject({ required: false, type: { kind: "string" } });
  });

  test("bytes that are not this message's encoding are an error result", async () => {
    const { mapped } = await topic();
    const { key } = types();
    const record = (value: Uint8Array): KafkaRecord => ({ partition: 0, offset: 0n, timestamp: 0n, key: key.encode({}).finish(), value, headers: [] });
    // field 11 (name, a string) sent as a varint
    expect(toRow(record(Uint8Array.of(0x58, 0x01)), mapped)).toEqual({ kind: "error", message: "value: Value.name has wire type 0 (varint), expected 2 (length-delimited)" });
    expect(toRow(record(Uint8Array.of(0x5a, 0x05, 0x61)), mapped).kind).toBe("error");
    expect(toRow({ ...record(Uint8Array.of()), value: null }, mapped)).toEqual({ kind: "error", message: "value: null, but the schema requires one" });
  });
});
