// LakeSchema ↔ an Iceberg schema in its JSON form (table spec, Appendix C): primitives are strings
// ("long", "decimal(10,2)"), nested types are objects carrying the ids of their fields, elements,
// keys and values. Map keys are always required in Iceberg, so they carry no required flag.

import type { LakeField, LakeSchema, LakeType } from "../types.ts";
import { IcebergError } from "./errors.ts";
import { bool, int, list, object, text } from "./json-read.ts";

export type IcebergType = string | IcebergStruct | IcebergList | IcebergMap;
export interface IcebergField {
  readonly id: number;
  readonly name: string;
  readonly required: boolean;
  readonly type: IcebergType;
  readonly doc?: string;
}
export interface IcebergStruct {
  readonly type: "struct";
  readonly fields: readonly IcebergField[];
}
export interface IcebergList {
  readonly type: "list";
  readonly "element-id": number;
  readonly "element-required": boolean;
  readonly element: IcebergType;
}
export interface IcebergMap {
  readonly type: "map";
  readonly "key-id": number;
  readonly key: IcebergType;
  readonly "value-id": number;
  readonly "value-required": boolean;
  readonly value: IcebergType;
}
export interface IcebergSchema extends IcebergStruct {
  readonly "schema-id": number;
}

function typeJson(type: LakeType): IcebergType {
  switch (type.kind) {
    case "decimal":
      return `decimal(${type.precision},${type.scale})`;
    case "struct":
      return { type: "struct", fields: type.fields.map(fieldJson) };
    case "list":
      return { type: "list", "element-id": type.elementId, "element-required": type.elementRequired, element: typeJson(type.element) };
    case "map":
      return { type: "map", "key-id": type.keyId, key: typeJson(type.key), "value-id": type.valueId, "value-required": type.valueRequired, value: typeJson(type.value) };
    default:
      return type.kind;
  }
}

function fieldJson(field: LakeField): IcebergField {
  const json = { id: field.id, name: field.name, required: field.required, type: typeJson(field.type) };
  return field.doc === undefined ? json : { ...json, doc: field.doc };
}

export function toIcebergSchema(schema: LakeSchema): IcebergSchema {
  return { type: "struct", "schema-id": schema.schemaId, fields: schema.fields.map(fieldJson) };
}

const PRIMITIVES = ["boolean", "int", "long", "float", "double", "date", "time", "timestamp", "timestamptz", "string", "uuid", "binary"] as const;
type PrimitiveName = (typeof PRIMITIVES)[number];
const isPrimitive = (name: string): name is PrimitiveName => (PRIMITIVES as readonly string[]).includes(name);

function readType(json: unknown, where: string): LakeType {
  if (typeof json === "string") {
    if (isPrimitive(json)) return { kind: json };
    const decimal = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(json);
    if (decimal !== null) return { kind: "decimal", precision: Number(decimal[1]), scale: Number(decimal[2]) };
    throw new IcebergError(`${where}: type ${JSON.stringify(json)} is not one the lake writes`);
  }
  const o = object(json, where);
  switch (o.type) {
    case "struct":
      return { kind: "struct", fields: readFields(o.fields, where) };
    case "list":
      return { kind: "list", elementId: int(o["element-id"], `${where} element-id`), elementRequired: bool(o["element-required"], `${where} element-required`), element: readType(o.element, `${where}.element`) };
    case "map":
      return {
        kind: "map",
        keyId: int(o["key-id"], `${where} key-id`),
        valueId: int(o["value-id"], `${where} value-id`),
        valueRequired: bool(o["value-required"], `${where} value-required`),
        key: readType(o.key, `${where}.key`),
        value: readType(o.value, `${where}.value`),
      };
    default:
      throw new IcebergError(`${where}: unknown nested type ${JSON.stringify(o.type)}`);
  }
}

function readFields(json: unknown, where: string): LakeField[] {
  return list(json, `${where} fields`).map((item, i) => {
    const f = object(item, `${where} field ${i}`);
    const name = text(f.name, `${where} field ${i} name`);
    const path = `${where}.${name}`;
    const field = { id: int(f.id, `${path} id`), name, required: bool(f.required, `${path} required`), type: readType(f.type, path) };
    return typeof f.doc === "string" ? { ...field, doc: f.doc } : field;
  });
}

/** The schema's fields as a LakeSchema; lastColumnId is the table's last-column-id. */
export function fromIcebergSchema(json: unknown, lastColumnId: number): LakeSchema {
  const o = object(json, "schema");
  const schemaId = int(o["schema-id"], "schema-id");
  return { schemaId, fields: readFields(o.fields, `schema ${schemaId}`), lastColumnId };
}
