import { describe, expect, test } from "bun:test";
import { compileSchema } from "../../src/schema/compile.ts";
import { checkRecord, type PartSchema } from "../../src/schema/types.ts";

const schema = (fields: unknown[]) => compileSchema("avro", JSON.stringify({ type: "record", name: "Orders", fields }), "orders.avsc");
const order = { type: "record", name: "Order", fields: [{ name: "id", type: "long" }, { name: "item", type: "string" }, { name: "note", type: ["null", "string"] }, { name: "size", type: { type: "enum", name: "Size", symbols: ["S", "M", "L"] } }] };

function part(p: PartSchema | null): PartSchema {
  if (p === null) throw new Error("no such part");
  return p;
}

describe("Avro schemas", () => {
  test("plain Avro binary of the field's type is valid; the JSON mapping is Avro's JSON encoding", async () => {
    const s = await schema([{ name: "key", type: "string" }, { name: "value", type: order }]);
    const value = part(s.value).encode({ id: 7, item: "tea", note: { string: "hot" }, size: "M" });
    // long 7 → zigzag 14; "tea"; union branch 1 + "hot"; enum index 1
    expect([...value]).toEqual([14, 6, 116, 101, 97, 2, 6, 104, 111, 116, 2]);
    expect(part(s.value).check(value)).toBeNull();
    expect(part(s.value).decode(value)).toEqual({ id: 7, item: "tea", note: { string: "hot" }, size: "M" });
    expect(checkRecord(s, part(s.key).encode("k1"), value)).toBeNull();
  });

  test("truncated data, trailing bytes, a bad union branch and a bad enum index are invalid", async () => {
    const s = await schema([{ name: "value", type: order }]);
    const v = part(s.value);
    const good = v.encode({ id: 1, item: "x", note: null, size: "S" });
    expect(v.check(good.subarray(0, good.length - 1))).toBe("invalid Avro binary for Order: truncated buffer");
    expect(v.check(Uint8Array.of(...good, 0))).toBe("invalid Avro binary for Order: trailing data");
    expect(v.check(Uint8Array.of(2, 2, 0x78, 8, 0))).toContain("invalid union index");
    expect(v.check(Uint8Array.of(2, 2, 0x78, 0, 8))).toContain("enum index");
    expect(v.check(new Uint8Array(0))).toContain("truncated");
  });

  test("longs beyond 2^53 are valid Avro and survive the JSON mapping as strings", async () => {
    const s = await schema([{ name: "value", type: "long" }]);
    const v = part(s.value);
    const max = v.encode("9223372036854775807");
    expect(v.check(max)).toBeNull();
    expect(v.decode(max)).toBe("9223372036854775807");
    expect(v.decode(v.encode(42))).toBe(42);
    expect(() => v.encode(1.5)).toThrow("not an Avro long: 1.5");
  });

  test("a long written as an object, with or without a logical type, takes every 64-bit value too", async () => {
    const record = { type: "record", name: "Stamped", fields: [{ name: "plain", type: { type: "long" } }, { name: "at", type: { type: "long", logicalType: "timestamp-nanos" } }, { name: "ms", type: { type: "long", logicalType: "timestamp-millis" } }] };
    const v = part((await schema([{ name: "value", type: record }])).value);
    const big = v.encode({ plain: "9223372036854775807", at: "1733400000123456789", ms: 1733400000123 });
    expect(v.check(big)).toBeNull();
    expect(v.decode(big)).toEqual({ plain: "9223372036854775807", at: "1733400000123456789", ms: 1733400000123 });
    const definition = part((await schema([{ name: "value", type: record }])).value).definition;
    if (definition.format !== "avro") throw new Error("expected Avro");
    const fields = (definition.type as unknown as { fields: { name: string; type: object }[] }).fields;
    // each logical long keeps its own annotation
    expect(fields.map((f) => definition.logical.get(f.type as never)?.logicalType ?? null)).toEqual([null, "timestamp-nanos", "timestamp-millis"]);
  });

  test("a part typed null or a union with null may be missing; others are required; unmentioned parts are not checked", async () => {
    const s = await schema([{ name: "key", type: ["null", "string"] }, { name: "value", type: "int" }]);
    expect(part(s.key).required).toBe(false);
    expect(part(s.value).required).toBe(true);
    expect(checkRecord(s, null, Uint8Array.of(2))).toBeNull();
    expect(checkRecord(s, Uint8Array.of(2, 2, 0x61), null)).toBe("value is null but the schema requires one");
    const valueOnly = await schema([{ name: "value", type: "int" }]);
    expect(valueOnly.key).toBeNull();
    expect(checkRecord(valueOnly, Uint8Array.of(0xff, 0xff, 0xff), Uint8Array.of(2))).toBeNull();
    expect(checkRecord(valueOnly, null, Uint8Array.of(0x80))).toBe("value: invalid Avro binary for int: truncated buffer");
  });

  test("schemas that are not a record of key and/or value are refused with the reason", async () => {
    await expect(compileSchema("avro", '"string"', "x.avsc")).rejects.toThrow("expected a record with fields key and/or value, not string");
    await expect(schema([{ name: "Value", type: "int" }])).rejects.toThrow('field "Value" is neither key nor value');
    await expect(schema([])).rejects.toThrow("neither a key nor a value field");
    await expect(schema([{ name: "value", type: "nope" }])).rejects.toThrow("undefined type name: nope");
    await expect(compileSchema("avro", "{", "x.avsc")).rejects.toThrow(SyntaxError);
  });
});
