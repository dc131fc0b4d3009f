import { describe, expect, test } from "bun:test";
import type { MetadataAction } from "../../src/lake/delta/actions.ts";
import { DeltaTableError } from "../../src/lake/delta/error.ts";
import { lakeSchemaFromDelta } from "../../src/lake/delta/schema-from-delta.ts";
import { deltaSchema, usesTimestampNtz } from "../../src/lake/delta/schema-to-delta.ts";
import { statsJson } from "../../src/lake/delta/stats.ts";
import { decimalText, timestampNtzText, timestampText } from "../../src/lake/delta/values.ts";
import type { LakeSchema } from "../../src/lake/types.ts";

const nested: LakeSchema = {
  schemaId: 3,
  lastColumnId: 20,
  fields: [
    { id: 1, name: "id", required: true, type: { kind: "uuid" } },
    { id: 2, name: "at", required: false, type: { kind: "time" }, doc: "time of day" },
    { id: 3, name: "amount", required: false, type: { kind: "decimal", precision: 12, scale: 2 } },
    {
      id: 4,
      name: "tags",
      required: false,
      type: { kind: "list", elementId: 10, elementRequired: true, element: { kind: "list", elementId: 11, elementRequired: false, element: { kind: "time" } } },
    },
    {
      id: 5,
      name: "attrs",
      required: true,
      type: { kind: "map", keyId: 12, valueId: 13, valueRequired: false, key: { kind: "string" }, value: { kind: "struct", fields: [{ id: 14, name: "n", required: true, type: { kind: "long" } }] } },
    },
    { id: 6, name: "local", required: false, type: { kind: "timestamp" } },
  ],
};

const metaData = (schemaString: string, configuration: Record<string, string>, partitionColumns: string[] = []): MetadataAction => ({
  id: "t",
  format: { provider: "parquet", options: {} },
  schemaString,
  partitionColumns,
  configuration,
});

describe("LakeSchema → Delta schema", () => {
  const delta = deltaSchema(nested, "kafka_date");

  test("primitive names, nullability, containsNull and valueContainsNull follow the spec", () => {
    expect(delta.fields.map((f) => [f.name, f.type, f.nullable])).toEqual([
      ["id", "binary", false],
      ["at", "long", true],
      ["amount", "decimal(12,2)", true],
      ["tags", { type: "array", elementType: { type: "array", elementType: "long", containsNull: true }, containsNull: false }, true],
      [
        "attrs",
        {
          type: "map",
          keyType: "string",
          valueType: { type: "struct", fields: [{ name: "n", type: "long", nullable: false, metadata: { "tansu.field.id": 14 } }] },
          valueContainsNull: true,
        },
        false,
      ],
      ["local", "timestamp_ntz", true],
      ["kafka_date", "date", true],
    ]);
  });

  test("ids, stand-in kinds and comments ride in field metadata, never delta.columnMapping keys", () => {
    expect(delta.fields[0]?.metadata).toEqual({ "tansu.field.id": 1, "tansu.field.type": "uuid" });
    expect(delta.fields[1]?.metadata).toEqual({ "tansu.field.id": 2, "tansu.field.type": "time", comment: "time of day" });
    expect(delta.fields[3]?.metadata).toEqual({ "tansu.field.id": 4, "tansu.field.nested": { element: { id: 10 }, "element.element": { id: 11, type: "time" } } });
    expect(delta.fields[4]?.metadata).toEqual({ "tansu.field.id": 5, "tansu.field.nested": { key: { id: 12 }, value: { id: 13 } } });
    expect(JSON.stringify(delta)).not.toContain("delta.columnMapping");
  });

  test("round-trips to the same LakeSchema, without the partition column", () => {
    const configuration = { "tansu.schema.id": "3", "tansu.schema.lastColumnId": "20" };
    expect(lakeSchemaFromDelta(metaData(JSON.stringify(delta), configuration, ["kafka_date"]), "kafka_date")).toEqual(nested);
  });

  test("timestamp without zone is detected at any depth", () => {
    expect(usesTimestampNtz(nested)).toBe(true);
    expect(usesTimestampNtz({ ...nested, fields: nested.fields.slice(0, 5) })).toBe(false);
  });

  test("column names that differ only by case are refused", () => {
    const clash: LakeSchema = { schemaId: 0, lastColumnId: 1, fields: [{ id: 1, name: "Kafka_Date", required: false, type: { kind: "int" } }] };
    expect(() => deltaSchema(clash, "kafka_date")).toThrow(DeltaTableError);
  });
});

