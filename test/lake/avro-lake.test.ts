import { describe, expect, test } from "bun:test";
import avro from "avsc";
import type { MappedTopic } from "../../src/lake/map-topic.ts";
import { type KafkaRecord, toRow } from "../../src/lake/rows.ts";
import { tableSchema } from "../../src/lake/table-schema.ts";
import type { LakeSchema, Row } from "../../src/lake/types.ts";
import { compileSchema } from "../../src/schema/compile.ts";
import { readBack } from "./read-back.ts";

const address = { type: "record", name: "Address", namespace: "shop", fields: [{ name: "street", type: "string" }, { name: "zip", type: ["null", "int"], default: null }] };
const line = { type: "record", name: "Line", fields: [{ name: "sku", type: "string" }, { name: "qty", type: "int" }] };
const order = {
  type: "record",
  name: "Order",
  namespace: "shop",
  fields: [
    { name: "id", type: "long" },
    { name: "note", type: ["null", "string"] },
    { name: "size", type: { type: "enum", name: "Size", symbols: ["S", "M", "L"] } },
    { name: "tags", type: { type: "array", items: "string" } },
    { name: "stock", type: { type: "map", values: ["null", "long"] } },
    { name: "ship_to", type: address },
    { name: "lines", type: { type: "array", items: line } },
    { name: "choice", type: ["null", "int", "string"] },
    { name: "either", type: ["long", "string", { type: "enum", name: "Color", symbols: ["RED", "BLUE"] }, "Address"] },
    { name: "raw", type: { type: "fixed", name: "Raw", size: 4 } },
    { name: "ratio", type: "float" },
    { name: "amount", type: { type: "bytes", logicalType: "decimal", precision: 9, scale: 2 } },
    { name: "total", type: { type: "fixed", name: "Total", size: 12, logicalType: "decimal", precision: 26, scale: 4 } },
    { name: "day", type: { type: "int", logicalType: "date" } },
    { name: "at_ms", type: { type: "int", logicalType: "time-millis" } },
    { name: "at_us", type: { type: "long", logicalType: "time-micros" } },
    { name: "ts_ms", type: { type: "long", logicalType: "timestamp-millis" } },
    { name: "ts_us", type: { type: "long", logicalType: "timestamp-micros" } },
    { name: "local_ms", type: { type: "long", logicalType: "local-timestamp-millis" } },
    { name: "local_us", type: { type: "long", logicalType: "local-timestamp-micros" } },
    { name: "uid", type: { type: "string", logicalType: "uuid" } },
    { name: "bad_decimal", type: { type: "fixed", name: "Tiny", size: 2, logicalType: "decimal", precision: 9 } },
  ],
};

/** Two's complement, big-endian, in `size` bytes (or the fewest that hold n). */
function twos(n: bigint, size?: number): Buffer {
  let length = size ?? 1;
  while (size === undefined && (n >= 1n << BigInt(8 * length - 1) || n < -(1n << BigInt(8 * length - 1)))) length++;
  const out = Buffer.alloc(length);
  let x = BigInt.asUintN(8 * length, n);
  for (let i = length - 1; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn);
  return out;
}

const orderType = avro.Type.forSchema(order as avro.Schema);
const keyType = avro.Type.forSchema({ type: "record", name: "OrderKey", fields: [{ name: "shop", type: "string" }, { name: "n", type: "int" }] });

