import { describe, expect, test } from "bun:test";
import type { MappedTopic } from "../../src/lake/map-topic.ts";
import { type KafkaRecord, toRow } from "../../src/lake/rows.ts";
import { tableSchema } from "../../src/lake/table-schema.ts";
import type { LakeSchema, Row } from "../../src/lake/types.ts";
import { compileSchema } from "../../src/schema/compile.ts";
import { readBack } from "./read-back.ts";

const schemaText = JSON.stringify({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  required: ["value"],
  properties: {
    key: { type: "string", format: "uuid" },
    value: {
      type: "object",
      required: ["id", "when", "items", "customer"],
      properties: {
        id: { type: "integer" },
        price: { type: "number" },
        paid: { type: "boolean" },
        note: { type: ["string", "null"] },
        day: { type: "string", format: "date" },
        when: { type: "string", format: "date-time" },
        opens: { type: "string", format: "time" },
        ref: { type: "string", format: "uuid" },
        email: { type: "string", format: "email" },
        items: { type: "array", items: { $ref: "#/$defs/item" } },
        customer: { $ref: "#/$defs/customer" },
        counts: { type: "object", additionalProperties: { type: "integer" } },
        extra: { type: "object" },
        either: { oneOf: [{ type: "string" }, { type: "integer" }] },
        maybe: { oneOf: [{ type: "null" }, { type: "number" }] },
        anything: {},
        tree: { $ref: "#/$defs/tree" },
      },
    },
  },
  $defs: {
    item: { type: "object", required: ["sku"], properties: { sku: { type: "string" }, qty: { type: "integer" } } },
    customer: { type: "object", required: ["name"], properties: { name: { type: "string" }, tags: { type: "array", items: { type: "string" } } } },
    tree: { type: "object", properties: { label: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/tree" } } } },
  },
});

const encoder = new TextEncoder();
const json = (v: unknown) => encoder.encode(JSON.stringify(v));

async function topic(): Promise<{ schema: LakeSchema; mapped: MappedTopic }> {
  const result = tableSchema(await compileSchema("json", schemaText, "orders.json"), null);
  if (result.kind !== "schema") throw new Error(result.message);
  return result;
}

const record = (offset: bigint, value: unknown, key: unknown = "0b5e7c3e-4a8d-4f0e-9b1a-2f6d8c9e0a1b"): KafkaRecord => ({
  partition: 0,
  offset,
  timestamp: 1_700_000_000_000n,
  key: key === null ? null : json(key),
  value: value === null ? null : json(value),
  headers: [],
});

function row(mapped: MappedTopic, r: KafkaRecord): Row {
  const result = toRow(r, mapped);
  if (result.kind !== "row") throw new Error(result.message);
  return result.row;
}

const full = {
  id: 42,
  price: 9.5,
  paid: true,
  note: "ring twice",
  day: "2024-02-29",
  when: "2024-02-29T23:30:00.123456+02:00",
  opens: "08:15:30.5Z",
  ref: "A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D",
  email: "a@example.com",
  items: [{ sku: "tea", qty: 2 }, { sku: "cup" }],
  customer: { name: "Ada", tags: ["vip"] },
  counts: { red: 1, blue: 2 },
  extra: { nested: [1, { deep: true }] },
  either: 5,
  maybe: 1.25,
  anything: [null, "x"],
  tree: { label: "root", children: [{ label: "leaf", children: [] }] },
};

describe("JSON Schema topics as Parquet", () => {
  test("types, formats, $refs, maps and JSON-text fallbacks read back in DuckDB", async () => {
    const { schema, mapped } = await topic();
    const back = await readBack(schema, [row(mapped, record(0n, full)), row(mapped, record(1n, { id: -1, when: "2024-01-01T00:00:00Z", items: [], customer: { name: "Bo" }, note: null }))], "SELECT * FROM t ORDER BY __kafka.offset");
    expect(back.types).toMatchObject({
      id: "BIGINT",
      price: "DOUBLE",
      paid: "BOOLEAN",
      note: "VARCHAR",
      day: "DATE",
      when: "TIMESTAMP WITH TIME ZONE",
      opens: "TIME",
      ref: "UUID",
      email: "VARCHAR",
      items: "STRUCT(sku VARCHAR, qty BIGINT)[]",
      customer: "STRUCT(\"name\" VARCHAR, tags VARCHAR[])",
      counts: "MAP(VARCHAR, BIGINT)",
      extra: "MAP(VARCHAR, VARCHAR)",
      either: "VARCHAR",
      maybe: "DOUBLE",
      anything: "VARCHAR",
      tree: "STRUCT(\"label\" VARCHAR, children VARCHAR[])",
    });
    expect(back.types.__kafka).toContain('"key" UUID');
    expect(back.rows[0]).toMatchObject({
      __kafka: { partition: 0, offset: "0", key: "0b5e7c3e-4a8d-4f0e-9b1a-2f6d8c9e0a1b", headers: [] },
      id: "42",
      price: 9.5,
      paid: true,
      note: "ring twice",
      day: "2024-02-29",
      when: "2024-02-29 21:30:00.123456+00",
      opens: "08:15:30.5",
      ref: "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d",
      email: "a@example.com",
      items: [{ sku: "tea", qty: "2" }, { sku: "cup", qty: null }],
      customer: { name: "Ada", tags: ["vip"] },
      counts: [{ key: "red", value: "1" }, { key: "blue", value: "2" }],
      extra: [{ key: "nested", value: '[1,{"deep":true}]' }],
      either: "5",
      maybe: 1.25,
      anything: '[null,"x"]',
      tree: { label: "root", children: ['{"label":"leaf","children":[]}'] },
    });
    expect(back.rows[1]).toMatchObject({ id: "-1", price: null, note: null, day: null, items: [], customer: { name: "Bo", tags: null }, counts: null, tree: null });
  });

  test("required follows `required` and null in the type; the value part's own requiredness comes from the root", async () => {
    const { schema } = await topic();
    const required = Object.fromEntries(schema.fields.map((f) => [f.name, f.required]));
    expect(required).toMatchObject({ __kafka: true, id: true, when: true, items: true, customer: true, price: false, note: false, maybe: false });
    const items = schema.fields.find((f) => f.name === "items")!.type;
    expect(items.kind === "list" && items.elementRequired).toBe(true);
  });

  test("values that do not fit their types are error results", async () => {
    const { mapped } = await topic();
    const base = { id: 1, when: "2024-01-01T00:00:00Z", items: [], customer: { name: "x" } };
    const error = (value: unknown) => {
      const result = toRow(record(0n, value), mapped);
      return result.kind === "error" ? result.message : "no error";
    };
    expect(error({ ...base, id: "1" })).toBe("value: expected an integer, got string 1");
    expect(error({ ...base, day: "2023-02-29" })).toBe("value: not a valid date: 2023-02-29");
    expect(error({ ...base, when: "yesterday" })).toBe("value: not an RFC 3339 date-time: yesterday");
    expect(error({ ...base, customer: {} })).toBe("value: missing required property name");
    expect(error({ ...base, id: 2 ** 64 })).toBe("value: integer 18446744073709551616 does not fit a long");
    expect(toRow({ ...record(0n, null), value: encoder.encode("{not json") }, mapped).kind).toBe("error");
    expect(toRow(record(0n, base, 17), mapped)).toEqual({ kind: "error", message: "key: expected a string, got number 17" });
  });
});
