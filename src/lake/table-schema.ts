// A topic's table schema, evolved from the table's previous one by Iceberg's rules. A field keeps
// its id while its name path is the same and its type is the same or a promotion Iceberg allows
// (int → long, float → double, a decimal's precision widened at the same scale); structs, lists and
// maps keep theirs and evolve field by field. Otherwise the field is new — or, when its type changed
// any other way, the old field counts as dropped and a new one takes the name — and gets the next
// id above every id used before. List elements and map keys and values follow the same rule.

import type { TopicSchema } from "../schema/types.ts";
import { mapTopic, type MappedTopic } from "./map-topic.ts";
import type { LakeField, LakeSchema, LakeType } from "./types.ts";

export type TableSchemaResult = { kind: "schema"; schema: LakeSchema; mapped: MappedTopic } | { kind: "error"; message: string };

function compatible(before: LakeType, now: LakeType): boolean {
  if (before.kind === "decimal" && now.kind === "decimal") return before.scale === now.scale && now.precision >= before.precision;
  if (before.kind === now.kind) return true;
  return (before.kind === "int" && now.kind === "long") || (before.kind === "float" && now.kind === "double");
}

class Assigner {
  constructor(public last: number) {}

  private next(): number {
    return ++this.last;
  }

  /**
   * Readers see null for a field in data files written before it existed, so a new field is optional
   * unless its parent is new too (or the table is); a kept field never turns from optional to required.
   */
  private required(now: boolean, before: boolean | undefined, parentExisted: boolean): boolean {
    return before !== undefined ? before && now : !parentExisted && now;
  }

  /** Ids for one struct's fields first, then for what they contain, as Iceberg numbers a new schema. */
  fields(fields: readonly LakeField[], previous: readonly LakeField[] | null): LakeField[] {
    const kept = fields.map((f) => previous?.find((p) => p.name === f.name && compatible(p.type, f.type)));
    const ids = kept.map((p) => p?.id ?? this.next());
    return fields.map((f, i) => {
      const p = kept[i];
      return { id: ids[i]!, name: f.name, required: this.required(f.required, p?.required, previous !== null), type: this.type(f.type, p?.type ?? null) };
    });
  }

  private type(type: LakeType, previous: LakeType | null): LakeType {
    if (type.kind === "struct") return { kind: "struct", fields: this.fields(type.fields, previous?.kind === "struct" ? previous.fields : null) };
    if (type.kind === "list") {
      const p = previous?.kind === "list" ? previous : null;
      const kept = p !== null && compatible(p.element, type.element) ? p : null;
      const elementId = kept?.elementId ?? this.next();
      const elementRequired = this.required(type.elementRequired, kept?.elementRequired, p !== null);
      return { kind: "list", elementId, elementRequired, element: this.type(type.element, kept?.element ?? null) };
    }
    if (type.kind === "map") {
      const p = previous?.kind === "map" ? previous : null;
      const keyKept = p !== null && compatible(p.key, type.key) ? p : null;
      const valueKept = p !== null && compatible(p.value, type.value) ? p : null;
      const [keyId, valueId] = [keyKept?.keyId ?? this.next(), valueKept?.valueId ?? this.next()];
      const valueRequired = this.required(type.valueRequired, valueKept?.valueRequired, p !== null);
      return { kind: "map", keyId, valueId, valueRequired, key: this.type(type.key, keyKept?.key ?? null), value: this.type(type.value, valueKept?.value ?? null) };
    }
    return type;
  }
}

function sameType(a: LakeType, b: LakeType): boolean {
  if (a.kind === "struct") return b.kind === "struct" && sameFields(a.fields, b.fields);
  if (a.kind === "list") return b.kind === "list" && a.elementId === b.elementId && a.elementRequired === b.elementRequired && sameType(a.element, b.element);
  if (a.kind === "map") {
    return b.kind === "map" && a.keyId === b.keyId && a.valueId === b.valueId && a.valueRequired === b.valueRequired && sameType(a.key, b.key) && sameType(a.value, b.value);
  }
  if (a.kind === "decimal") return b.kind === "decimal" && a.precision === b.precision && a.scale === b.scale;
  return a.kind === b.kind;
}

const sameFields = (a: readonly LakeField[], b: readonly LakeField[]): boolean =>
  a.length === b.length && a.every((f, i) => f.id === b[i]!.id && f.name === b[i]!.name && f.required === b[i]!.required && sameType(f.type, b[i]!.type));

/** The schema for `fields` (provisional ids) after `previous`: previous itself when nothing changed. */
export function evolve(fields: readonly LakeField[], previous: LakeSchema | null): LakeSchema {
  const assigner = new Assigner(previous?.lastColumnId ?? 0);
  const assigned = assigner.fields(fields, previous?.fields ?? null);
  if (previous === null) return { schemaId: 0, fields: assigned, lastColumnId: assigner.last };
  if (sameFields(assigned, previous.fields)) return previous;
  return { schemaId: previous.schemaId + 1, fields: assigned, lastColumnId: assigner.last };
}

export function tableSchema(topic: TopicSchema, previous: LakeSchema | null): TableSchemaResult {
  const result = mapTopic(topic);
  if (result.kind === "error") return result;
  return { kind: "schema", schema: evolve(result.mapped.fields, previous), mapped: result.mapped };
}
