// Avro types → lake types, and avsc's decoded values → LakeValues. Unions: [null, T] (either order)
// is an optional T; any other union is a struct with one optional field per non-null branch, named
// by the branch's type (a named type's name without its namespace, else the type name: string,
// long, array, map …; full names with dots as underscores when two names would collide), exactly
// one of which is set. Enums are strings, fixed is binary, maps are map<string, …>. A record that
// contains itself is JSON text (Avro's JSON encoding) where it recurs.

import type { Type, types } from "avsc";
import type { PartDefinition } from "../schema/types.ts";
import { logicalMapping } from "./map-avro-logical.ts";
import { alwaysNull, bytesOf, expectBigint, field, type Ids, jsonText, type Mapping, ValueError } from "./map-shared.ts";
import type { LakeValue, Row } from "./types.ts";

type AvroDefinition = Extract<PartDefinition, { format: "avro" }>;

const required = (type: Mapping["type"], convert: Mapping["convert"]): Mapping => ({ type, optional: false, convert });

export class AvroMapping {
  private readonly inProgress = new Set<Type>();

  constructor(
    private readonly definition: AvroDefinition,
    private readonly ids: Ids,
  ) {}

  decode(bytes: Uint8Array): unknown {
    return this.definition.type.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  part(): Mapping {
    return this.map(this.definition.type);
  }

  private map(type: Type): Mapping {
    const attrs = this.definition.logical.get(type);
    const logical = attrs === undefined ? null : logicalMapping(attrs, type.typeName, type.typeName === "fixed" ? (type as types.FixedType).size : undefined);
    if (logical !== null) return logical;
    switch (type.typeName) {
      case "null":
        return alwaysNull;
      case "boolean":
        return required({ kind: "boolean" }, (v) => v as boolean);
      case "int":
        return required({ kind: "int" }, (v) => v as number);
      case "long":
      case "abstract:long":
        return required({ kind: "long" }, (v) => expectBigint(v, "an Avro long"));
      case "float":
        return required({ kind: "float" }, (v) => v as number);
      case "double":
        return required({ kind: "double" }, (v) => v as number);
      case "bytes":
      case "fixed":
        return required({ kind: "binary" }, (v) => bytesOf(v, "bytes"));
      case "string":
      case "enum":
        return required({ kind: "string" }, (v) => v as string);
      case "array":
        return this.array(type as types.ArrayType);
      case "map":
        return this.mapType(type as types.MapType);
      case "record":
      case "error":
        return this.record(type as types.RecordType);
      default:
        return this.union(type as types.UnwrappedUnionType | types.WrappedUnionType);
    }
  }

  private array(type: types.ArrayType): Mapping {
    const element = this.map(type.itemsType);
    const type_ = { kind: "list" as const, elementId: this.ids.next(), elementRequired: !element.optional, element: element.type };
    return required(type_, (v) => (v as unknown[]).map((e) => element.convert(e)));
  }

  private mapType(type: types.MapType): Mapping {
    const value = this.map(type.valuesType as Type);
    const keyId = this.ids.next();
    const type_ = { kind: "map" as const, keyId, valueId: this.ids.next(), valueRequired: !value.optional, key: { kind: "string" as const }, value: value.type };
    return required(type_, (v) => new Map(Object.entries(v as Record<string, unknown>).map(([k, e]) => [k, value.convert(e)])));
  }

  private record(type: types.RecordType): Mapping {
    if (this.inProgress.has(type) || type.fields.length === 0) return jsonText((v) => type.toString(v));
    this.inProgress.add(type);
    const fields = type.fields.map((f) => ({ name: f.name, id: this.ids.next(), mapping: this.map(f.type) }));
    this.inProgress.delete(type);
    return required({ kind: "struct", fields: fields.map((f) => field(f.id, f.name, !f.mapping.optional, f.mapping.type)) }, (v) => {
      const record = v as Record<string, unknown>;
      const row: Record<string, LakeValue> = {};
      for (const f of fields) row[f.name] = f.mapping.convert(record[f.name]);
      return row;
    });
  }

  private union(type: types.UnwrappedUnionType | types.WrappedUnionType): Mapping {
    const wrapped = type.typeName === "union:wrapped";
    const branches = type.types.filter((t) => t.typeName !== "null");
    const optional = branches.length < type.types.length;
    // a wrapped union's value is null or {branchName: value}
    const unwrap = (v: unknown): [Type, unknown] => {
      if (wrapped) {
        const [name, inner] = Object.entries(v as Record<string, unknown>)[0] ?? [];
        const branch = branches.find((t) => t.branchName === name);
        if (branch === undefined) throw new ValueError(`no union branch ${String(name)}`);
        return [branch, inner];
      }
      const branch = branches.find((t) => t.isValid(v));
      if (branch === undefined) throw new ValueError(`no union branch fits ${String(v)}`);
      return [branch, v];
    };
    const [only, ...others] = branches;
    if (only === undefined) return alwaysNull;
    if (others.length === 0) {
      const inner = this.map(only);
      return { type: inner.type, optional: true, convert: (v) => (v === null ? null : inner.convert(unwrap(v)[1])) };
    }
    // a branch's name is a named type's full name, else its type's name (our bigint long's too)
    const full = branches.map((t) => t.branchName ?? t.typeName);
    const short = full.map((name) => name.replace(/^.*\./, ""));
    const names = new Set(short).size === short.length ? short : full.map((name) => name.replace(/\./g, "_"));
    const members = branches.map((t, i) => ({ type: t, name: names[i]!, id: this.ids.next(), mapping: this.map(t) }));
    const struct = { kind: "struct" as const, fields: members.map((m) => field(m.id, m.name, false, m.mapping.type)) };
    return {
      type: struct,
      optional,
      convert(v) {
        if (v === null) return null;
        const [branch, inner] = unwrap(v);
        const row: Record<string, LakeValue> = {};
        for (const m of members) row[m.name] = m.type === branch ? m.mapping.convert(inner) : null;
        return row as Row;
      },
    };
  }
}