const first = {
  id: 4503599627370497,
  note: "fragile",
  size: "M",
  tags: ["a", "b"],
  stock: { tea: 3, cake: null },
  ship_to: { street: "1 Main St", zip: 12345 },
  lines: [{ sku: "t-1", qty: 2 }],
  choice: "many",
  either: { "shop.Color": "BLUE" },
  raw: Buffer.from([1, 2, 3, 4]),
  ratio: 0.5,
  amount: twos(-12345n),
  total: twos(12345678901234567890123n, 12),
  day: 19723,
  at_ms: 3_723_004,
  at_us: 3_723_000_005,
  ts_ms: 1_704_067_200_123,
  ts_us: 1_704_067_200_123_456,
  local_ms: 1_704_067_200_000,
  local_us: 1_704_067_200_000_001,
  uid: "123E4567-E89B-12D3-A456-426614174000",
  bad_decimal: Buffer.from([0, 7]),
};
const second = { ...first, id: 2, note: null, tags: [], stock: {}, ship_to: { street: "2 High St", zip: null }, lines: [], choice: 7, either: { long: 5 } };

async function topic(): Promise<{ schema: LakeSchema; mapped: MappedTopic }> {
  const text = JSON.stringify({ type: "record", name: "Orders", fields: [{ name: "key", type: keyType.schema() }, { name: "value", type: order }] });
  const result = tableSchema(await compileSchema("avro", text, "orders.avsc"), null);
  if (result.kind !== "schema") throw new Error(result.message);
  return result;
}

const record = (offset: bigint, value: Uint8Array | null, key: Uint8Array | null = keyType.toBuffer({ shop: "north", n: Number(offset) })): KafkaRecord => ({
  partition: 3,
  offset,
  timestamp: 1_704_067_200_000n + offset,
  key,
  value,
  headers: offset === 0n ? [{ key: "trace", value: Uint8Array.of(0xca, 0xfe) }, { key: "empty", value: null }] : [],
});

function row(mapped: MappedTopic, r: KafkaRecord): Row {
  const result = toRow(r, mapped);
  if (result.kind !== "row") throw new Error(result.message);
  return result.row;
}

