// Protobuf messages → lake structs, and protobufjs's decoded messages → LakeValues. A field is
// required when it has no presence (a proto3 scalar, read as its default when absent) or is proto2
// `required`; repeated fields and maps are required lists and maps (absent = empty); a field with
// presence (a message, a oneof member, `optional`) is null when not set. Scalars: int32, sint32,
// sfixed32 → int; int64, sint64, sfixed64, uint32, fixed32 → long; uint64 and fixed64 → decimal(20,0)
// (every value fits, none wraps negative); enums → the value's name (its number as text when the
// schema has no name for it). A message that contains itself, and a message without fields, is JSON
// text (protobufjs's object form: field names as in the .proto, 64-bit integers as strings, bytes
// base64) where it recurs.

import type { Enum, Field, MapField, Message as DecodedMessage, Type } from "protobufjs";
import { bytesOf, field, type Ids, jsonText, type Mapping } from "./map-shared.ts";
import { bigintOf, wellKnown, WRAPPERS } from "./map-protobuf-wkt.ts";
import type { LakeField, LakePrimitive, LakeValue } from "./types.ts";

type Message = Readonly<Record<string, unknown>>;

const UINT64: LakePrimitive = { kind: "decimal", precision: 20, scale: 0 };
const scalar = (type: LakePrimitive, convert: Mapping["convert"]): Mapping => ({ type, optional: false, convert });
const number = (v: unknown) => v as number;

const SCALARS: Readonly<Record<string, Mapping>> = {
  double: scalar({ kind: "double" }, number),
  float: scalar({ kind: "float" }, number),
  int32: scalar({ kind: "int" }, number),
  sint32: scalar({ kind: "int" }, number),
  sfixed32: scalar({ kind: "int" }, number),
  uint32: scalar({ kind: "long" }, (v) => BigInt(v as number)),
  fixed32: scalar({ kind: "long" }, (v) => BigInt(v as number)),
  int64: scalar({ kind: "long" }, bigintOf),
  sint64: scalar({ kind: "long" }, bigintOf),
  sfixed64: scalar({ kind: "long" }, bigintOf),
  uint64: scalar(UINT64, bigintOf),
  fixed64: scalar(UINT64, bigintOf),
  bool: scalar({ kind: "boolean" }, (v) => v as boolean),
  string: scalar({ kind: "string" }, (v) => v as string),
  // an unset bytes field reads as the prototype's default, an empty array
  bytes: scalar({ kind: "binary" }, (v) => (Array.isArray(v) ? Uint8Array.from(v as number[]) : bytesOf(v, "bytes"))),
};

/** protobufjs keys a decoded map by text: 64-bit keys as their 8 bytes, little-endian, one char each. */
function mapKey(keyType: string, key: string): LakeValue {
  if (keyType === "string") return key;
  if (keyType === "bool") return key === "true";
  if (!keyType.endsWith("64")) return keyType === "uint32" || keyType === "fixed32" ? BigInt(key) : Number(key);
  if (key.length !== 8) return BigInt(key);
  let n = 0n;
  for (let i = 7; i >= 0; i--) n = (n << 8n) | BigInt(key.charCodeAt(i));
  return keyType === "uint64" || keyType === "fixed64" ? n : BigInt.asIntN(64, n);
}

const isType = (t: Type | Enum | null): t is Type => t !== null && "fieldsArray" in t;

export class ProtobufMapping {
  private readonly inProgress = new Set<Type>();

  constructor(
    private readonly type: Type,
    private readonly ids: Ids,
  ) {}

  decode(bytes: Uint8Array): unknown {
    return this.type.decode(bytes);
  }

  part(): Mapping {
    return { ...this.message(this.type), optional: false };
  }

  private message(type: Type): Mapping {
    const known = wellKnown(type.fullName);
    if (known !== null) return known;
    const wrapped = WRAPPERS[type.fullName];
    if (wrapped !== undefined) {
      const inner = this.single(wrapped, null);
      return { type: inner.type, optional: true, convert: (m) => inner.convert((m as Message).value) };
    }
    if (this.inProgress.has(type) || type.fieldsArray.length === 0) {
      return jsonText((m) => JSON.stringify(type.toObject(m as DecodedMessage, { longs: String, enums: String, bytes: String })), true);
    }
    this.inProgress.add(type);
    const fields = type.fieldsArray.map((f) => ({ f, id: this.ids.next(), ...this.field(f) }));
    this.inProgress.delete(type);
    const lakeFields: LakeField[] = fields.map(({ f, id, mapping, required }) => field(id, f.name, required, mapping.type));
    return {
      type: { kind: "struct", fields: lakeFields },
      optional: true,
      convert(m) {
        const message = m as Message;
        const row: Record<string, LakeValue> = {};
        for (const { f, mapping, required } of fields) row[f.name] = required || Object.hasOwn(message, f.name) ? mapping.convert(message[f.name]) : null;
        return row;
      },
    };
  }

  private field(f: Field): { mapping: Mapping; required: boolean } {
    if (f.map) {
      const keyType = (f as unknown as MapField).keyType;
      const key = this.single(keyType, null);
      const value = this.single(f.type, f.resolvedType);
      const type = { kind: "map" as const, keyId: this.ids.next(), valueId: this.ids.next(), valueRequired: !value.optional, key: key.type, value: value.type };
      const convert = (v: unknown) => new Map(Object.entries(v as Message).map(([k, e]) => [mapKey(keyType, k), e === null ? null : value.convert(e)]));
      return { mapping: { type, optional: false, convert }, required: true };
    }
    const element = this.single(f.type, f.resolvedType);
    if (f.repeated) {
      const type = { kind: "list" as const, elementId: this.ids.next(), elementRequired: true, element: element.type };
      return { mapping: { type, optional: false, convert: (v) => (v as unknown[]).map((e) => element.convert(e)) }, required: true };
    }
    // protobufjs reports no presence for proto3 message fields, which always have it
    return { mapping: element, required: f.required || (!f.hasPresence && !isType(f.resolvedType)) };
  }

  private single(typeName: string, resolved: Type | Enum | null): Mapping {
    if (isType(resolved)) return this.message(resolved);
    if (resolved !== null) return scalar({ kind: "string" }, (v) => resolved.valuesById[v as number] ?? String(v));
    const mapping = SCALARS[typeName];
    // the schema's compiler has already refused unknown types
    if (mapping === undefined) throw new Error(`protobuf type ${typeName} is not a scalar`);
    return mapping;
  }
}
