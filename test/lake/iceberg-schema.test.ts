// LakeSchema ↔ Iceberg schema JSON (table spec, Appendix C), bound serialization (Appendix D) and
// the day transform.

import { describe, expect, test } from "bun:test";
import { serializeBound } from "../../src/lake/iceberg/bounds.ts";
import { IcebergError, icebergDay } from "../../src/lake/iceberg/index.ts";
import { fromIcebergSchema, toIcebergSchema } from "../../src/lake/iceberg/schema.ts";
import type { LakeSchema } from "../../src/lake/types.ts";

const SCHEMA: LakeSchema = {
  schemaId: 3,
  lastColumnId: 40,
  fields: [
    { id: 1, name: "b", required: true, type: { kind: "boolean" } },
    { id: 2, name: "i", required: false, type: { kind: "int" }, doc: "an int" },
    { id: 3, name: "l", required: false, type: { kind: "long" } },
    { id: 4, name: "f", required: false, type: { kind: "float" } },
    { id: 5, name: "d", required: false, type: { kind: "double" } },
    { id: 6, name: "money", required: false, type: { kind: "decimal", precision: 9, scale: 2 } },
    { id: 7, name: "day", required: false, type: { kind: "date" } },
    { id: 8, name: "t", required: false, type: { kind: "time" } },
    { id: 9, name: "ts", required: false, type: { kind: "timestamp" } },
    { id: 10, name: "tstz", required: false, type: { kind: "timestamptz" } },
    { id: 11, name: "s", required: false, type: { kind: "string" } },
    { id: 12, name: "u", required: false, type: { kind: "uuid" } },
    { id: 13, name: "bin", required: false, type: { kind: "binary" } },
    { id: 14, name: "tags", required: false, type: { kind: "list", elementId: 15, elementRequired: false, element: { kind: "string" } } },
    {
      id: 16,
      name: "attrs",
      required: false,
      type: { kind: "map", keyId: 17, valueId: 18, valueRequired: true, key: { kind: "string" }, value: { kind: "struct", fields: [{ id: 19, name: "x", required: true, type: { kind: "long" } }] } },
    },
  ],
};

describe("schema JSON", () => {
  test("every type in the spec's JSON form, and back", () => {
    const json = toIcebergSchema(SCHEMA);
    expect(json["schema-id"]).toBe(3);
    expect(json.type).toBe("struct");
    expect(json.fields.map((f) => f.type).slice(0, 13)).toEqual(["boolean", "int", "long", "float", "double", "decimal(9,2)", "date", "time", "timestamp", "timestamptz", "string", "uuid", "binary"]);
    expect(json.fields[1]).toEqual({ id: 2, name: "i", required: false, type: "int", doc: "an int" });
    expect(json.fields[13]?.type).toEqual({ type: "list", "element-id": 15, "element-required": false, element: "string" });
    expect(json.fields[14]?.type).toEqual({
      type: "map",
      "key-id": 17,
      key: "string",
      "value-id": 18,
      "value-required": true,
      value: { type: "struct", fields: [{ id: 19, name: "x", required: true, type: "long" }] },
    });
    expect(fromIcebergSchema(JSON.parse(JSON.stringify(json)), 40)).toEqual(SCHEMA);
  });

  test("decimals with a space read; types the lake does not write are refused by name", () => {
    const schema = (type: unknown) => ({ "schema-id": 0, type: "struct", fields: [{ id: 1, name: "x", required: true, type }] });
    expect(fromIcebergSchema(schema("decimal(9, 2)"), 1).fields[0]?.type).toEqual({ kind: "decimal", precision: 9, scale: 2 });
    expect(() => fromIcebergSchema(schema("fixed[16]"), 1)).toThrow(new IcebergError('schema 0.x: type "fixed[16]" is not one the lake writes'));
    expect(() => fromIcebergSchema(schema({ type: "list", element: "int" }), 1)).toThrow(IcebergError);
  });
});

const hex = (bytes: Uint8Array | null): string | null => (bytes === null ? null : Buffer.from(bytes).toString("hex"));

describe("bounds", () => {
  test("binary single-value serialization", () => {
    expect(hex(serializeBound({ kind: "boolean" }, true, "lower"))).toBe("01");
    expect(hex(serializeBound({ kind: "int" }, -2, "lower"))).toBe("feffffff");
    expect(hex(serializeBound({ kind: "date" }, 17_486, "lower"))).toBe("4e440000");
    expect(hex(serializeBound({ kind: "long" }, 34n, "lower"))).toBe("2200000000000000");
    expect(hex(serializeBound({ kind: "timestamptz" }, -1n, "upper"))).toBe("ffffffffffffffff");
    expect(hex(serializeBound({ kind: "double" }, 1, "lower"))).toBe("000000000000f03f");
    expect(hex(serializeBound({ kind: "float" }, 1, "lower"))).toBe("0000803f");
    expect(hex(serializeBound({ kind: "string" }, "iceberg", "lower"))).toBe("69636562657267");
    expect(hex(serializeBound({ kind: "binary" }, Uint8Array.of(0, 1, 2, 255), "lower"))).toBe("000102ff");
    expect(hex(serializeBound({ kind: "uuid" }, "f79c3e09-677c-4bbd-a479-3f349cb785e7", "lower"))).toBe("f79c3e09677c4bbda4793f349cb785e7");
  });

  test("decimals take the fewest two's-complement bytes", () => {
    const decimal = { kind: "decimal", precision: 9, scale: 2 } as const;
    expect(hex(serializeBound(decimal, 1420n, "lower"))).toBe("058c");
    expect(hex(serializeBound(decimal, 127n, "lower"))).toBe("7f");
    expect(hex(serializeBound(decimal, 128n, "lower"))).toBe("0080");
    expect(hex(serializeBound(decimal, -1n, "lower"))).toBe("ff");
    expect(hex(serializeBound(decimal, -129n, "lower"))).toBe("ff7f");
  });

  test("zero bounds are -0.0 below and +0.0 above; NaN and values of another type get none", () => {
    expect(hex(serializeBound({ kind: "double" }, 0, "lower"))).toBe("0000000000000080");
    expect(hex(serializeBound({ kind: "double" }, -0, "upper"))).toBe("0000000000000000");
    expect(serializeBound({ kind: "float" }, Number.NaN, "lower")).toBeNull();
    expect(serializeBound({ kind: "long" }, 3, "lower")).toBeNull();
    expect(serializeBound({ kind: "uuid" }, "not-a-uuid", "lower")).toBeNull();
  });
});

test("the day transform rounds toward negative infinity", () => {
  expect(icebergDay(0n)).toBe(0);
  expect(icebergDay(86_399_999_999n)).toBe(0);
  expect(icebergDay(86_400_000_000n)).toBe(1);
  expect(icebergDay(-1n)).toBe(-1);
  expect(icebergDay(-86_400_000_000n)).toBe(-1);
  expect(icebergDay(1_700_000_000_000_000n)).toBe(19_675);
});
