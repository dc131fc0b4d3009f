// JSON Schema → lake types, and parsed JSON → LakeValues. The rule: a schema maps to a lake type
// when it names exactly one type besides "null" (`type: "string"`, `type: ["integer", "null"]`, or a
// oneOf/anyOf of one schema plus {type: "null"}); "null" among the types makes the value optional.
// object with properties → struct (a property is required when `required` lists it and it cannot
// be null; properties the schema does not name are not kept); object without properties → map of
// string to additionalProperties' type; array → list of `items`. Anything else — no type, several
// types, tuples, allOf, `additionalProperties: false` with no properties, a $ref that is not a
// pointer into the file or that recurs — is a string holding the value's JSON text. A `$ref`
// replaces the schema it is in (sibling keywords are not merged). Integers are read as JSON
// numbers, so those beyond 2^53 lose precision before they reach the lake.

import type { PartDefinition } from "../schema/types.ts";
import { stringFormat } from "./map-json-formats.ts";
import { alwaysNull, describe, field, type Ids, jsonText, type Mapping, ValueError } from "./map-shared.ts";
import type { LakeType, LakeValue } from "./types.ts";

type JsonDefinition = Extract<PartDefinition, { format: "json" }>;
type Schema = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);
const utf8 = new TextDecoder("utf-8", { fatal: true });
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

const anyJson = jsonText((v) => JSON.stringify(v), true);
const optional = (m: Mapping): Mapping => ({ type: m.type, optional: true, convert: (v) => (v === null ? null : m.convert(v)) });

function strict(type: LakeType, expected: string, test: (v: unknown) => boolean, convert: (v: unknown) => LakeValue = (v) => v as LakeValue): Mapping {
  return {
    type,
    optional: false,
    convert(v) {
      if (!test(v)) throw new ValueError(`expected ${expected}, got ${describe(v)}`);
      return convert(v);
    },
  };
}

function long(v: unknown): bigint {
  const n = BigInt(v as number);
  if (n < LONG_MIN || n > LONG_MAX) throw new ValueError(`integer ${n} does not fit a long`);
  return n;
}

export class JsonMapping {
  private readonly inProgress = new Set<Schema>();

  constructor(
    private readonly definition: JsonDefinition,
    private readonly ids: Ids,
  ) {}

  decode(bytes: Uint8Array): unknown {
    return JSON.parse(utf8.decode(bytes));
  }

  part(): Mapping {
    return this.map(this.pointer(this.definition.pointer));
  }

  /** A JSON Pointer (RFC 6901) into the root document; undefined when it leads nowhere. */
  private pointer(pointer: string): unknown {
    let node: unknown = this.definition.root;
    for (const token of pointer.split("/").slice(1)) {
      const key = token.replace(/~1/g, "/").replace(/~0/g, "~");
      node = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
    }
    return node;
  }

  private deref(schema: unknown): unknown {
    const seen = new Set<unknown>();
    while (isObject(schema) && typeof schema.$ref === "string") {
      if (!schema.$ref.startsWith("#") || seen.has(schema)) return undefined;
      seen.add(schema);
      schema = this.pointer(decodeURIComponent(schema.$ref.slice(1)));
    }
    return schema;
  }

  private map(input: unknown): Mapping {
    const schema = this.deref(input);
    if (!isObject(schema) || this.inProgress.has(schema)) return anyJson;
    this.inProgress.add(schema);
    try {
      return this.typed(schema);
    } finally {
      this.inProgress.delete(schema);
    }
  }

  private typed(schema: Schema): Mapping {
    const declared = typeof schema.type === "string" ? [schema.type] : Array.isArray(schema.type) ? schema.type : null;
    if (declared === null) return this.alternatives(schema);
    const types = declared.filter((t) => t !== "null");
    const nullable = types.length < declared.length;
    if (types.length === 0) return alwaysNull;
    const mapping = types.length === 1 ? this.single(types[0], schema) : anyJson;
    return nullable ? optional(mapping) : mapping;
  }

  /** oneOf/anyOf of one schema and {type: "null"}: the one schema, optional. */
  private alternatives(schema: Schema): Mapping {
    const branches = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : null;
    if (branches === null) return anyJson;
    const resolved = branches.map((b) => this.deref(b));
    const others = resolved.filter((b) => !(isObject(b) && b.type === "null"));
    if (others.length !== 1) return anyJson;
    const mapping = this.map(others[0]);
    return others.length < resolved.length ? optional(mapping) : mapping;
  }

  private single(type: unknown, schema: Schema): Mapping {
    switch (type) {
      case "string": {
        const format = stringFormat(schema.format);
        return format === null ? strict({ kind: "string" }, "a string", (v) => typeof v === "string") : strict(format.type, "a string", (v) => typeof v === "string", format.parse);
      }
      case "integer":
        return strict({ kind: "long" }, "an integer", Number.isInteger, long);
      case "number":
        return strict({ kind: "double" }, "a number", (v) => typeof v === "number");
      case "boolean":
        return strict({ kind: "boolean" }, "a boolean", (v) => typeof v === "boolean");
      case "array":
        return this.array(schema);
      case "object":
        return this.object(schema);
      default:
        return anyJson;
    }
  }

  private array(schema: Schema): Mapping {
    if (Array.isArray(schema.items) || schema.prefixItems !== undefined) return anyJson;
    const element = this.map(schema.items ?? true);
    const type: LakeType = { kind: "list", elementId: this.ids.next(), elementRequired: !element.optional, element: element.type };
    return strict(type, "an array", Array.isArray, (v) => (v as unknown[]).map((e) => element.convert(e)));
  }

  private object(schema: Schema): Mapping {
    const properties = isObject(schema.properties) ? Object.entries(schema.properties) : [];
    if (properties.length === 0) {
      if (schema.additionalProperties === false) return anyJson;
      const value = this.map(schema.additionalProperties ?? true);
      const type: LakeType = { kind: "map", keyId: this.ids.next(), valueId: this.ids.next(), valueRequired: !value.optional, key: { kind: "string" }, value: value.type };
      return strict(type, "an object", isObject, (v) => new Map(Object.entries(v as Schema).map(([k, e]) => [k, value.convert(e)])));
    }
    const listed = Array.isArray(schema.required) ? schema.required : [];
    const fields = properties.map(([name, s]) => {
      const mapping = this.map(s);
      return { name, id: this.ids.next(), mapping, required: listed.includes(name) };
    });
    const type: LakeType = { kind: "struct", fields: fields.map((f) => field(f.id, f.name, f.required && !f.mapping.optional, f.mapping.type)) };
    return strict(type, "an object", isObject, (v) => {
      const object = v as Schema;
      const row: Record<string, LakeValue> = {};
      for (const f of fields) {
        const value = object[f.name];
        if (value === undefined && f.required) throw new ValueError(`missing required property ${f.name}`);
        row[f.name] = value === undefined ? null : f.mapping.convert(value);
      }
      return row;
    });
  }
}
