// What outside readers must find in the tables of the topics in lake-formats-fixtures.ts, by
// docs/lake.md "Rows and types": DuckDB's rows (its JSON form: BIGINT as text, maps as key/value
// lists) and column types over the data files, icebird's rows, and each table format's own schema
// (`?` after a type: it may be null).

import type { Json } from "@duckdb/node-api";
import type { DuckdbReading, ExpectedTables } from "./lake-check.ts";

type Header = { key: string; value: string };
const web: Header[] = [{ key: "source", value: "web" }];
const duckdbKafka = (partition: number, offset: number, second: number, key: Json, headers: Header[] = []) => ({ partition, offset: String(offset), timestamp: `2023-11-14 22:13:${20 + second}+00`, key, headers });
const icebirdKafka = (partition: number, offset: number, second: number, key: unknown, headers: Header[] = []) => ({ partition, offset: BigInt(offset), timestamp: new Date(1_700_000_000_000 + second * 1000), key, headers });

const duckdbKafkaType = (key: string) => `STRUCT("partition" INTEGER, "offset" BIGINT, "timestamp" TIMESTAMP WITH TIME ZONE, "key" ${key}, headers STRUCT("key" VARCHAR, "value" BLOB)[])`;
const icebergKafka = (key: string) => `struct<partition: int, offset: long, timestamp: timestamptz, key: ${key}?, headers: list<struct<key: string, value: binary?>>?>`;
const deltaKafka = (key: string) => `struct<partition: integer, offset: long, timestamp: timestamp, key: ${key}?, headers: array<struct<key: string, value: binary?>>?>`;

const jsonDuckdb: DuckdbReading = {
  types: {
    __kafka: duckdbKafkaType("VARCHAR"),
    id: "BIGINT",
    at: "TIMESTAMP WITH TIME ZONE",
    ref: "UUID",
    customer: 'STRUCT("name" VARCHAR, address STRUCT(city VARCHAR, zip BIGINT))',
    tags: "VARCHAR[]",
    counts: "MAP(VARCHAR, BIGINT)",
    note: "VARCHAR",
  },
  rows: [
    // a date-time with an offset is converted to UTC
    { __kafka: duckdbKafka(0, 0, 0, "k1", web), id: "1", at: "2024-02-29 21:30:00.123456+00", ref: "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d", customer: { name: "Ada", address: { city: "Oslo", zip: "150" } }, tags: ["a", "b"], counts: [{ key: "x", value: "1" }, { key: "y", value: "2" }], note: "hi" },
    // a leap second counts as :59; absent optional properties are null
    { __kafka: duckdbKafka(0, 1, 2, "k2", [{ key: "a", value: "1" }, { key: "b", value: "2" }]), id: "-3", at: "1999-12-31 23:59:59+00", ref: null, customer: { name: "Cy", address: { city: null, zip: null } }, tags: ["c"], counts: [{ key: "z", value: "-5" }], note: null },
    // fractions past microseconds are cut off
    { __kafka: duckdbKafka(1, 0, 1, null), id: "2", at: "2024-01-01 00:00:00.123456+00", ref: null, customer: { name: "Bo", address: null }, tags: [], counts: [], note: null },
  ],
};

export const jsonExpected: ExpectedTables = {
  duckdb: jsonDuckdb,
  duckdbDelta: { types: { ...jsonDuckdb.types, ref: "BLOB" }, rows: jsonDuckdb.rows.map((r, i) => (i === 0 ? { ...r, ref: "\\xA0\\xB1\\xC2\\xD3\\xE4\\xF5Jk\\x8C}\\x9E\\x0F\\x1A+<M" } : r)) },
  icebird: [
    { __kafka: icebirdKafka(0, 0, 0, "k1", web), id: 1n, at: new Date("2024-02-29T21:30:00.123Z"), ref: Uint8Array.from(Buffer.from("a0b1c2d3e4f54a6b8c7d9e0f1a2b3c4d", "hex")), customer: { name: "Ada", address: { city: "Oslo", zip: 150n } }, tags: ["a", "b"], counts: { x: 1n, y: 2n }, note: "hi" },
    { __kafka: icebirdKafka(0, 1, 2, "k2", [{ key: "a", value: "1" }, { key: "b", value: "2" }]), id: -3n, at: new Date("1999-12-31T23:59:59Z"), ref: null, customer: { name: "Cy", address: { city: null, zip: null } }, tags: ["c"], counts: { z: -5n }, note: null },
    { __kafka: icebirdKafka(1, 0, 1, null), id: 2n, at: new Date("2024-01-01T00:00:00.123Z"), ref: null, customer: { name: "Bo", address: undefined }, tags: [], counts: {}, note: null },
  ],
  iceberg: {
    __kafka: icebergKafka("string"),
    id: "long",
    at: "timestamptz",
    ref: "uuid?",
    customer: "struct<name: string, address: struct<city: string?, zip: long?>?>",
    tags: "list<string>",
    counts: "map<string, long>",
    note: "string?",
  },
  delta: {
    __kafka: deltaKafka("string"),
    id: "long",
    at: "timestamp",
    ref: "binary?",
    customer: "struct<name: string, address: struct<city: string?, zip: long?>?>",
    tags: "array<string>",
    counts: "map<string, long>",
    note: "string?",
  },
};

