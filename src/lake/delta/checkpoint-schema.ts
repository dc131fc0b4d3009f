// The Parquet schema of a classic V1 checkpoint: one optional struct column per action type, each
// row holding one action. Maps are map<string,string> (key required), arrays are 3-level lists,
// longs are INT64. readerFeatures/writerFeatures are always in the schema: the protocol allows them
// null when the table is below reader 3 / writer 7.

import type { SchemaElement } from "hyparquet-writer";

type Column = SchemaElement[];

const text = (name: string): Column => [{ name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" }];
const long = (name: string): Column => [{ name, type: "INT64", repetition_type: "OPTIONAL" }];
const int = (name: string): Column => [{ name, type: "INT32", repetition_type: "OPTIONAL" }];
const boolean = (name: string): Column => [{ name, type: "BOOLEAN", repetition_type: "OPTIONAL" }];

const struct = (name: string, ...children: Column[]): Column => [
  { name, repetition_type: "OPTIONAL", num_children: children.length },
  ...children.flat(),
];

const stringMap = (name: string): Column => [
  { name, repetition_type: "OPTIONAL", converted_type: "MAP", num_children: 1 },
  { name: "key_value", repetition_type: "REPEATED", num_children: 2 },
  { name: "key", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  ...text("value"),
];

const stringList = (name: string): Column => [
  { name, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  ...text("element"),
];

const columns: Column[] = [
  struct("txn", text("appId"), long("version"), long("lastUpdated")),
  struct("add", text("path"), stringMap("partitionValues"), long("size"), long("modificationTime"), boolean("dataChange"), text("stats"), stringMap("tags")),
  struct("remove", text("path"), long("deletionTimestamp"), boolean("dataChange")),
  struct(
    "metaData",
    text("id"),
    text("name"),
    text("description"),
    struct("format", text("provider"), stringMap("options")),
    text("schemaString"),
    stringList("partitionColumns"),
    stringMap("configuration"),
    long("createdTime"),
  ),
  struct("protocol", int("minReaderVersion"), int("minWriterVersion"), stringList("readerFeatures"), stringList("writerFeatures")),
];

export const CHECKPOINT_COLUMNS = ["txn", "add", "remove", "metaData", "protocol"] as const;

export const CHECKPOINT_SCHEMA: SchemaElement[] = [{ name: "spark_schema", num_children: columns.length }, ...columns.flat()];