describe("Avro topics as Parquet", () => {
  test("values of every kind read back in DuckDB with the types and field ids of the table schema", async () => {
    const { schema, mapped } = await topic();
    const rows = [row(mapped, record(0n, orderType.toBuffer(first))), row(mapped, record(1n, orderType.toBuffer(second)))];
    const back = await readBack(schema, rows, "SELECT * FROM t ORDER BY __kafka.offset");
    expect(back.types).toMatchObject({
      __kafka: 'STRUCT("partition" INTEGER, "offset" BIGINT, "timestamp" TIMESTAMP WITH TIME ZONE, "key" STRUCT(shop VARCHAR, n INTEGER), headers STRUCT("key" VARCHAR, "value" BLOB)[])',
      id: "BIGINT",
      note: "VARCHAR",
      size: "VARCHAR",
      tags: "VARCHAR[]",
      stock: "MAP(VARCHAR, BIGINT)",
      ship_to: "STRUCT(street VARCHAR, zip INTEGER)",
      lines: "STRUCT(sku VARCHAR, qty INTEGER)[]",
      choice: 'STRUCT("int" INTEGER, string VARCHAR)',
      either: 'STRUCT(long BIGINT, string VARCHAR, Color VARCHAR, Address STRUCT(street VARCHAR, zip INTEGER))',
      raw: "BLOB",
      ratio: "FLOAT",
      amount: "DECIMAL(9,2)",
      total: "DECIMAL(26,4)",
      day: "DATE",
      at_ms: "TIME",
      at_us: "TIME",
      ts_ms: "TIMESTAMP WITH TIME ZONE",
      ts_us: "TIMESTAMP WITH TIME ZONE",
      local_ms: "TIMESTAMP",
      local_us: "TIMESTAMP",
      uid: "UUID",
      bad_decimal: "BLOB",
    });
    const [a, b] = back.rows;
    expect(a).toMatchObject({
      __kafka: { partition: 3, offset: "0", timestamp: "2024-01-01 00:00:00+00", key: { shop: "north", n: 0 }, headers: [{ key: "trace", value: "\\xCA\\xFE" }, { key: "empty", value: null }] },
      id: "4503599627370497",
      note: "fragile",
      size: "M",
      tags: ["a", "b"],
      stock: [{ key: "tea", value: "3" }, { key: "cake", value: null }],
      ship_to: { street: "1 Main St", zip: 12345 },
      lines: [{ sku: "t-1", qty: 2 }],
      choice: { int: null, string: "many" },
      either: { long: null, string: null, Color: "BLUE", Address: null },
      raw: "\\x01\\x02\\x03\\x04",
      ratio: 0.5,
      amount: "-123.45",
      total: "1234567890123456789.0123",
      day: "2024-01-01",
      at_ms: "01:02:03.004",
      at_us: "01:02:03.000005",
      ts_ms: "2024-01-01 00:00:00.123+00",
      ts_us: "2024-01-01 00:00:00.123456+00",
      local_ms: "2024-01-01 00:00:00",
      local_us: "2024-01-01 00:00:00.000001",
      uid: "123e4567-e89b-12d3-a456-426614174000",
      bad_decimal: "\\x00\\x07",
    });
    expect(b).toMatchObject({ __kafka: { offset: "1", headers: [] }, id: "2", note: null, tags: [], stock: [], ship_to: { street: "2 High St", zip: null }, lines: [], choice: { int: 7, string: null }, either: { long: "5", Color: null } });

    const byName = new Map(schema.fields.map((f) => [f.name, f]));
    expect(back.elements.get("id")).toEqual({ type: "INT64", logical: null, fieldId: byName.get("id")!.id, repetition: "REQUIRED" });
    expect(back.elements.get("note")?.repetition).toBe("OPTIONAL");
    expect(back.elements.get("amount")).toMatchObject({ type: "INT64", fieldId: byName.get("amount")!.id });
    expect(back.elements.get("total")).toMatchObject({ type: "FIXED_LEN_BYTE_ARRAY", fieldId: byName.get("total")!.id });
    expect(back.elements.get("uid")).toMatchObject({ type: "FIXED_LEN_BYTE_ARRAY", logical: "UUIDType()" });
    expect(back.elements.get("local_us")?.logical).toContain("isAdjustedToUTC=0");
    expect(back.elements.get("ts_us")?.logical).toContain("isAdjustedToUTC=1");
    const tags = byName.get("tags")!.type;
    if (tags.kind !== "list") throw new Error("tags is not a list");
    expect(back.elements.get("tags.list.element")).toMatchObject({ fieldId: tags.elementId, repetition: "REQUIRED" });
    const stock = byName.get("stock")!.type;
    if (stock.kind !== "map") throw new Error("stock is not a map");
    expect(back.elements.get("stock.key_value.key")).toMatchObject({ fieldId: stock.keyId, repetition: "REQUIRED" });
    expect(back.elements.get("stock.key_value.value")).toMatchObject({ fieldId: stock.valueId, repetition: "OPTIONAL" });
    // every element but the list and map wrappers carries an id, all different
    const ids = [...back.elements].filter(([path]) => !/\.(list|key_value)$/.test(path)).map(([, e]) => e.fieldId);
    expect(ids.every((id) => id !== null)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("a file for a Delta table writes time as a plain long and uuid as its 16 bytes", async () => {
    const { schema, mapped } = await topic();
    const back = await readBack(schema, [row(mapped, record(0n, orderType.toBuffer(first)))], "SELECT at_us, hex(uid) AS uid, day, ts_us FROM t", "delta");
    expect(back.types).toMatchObject({ at_us: "BIGINT", uid: "BLOB", day: "DATE", ts_us: "TIMESTAMP WITH TIME ZONE" });
    expect(back.rows[0]).toEqual({
      at_us: "3723000005",
      uid: "123E4567E89B12D3A456426614174000",
      day: "2024-01-01",
      ts_us: "2024-01-01 00:00:00.123456+00",
    });
    expect(back.elements.get("uid")).toMatchObject({ type: "FIXED_LEN_BYTE_ARRAY", logical: null });
    expect(back.elements.get("at_us")).toMatchObject({ type: "INT64", logical: null });
  });

  test("a value that does not decode, or a missing required value, is an error result", async () => {
    const { mapped } = await topic();
    const good = orderType.toBuffer(first);
    expect(toRow(record(0n, good.subarray(0, 10)), mapped)).toEqual({ kind: "error", message: "value: truncated buffer" });
    expect(toRow(record(0n, null), mapped)).toEqual({ kind: "error", message: "value: null, but the schema requires one" });
    expect(toRow(record(0n, good, Uint8Array.of(0xff)), mapped).kind).toBe("error");
    expect(toRow(record(0n, good, null), mapped).kind).toBe("row");
    const badUuid = orderType.toBuffer({ ...first, uid: "not-a-uuid" });
    expect(toRow(record(0n, badUuid), mapped)).toEqual({ kind: "error", message: "value: expected a UUID in 8-4-4-4-12 form, got string not-a-uuid" });
  });

  test("a value that is not a record is one column named value; a record that recurs is JSON text", async () => {
    const node = { type: "record", name: "Node", fields: [{ name: "label", type: "string" }, { name: "next", type: ["null", "Node"] }] };
    const text = JSON.stringify({ type: "record", name: "T", fields: [{ name: "value", type: ["null", { type: "array", items: node }] }] });
    const result = tableSchema(await compileSchema("avro", text, "t.avsc"), null);
    if (result.kind !== "schema") throw new Error(result.message);
    expect(result.schema.fields.map((f) => [f.name, f.required])).toEqual([["__kafka", true], ["value", false]]);
    const value = avro.Type.forSchema(["null", { type: "array", items: node }] as avro.Schema, { wrapUnions: true });
    const bytes = value.toBuffer({ array: [{ label: "a", next: { Node: { label: "b", next: null } } }] });
    const back = await readBack(result.schema, [row(result.mapped, record(0n, bytes, null)), row(result.mapped, record(1n, null, null))]);
    expect(back.types.value).toBe('STRUCT("label" VARCHAR, "next" VARCHAR)[]');
    expect(back.types.__kafka).toContain('"key" BLOB');
    expect(back.rows.map((r) => r.value)).toEqual([[{ label: "a", next: '{"label":"b","next":null}' }], null]);
  });

  test("DataFile statistics: null counts and bounds of top-level primitives and of __kafka partition, offset and timestamp", async () => {
    const { schema, mapped } = await topic();
    const { columnStats } = await import("../../src/lake/parquet-stats.ts");
    const rows = [row(mapped, record(5n, orderType.toBuffer(first))), row(mapped, record(6n, orderType.toBuffer(second)))];
    const stats = columnStats(schema.fields, rows);
    const id = (name: string) => schema.fields.find((f) => f.name === name)!.id;
    const kafka = schema.fields[0]!.type;
    if (kafka.kind !== "struct") throw new Error("__kafka is not a struct");
    const kafkaId = (name: string) => kafka.fields.find((f) => f.name === name)!.id;
    expect(stats.get(id("id"))).toEqual({ nullCount: 0, min: 2n, max: 4503599627370497n });
    expect(stats.get(id("note"))).toEqual({ nullCount: 1, min: "fragile", max: "fragile" });
    expect(stats.get(id("raw"))).toEqual({ nullCount: 0 });
    expect(stats.get(id("amount"))).toEqual({ nullCount: 0, min: -12345n, max: -12345n });
    expect(stats.get(kafkaId("offset"))).toEqual({ nullCount: 0, min: 5n, max: 6n });
    expect(stats.get(kafkaId("partition"))).toEqual({ nullCount: 0, min: 3, max: 3 });
    expect(stats.get(kafkaId("timestamp"))).toEqual({ nullCount: 0, min: 1_704_067_200_005_000n, max: 1_704_067_200_006_000n });
    expect(stats.has(id("tags"))).toBe(false);
    expect(stats.has(kafkaId("key"))).toBe(false);
  });
});