describe("Delta schema → LakeSchema", () => {
  test("fields another writer added without ids get fresh ids above every used id", () => {
    const schemaString = JSON.stringify({
      type: "struct",
      fields: [
        { name: "a", type: "integer", nullable: false, metadata: { "tansu.field.id": 7 } },
        { name: "b", type: { type: "array", elementType: "short", containsNull: true }, nullable: true, metadata: {} },
      ],
    });
    const schema = lakeSchemaFromDelta(metaData(schemaString, { "tansu.schema.lastColumnId": "9" }), undefined);
    expect(schema).toEqual({
      schemaId: 0,
      lastColumnId: 11,
      fields: [
        { id: 7, name: "a", required: true, type: { kind: "int" } },
        { id: 10, name: "b", required: false, type: { kind: "list", elementId: 11, elementRequired: false, element: { kind: "int" } } },
      ],
    });
  });

  test("types the lake cannot write are a DeltaTableError naming the column", () => {
    const schemaString = JSON.stringify({ type: "struct", fields: [{ name: "v", type: "variant", nullable: true, metadata: {} }] });
    expect(() => lakeSchemaFromDelta(metaData(schemaString, {}), undefined)).toThrow("Delta column v has type variant");
  });
});

describe("statistics", () => {
  test("values take Delta's text forms", () => {
    expect(timestampText(1_700_000_000_123_999n)).toBe("2023-11-14T22:13:20.123Z");
    expect(timestampText(-1n)).toBe("1969-12-31T23:59:59.999Z");
    expect(timestampNtzText(0n)).toBe("1970-01-01T00:00:00.000");
    expect(decimalText(-5n, 2)).toBe("-0.05");
    expect(decimalText(123456n, 0)).toBe("123456");
  });

  test("stats keep top-level primitive columns and leave out bounds without a faithful text", () => {
    const long = "x".repeat(40);
    const stats = statsJson(
      {
        path: "f.parquet",
        sizeInBytes: 1,
        recordCount: 3,
        columnStats: new Map([
          [1, { nullCount: 0, min: "0000", max: "ffff" }],
          [3, { nullCount: 1, min: 1234567n, max: 12345678901234567890n }],
          [4, { nullCount: 0, min: 1, max: 2 }],
          [6, { nullCount: 2, min: 0n, max: 86_400_000_000n }],
        ]),
      },
      nested,
    );
    expect(stats).toBe(
      '{"numRecords":3,"minValues":{"amount":12345.67,"local":"1970-01-01T00:00:00.000"},' +
        '"maxValues":{"amount":123456789012345678.90,"local":"1970-01-02T00:00:00.000"},' +
        '"nullCount":{"id":0,"amount":1,"local":2}}',
    );
    const strings = statsJson(
      { path: "f", sizeInBytes: 1, recordCount: 2, columnStats: new Map([[4, { nullCount: 0, min: long, max: long }]]) },
      { schemaId: 0, lastColumnId: 4, fields: [{ id: 4, name: "s", required: false, type: { kind: "string" } }] },
    );
    expect(JSON.parse(strings)).toEqual({ numRecords: 2, minValues: { s: "x".repeat(32) }, maxValues: {}, nullCount: { s: 0 } });
  });
});
