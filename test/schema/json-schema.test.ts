import { describe, expect, test } from "bun:test";
import { compileSchema } from "../../src/schema/compile.ts";
import { checkRecord, type TopicSchema } from "../../src/schema/types.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const compile = (schema: object) => compileSchema("json", JSON.stringify(schema), "orders.json");

const ORDER = { type: "object", required: ["id"], properties: { id: { type: "integer" }, items: { type: "array", items: { type: "string" } } } };

function value(s: TopicSchema) {
  if (s.value === null) throw new Error("no value part");
  return s.value;
}

describe("JSON Schema", () => {
  test("draft 7 by default: key and value are checked separately against properties.key and properties.value", async () => {
    const s = await compile({ type: "object", required: ["value"], properties: { key: { type: "string" }, value: ORDER } });
    expect(checkRecord(s, bytes('"k1"'), bytes('{"id": 1, "items": ["a"]}'))).toBeNull();
    expect(checkRecord(s, bytes("1"), bytes('{"id": 1}'))).toBe("key: must be string");
    expect(checkRecord(s, null, bytes('{"id": "1"}'))).toBe("value: /id must be integer");
    expect(checkRecord(s, null, bytes('{"items": []}'))).toBe("value: must have required property 'id'");
    // the key is mentioned but not required, the value is required
    expect(checkRecord(s, null, bytes('{"id": 1}'))).toBeNull();
    expect(checkRecord(s, bytes('"k"'), null)).toBe("value is null but the schema requires one");
  });

  test("draft 2020-12 by $schema, with $defs, $id and prefixItems", async () => {
    const s = await compile({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "https://example.com/orders.json",
      properties: { value: { $ref: "#/$defs/pair" } },
      $defs: { pair: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }], items: false } },
    });
    expect(checkRecord(s, null, bytes('["a", 1]'))).toBeNull();
    expect(checkRecord(s, null, bytes('["a", "b"]'))).toBe("value: /1 must be number");
    expect(checkRecord(s, null, bytes('["a", 1, 2]'))).toContain("value: must NOT have more than 2 items");
    expect(checkRecord(s, null, null)).toBeNull();
  });

  test("draft 7 named explicitly, with definitions", async () => {
    const s = await compile({ $schema: "http://json-schema.org/draft-07/schema#", properties: { value: { $ref: "#/definitions/n" } }, definitions: { n: { type: "number", minimum: 0 } } });
    expect(checkRecord(s, null, bytes("5"))).toBeNull();
    expect(checkRecord(s, null, bytes("-5"))).toBe("value: must be >= 0");
  });

  test("text that is not JSON, or not UTF-8, is invalid", async () => {
    const s = await compile({ properties: { value: {} } });
    expect(checkRecord(s, null, bytes("{"))).toStartWith("value: not JSON: ");
    expect(checkRecord(s, null, Uint8Array.of(0x22, 0xff, 0x22))).toStartWith("value: not JSON: ");
    expect(checkRecord(s, null, bytes("{}"))).toBeNull();
  });

  test("encode checks and writes JSON text; decode parses it", async () => {
    const v = value(await compile({ properties: { value: ORDER } }));
    expect(new TextDecoder().decode(v.encode({ id: 3 }))).toBe('{"id":3}');
    expect(() => v.encode({ id: "3" })).toThrow("/id must be integer");
    expect(v.decode(bytes('{"id":3}'))).toEqual({ id: 3 });
  });

  test("bad schemas are refused with the reason", async () => {
    await expect(compile({ $schema: "http://json-schema.org/draft-04/schema#", properties: { value: {} } })).rejects.toThrow('$schema "http://json-schema.org/draft-04/schema#" is not supported (use draft-07 or 2020-12)');
    await expect(compile({ type: "object" })).rejects.toThrow("neither properties.key nor properties.value");
    await expect(compile({ properties: { value: { type: "nonsense" } } })).rejects.toThrow("schema is invalid");
    await expect(compile({ properties: { value: { $ref: "#/definitions/missing" } } })).rejects.toThrow("can't resolve reference");
    await expect(compileSchema("json", "[1]", "x.json")).rejects.toThrow("expected a JSON Schema object");
  });
});
