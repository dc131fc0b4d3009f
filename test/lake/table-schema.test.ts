import { describe, expect, test } from "bun:test";
import { evolve, tableSchema } from "../../src/lake/table-schema.ts";
import type { LakeField, LakeSchema, LakeType } from "../../src/lake/types.ts";
import { compileSchema } from "../../src/schema/compile.ts";

/** A field with a placeholder id, as a mapping hands it over. */
const f = (name: string, type: LakeType, required = true): LakeField => ({ id: 0, name, required, type });
const find = (fields: readonly LakeField[], name: string): LakeField => {
  const found = fields.find((x) => x.name === name);
  if (found === undefined) throw new Error(`no field ${name}`);
  return found;
};

const base = [
  f("count", { kind: "int" }),
  f("ratio", { kind: "float" }),
  f("price", { kind: "decimal", precision: 9, scale: 2 }),
  f("label", { kind: "string" }),
  f("tags", { kind: "list", elementId: 0, elementRequired: true, element: { kind: "string" } }),
  f("attrs", { kind: "map", keyId: 0, valueId: 0, valueRequired: false, key: { kind: "string" }, value: { kind: "int" } }),
  f("address", { kind: "struct", fields: [f("street", { kind: "string" }), f("zip", { kind: "int" }, false)] }),
];

describe("table schema evolution", () => {
  test("a first schema numbers a struct's fields before what they contain, from 1", () => {
    const first = evolve(base, null);
    expect(first.schemaId).toBe(0);
    expect(first.fields.map((x) => [x.name, x.id, x.required])).toEqual([
      ["count", 1, true], ["ratio", 2, true], ["price", 3, true], ["label", 4, true], ["tags", 5, true], ["attrs", 6, true], ["address", 7, true],
    ]);
    expect(find(first.fields, "tags").type).toEqual({ kind: "list", elementId: 8, elementRequired: true, element: { kind: "string" } });
    expect(find(first.fields, "attrs").type).toMatchObject({ keyId: 9, valueId: 10 });
    expect(find(first.fields, "address").type).toEqual({ kind: "struct", fields: [{ id: 11, name: "street", required: true, type: { kind: "string" } }, { id: 12, name: "zip", required: false, type: { kind: "int" } }] });
    expect(first.lastColumnId).toBe(12);
  });

  test("an unchanged schema is the previous schema itself", () => {
    const first = evolve(base, null);
    expect(evolve(base, first)).toBe(first);
  });

  test("promotions keep ids; new fields get ids above lastColumnId and are optional; incompatible changes get new ids", () => {
    const first = evolve(base, null);
    const changed = [
      f("count", { kind: "long" }),
      f("ratio", { kind: "double" }),
      f("price", { kind: "decimal", precision: 12, scale: 2 }),
      f("label", { kind: "int" }),
      f("tags", { kind: "list", elementId: 0, elementRequired: true, element: { kind: "long" } }),
      f("attrs", { kind: "map", keyId: 0, valueId: 0, valueRequired: true, key: { kind: "string" }, value: { kind: "long" } }),
      f("address", { kind: "struct", fields: [f("street", { kind: "string" }), f("zip", { kind: "int" }), f("city", { kind: "string" })] }),
      f("added", { kind: "struct", fields: [f("inner", { kind: "boolean" })] }),
    ];
    const next = evolve(changed, first);
    expect(next.schemaId).toBe(1);
    expect(next.fields.map((x) => [x.name, x.id, x.required])).toEqual([
      ["count", 1, true], ["ratio", 2, true], ["price", 3, true],
      // string → int is no promotion: the old label is dropped and a new, optional one added
      ["label", 13, false],
      ["tags", 5, true], ["attrs", 6, true], ["address", 7, true],
      ["added", 14, false],
    ]);
    // string → long elements: a new element id, optional since old files hold other elements
    expect(find(next.fields, "tags").type).toEqual({ kind: "list", elementId: 15, elementRequired: false, element: { kind: "long" } });
    // int → long values keep their id; an optional value stays optional
    expect(find(next.fields, "attrs").type).toMatchObject({ keyId: 9, valueId: 10, valueRequired: false, value: { kind: "long" } });
    const address = find(next.fields, "address").type;
    expect(address.kind === "struct" && address.fields.map((x) => [x.name, x.id, x.required])).toEqual([["street", 11, true], ["zip", 12, false], ["city", 16, false]]);
    // a new struct's own fields keep their requiredness: old files lack the whole struct
    const added = find(next.fields, "added").type;
    expect(added.kind === "struct" && added.fields).toEqual([{ id: 17, name: "inner", required: true, type: { kind: "boolean" } }]);
    expect(next.lastColumnId).toBe(17);
  });

  test("decimal scale changes and narrowing are not promotions; a dropped name reappearing gets a fresh id", () => {
    const first = evolve(base, null);
    const next = evolve([f("count", { kind: "int" }), f("price", { kind: "decimal", precision: 12, scale: 3 })], first);
    expect(next.fields.map((x) => [x.name, x.id])).toEqual([["count", 1], ["price", 13]]);
    const wider = evolve([f("count", { kind: "long" }), f("ratio", { kind: "float" })], next);
    expect(wider.fields.map((x) => [x.name, x.id])).toEqual([["count", 1], ["ratio", 14]]);
    const narrower = evolve([f("count", { kind: "int" })], wider);
    expect(narrower.fields.map((x) => [x.name, x.id])).toEqual([["count", 15]]);
    expect(narrower).toMatchObject({ schemaId: 3, lastColumnId: 15 });
  });

  test("ids are kept across real schema versions of a topic, __kafka included", async () => {
    const avro = (fields: unknown[]) => compileSchema("avro", JSON.stringify({ type: "record", name: "T", fields: [{ name: "key", type: "string" }, { name: "value", type: { type: "record", name: "V", fields } }] }), "t.avsc");
    const v1 = tableSchema(await avro([{ name: "id", type: "int" }]), null);
    if (v1.kind !== "schema") throw new Error(v1.message);
    const v2 = tableSchema(await avro([{ name: "id", type: "long" }, { name: "name", type: "string" }]), v1.schema);
    if (v2.kind !== "schema") throw new Error(v2.message);
    expect(v2.schema.fields[0]).toEqual(v1.schema.fields[0]!);
    expect(v2.schema.fields.map((x) => [x.name, x.id, x.required, x.type.kind])).toEqual([["__kafka", 1, true, "struct"], ["id", 2, true, "long"], ["name", v1.schema.lastColumnId + 1, false, "string"]]);
  });
});