export const protobufExpected: ExpectedTables = {
  duckdb: {
    types: {
      __kafka: duckdbKafkaType("STRUCT(region VARCHAR)"),
      id: "BIGINT",
      at: "TIMESTAMP WITH TIME ZONE",
      customer: 'STRUCT("name" VARCHAR, address STRUCT(city VARCHAR, zip INTEGER))',
      tags: "VARCHAR[]",
      counts: "MAP(VARCHAR, INTEGER)",
      note: "VARCHAR",
    },
    rows: [
      // an int64 past 2^53 stays exact; nanoseconds are cut to microseconds
      { __kafka: duckdbKafka(0, 0, 0, { region: "eu" }, web), id: "9007199254740993", at: "2023-11-14 22:13:20.123456+00", customer: { name: "Ada", address: { city: "Oslo", zip: 150 } }, tags: ["a", "b"], counts: [{ key: "x", value: 1 }, { key: "y", value: 2 }], note: "hi" },
      // a set Timestamp of zero and an optional set to "" are present, not null
      { __kafka: duckdbKafka(0, 1, 2, { region: "us" }), id: "-3", at: "1970-01-01 00:00:00+00", customer: { name: "Cy", address: null }, tags: [], counts: [], note: "" },
      // unset messages and optional fields are null; repeated and maps are empty; the empty key is a key
      { __kafka: duckdbKafka(1, 0, 1, { region: "" }), id: "2", at: null, customer: null, tags: [], counts: [], note: null },
    ],
  },
  icebird: [
    { __kafka: icebirdKafka(0, 0, 0, { region: "eu" }, web), id: 9007199254740993n, at: new Date("2023-11-14T22:13:20.123Z"), customer: { name: "Ada", address: { city: "Oslo", zip: 150 } }, tags: ["a", "b"], counts: { x: 1, y: 2 }, note: "hi" },
    { __kafka: icebirdKafka(0, 1, 2, { region: "us" }), id: -3n, at: new Date(0), customer: { name: "Cy", address: undefined }, tags: [], counts: {}, note: "" },
    { __kafka: icebirdKafka(1, 0, 1, { region: "" }), id: 2n, at: null, customer: undefined, tags: [], counts: {}, note: null },
  ],
  iceberg: {
    __kafka: icebergKafka("struct<region: string>"),
    id: "long",
    at: "timestamptz?",
    customer: "struct<name: string, address: struct<city: string, zip: int>?>?",
    tags: "list<string>",
    counts: "map<string, int>",
    note: "string?",
  },
  delta: {
    __kafka: deltaKafka("struct<region: string>"),
    id: "long",
    at: "timestamp?",
    customer: "struct<name: string, address: struct<city: string, zip: integer>?>?",
    tags: "array<string>",
    counts: "map<string, integer>",
    note: "string?",
  },
};

export const avroExpected: ExpectedTables = {
  duckdb: {
    types: {
      __kafka: duckdbKafkaType("BLOB"),
      id: "BIGINT",
      placed: "TIMESTAMP WITH TIME ZONE",
      customer: 'STRUCT("name" VARCHAR, city VARCHAR)',
      lines: "STRUCT(sku VARCHAR, qty INTEGER)[]",
      attrs: "MAP(VARCHAR, VARCHAR)",
      note: "VARCHAR",
    },
    rows: [
      { __kafka: duckdbKafka(0, 0, 0, "o1", web), id: "1", placed: "2023-11-14 22:13:20.123+00", customer: { name: "Ada", city: "Oslo" }, lines: [{ sku: "tea", qty: 2 }], attrs: [{ key: "gift", value: "yes" }], note: "hi" },
      { __kafka: duckdbKafka(0, 1, 1, null), id: "2", placed: "1970-01-01 00:00:00+00", customer: { name: "Bo", city: null }, lines: [], attrs: [], note: null },
    ],
  },
  icebird: [
    { __kafka: icebirdKafka(0, 0, 0, "o1", web), id: 1n, placed: new Date(1_700_000_000_123), customer: { name: "Ada", city: "Oslo" }, lines: [{ sku: "tea", qty: 2 }], attrs: { gift: "yes" }, note: "hi" },
    { __kafka: icebirdKafka(0, 1, 1, null), id: 2n, placed: new Date(0), customer: { name: "Bo", city: null }, lines: [], attrs: {}, note: null },
  ],
  iceberg: {
    __kafka: icebergKafka("binary"),
    id: "long",
    placed: "timestamptz",
    customer: "struct<name: string, city: string?>",
    lines: "list<struct<sku: string, qty: int>>",
    attrs: "map<string, string>",
    note: "string?",
  },
  delta: {
    __kafka: deltaKafka("binary"),
    id: "long",
    placed: "timestamp",
    customer: "struct<name: string, city: string?>",
    lines: "array<struct<sku: string, qty: integer>>",
    attrs: "map<string, string>",
    note: "string?",
  },
};

/** A topic without a schema: key and value are bytes. */
export const rawExpected: ExpectedTables = {
  duckdb: {
    types: { __kafka: duckdbKafkaType("BLOB"), value: "BLOB" },
    rows: [
      { __kafka: duckdbKafka(0, 0, 0, "r1"), value: "first" },
      { __kafka: duckdbKafka(0, 1, 1, null), value: "\\x00\\xFF" },
    ],
  },
};