describe("the metadata column", () => {
  test("__kafka holds partition, offset, timestamp, the key and the headers", async () => {
    const schema = await compileSchema("json", JSON.stringify({ properties: { value: { type: "object", properties: { a: { type: "integer" } } } } }), "t.json");
    const result = tableSchema(schema, null);
    if (result.kind !== "schema") throw new Error(result.message);
    const kafka: LakeSchema["fields"][number] = result.schema.fields[0]!;
    expect(kafka).toMatchObject({ name: "__kafka", required: true });
    expect(kafka.type.kind === "struct" && kafka.type.fields.map((x) => ({ name: x.name, required: x.required, type: x.type }))).toEqual([
      { name: "partition", required: true, type: { kind: "int" } },
      { name: "offset", required: true, type: { kind: "long" } },
      { name: "timestamp", required: true, type: { kind: "timestamptz" } },
      { name: "key", required: false, type: { kind: "binary" } },
      { name: "headers", required: false, type: { kind: "list", elementId: expect.any(Number), elementRequired: true, element: { kind: "struct", fields: [expect.objectContaining({ name: "key", required: true, type: { kind: "string" } }), expect.objectContaining({ name: "value", required: false, type: { kind: "binary" } })] } } },
    ]);
    // the value part is not in the root's `required`, so its columns are optional
    expect(result.schema.fields[1]).toMatchObject({ name: "a", required: false, type: { kind: "long" } });
  });

  test("a value field named __kafka is an error result, not a throw", async () => {
    const schema = await compileSchema("avro", JSON.stringify({ type: "record", name: "T", fields: [{ name: "value", type: { type: "record", name: "V", fields: [{ name: "__kafka", type: "int" }] } }] }), "orders.avsc");
    expect(tableSchema(schema, null)).toEqual({
      kind: "error",
      message: "the value schema of orders.avsc has a field named __kafka: that column name is reserved for the record's Kafka metadata",
    });
  });
});
