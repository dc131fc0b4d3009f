// Table metadata, format version 2 (table spec, "Table Metadata" and Appendix C): the typed fields
// this writer reads and extends. Keys it does not know (statistics, other writers' additions) are
// kept as they were and written back unchanged.

import { IcebergError } from "./errors.ts";
import { int, list, long, object, strings, text } from "./json-read.ts";
import type { PartitionSpec } from "./partition.ts";
import type { IcebergSchema } from "./schema.ts";

export interface Snapshot {
  readonly "snapshot-id": bigint;
  readonly "parent-snapshot-id"?: bigint;
  readonly "sequence-number": number;
  readonly "timestamp-ms": number;
  readonly "manifest-list": string;
  readonly summary: Readonly<Record<string, string>>;
  readonly "schema-id"?: number;
}

export interface SnapshotRef {
  readonly "snapshot-id": bigint;
  readonly type: string;
  /** A branch's own retention, in place of the table properties of the same names. */
  readonly "min-snapshots-to-keep"?: number;
  readonly "max-snapshot-age-ms"?: number;
}

export interface TableMetadata {
  readonly "format-version": 2;
  readonly "table-uuid": string;
  readonly location: string;
  readonly "last-sequence-number": number;
  readonly "last-updated-ms": number;
  readonly "last-column-id": number;
  readonly schemas: readonly IcebergSchema[];
  readonly "current-schema-id": number;
  readonly "partition-specs": readonly PartitionSpec[];
  readonly "default-spec-id": number;
  readonly "last-partition-id": number;
  readonly properties: Readonly<Record<string, string>>;
  /** Absent when the table has no snapshot (Java's -1 is read as absent). */
  readonly "current-snapshot-id"?: bigint;
  readonly snapshots: readonly Snapshot[];
  readonly "snapshot-log": readonly { readonly "timestamp-ms": number; readonly "snapshot-id": bigint }[];
  readonly "metadata-log": readonly { readonly "timestamp-ms": number; readonly "metadata-file": string }[];
  readonly "sort-orders": readonly unknown[];
  readonly "default-sort-order-id": number;
  readonly refs: Readonly<Record<string, SnapshotRef>>;
  /** Other keys of the file, as read. */
  readonly others: Readonly<Record<string, unknown>>;
}

const KNOWN = new Set(["format-version", "table-uuid", "location", "last-sequence-number", "last-updated-ms", "last-column-id", "schemas", "current-schema-id", "partition-specs", "default-spec-id", "last-partition-id", "properties", "current-snapshot-id", "snapshots", "snapshot-log", "metadata-log", "sort-orders", "default-sort-order-id", "refs"]);

function snapshot(json: unknown, i: number): Snapshot {
  const o = object(json, `snapshot ${i}`);
  const id = long(o["snapshot-id"], `snapshot ${i} snapshot-id`);
  const what = `snapshot ${id}`;
  return {
    "snapshot-id": id,
    ...(o["parent-snapshot-id"] == null ? {} : { "parent-snapshot-id": long(o["parent-snapshot-id"], `${what} parent-snapshot-id`) }),
    "sequence-number": int(o["sequence-number"], `${what} sequence-number`),
    "timestamp-ms": int(o["timestamp-ms"], `${what} timestamp-ms`),
    "manifest-list": text(o["manifest-list"], `${what} manifest-list`),
    summary: strings(o.summary, `${what} summary`),
    ...(o["schema-id"] == null ? {} : { "schema-id": int(o["schema-id"], `${what} schema-id`) }),
  };
}

function partitionSpec(json: unknown, i: number): PartitionSpec {
  const o = object(json, `partition spec ${i}`);
  const fields = list(o.fields, `partition spec ${i} fields`).map((f, j) => {
    const field = object(f, `partition spec ${i} field ${j}`);
    const what = `partition spec ${i} field ${j}`;
    return { "source-id": int(field["source-id"], `${what} source-id`), "field-id": int(field["field-id"], `${what} field-id`), name: text(field.name, `${what} name`), transform: text(field.transform, `${what} transform`) };
  });
  return { "spec-id": int(o["spec-id"], `partition spec ${i} spec-id`), fields };
}

export function readMetadata(json: unknown): TableMetadata {
  const o = object(json, "table metadata");
  const version = o["format-version"];
  if (version !== 2) throw new IcebergError(`format-version ${String(version)}: only version 2 tables are written`);
  const current = o["current-snapshot-id"] == null ? -1n : long(o["current-snapshot-id"], "current-snapshot-id");
  const refs = object(o.refs ?? {}, "refs");
  return {
    "format-version": 2,
    "table-uuid": text(o["table-uuid"], "table-uuid"),
    location: text(o.location, "location"),
    "last-sequence-number": int(o["last-sequence-number"], "last-sequence-number"),
    "last-updated-ms": int(o["last-updated-ms"], "last-updated-ms"),
    "last-column-id": int(o["last-column-id"], "last-column-id"),
    schemas: list(o.schemas, "schemas").map((s, i) => {
      int(object(s, `schema ${i}`)["schema-id"], `schema ${i} schema-id`);
      return s as IcebergSchema;
    }),
    "current-schema-id": int(o["current-schema-id"], "current-schema-id"),
    "partition-specs": list(o["partition-specs"], "partition-specs").map(partitionSpec),
    "default-spec-id": int(o["default-spec-id"], "default-spec-id"),
    "last-partition-id": int(o["last-partition-id"], "last-partition-id"),
    properties: strings(o.properties ?? {}, "properties"),
    ...(current === -1n ? {} : { "current-snapshot-id": current }),
    snapshots: list(o.snapshots ?? [], "snapshots").map(snapshot),
    "snapshot-log": list(o["snapshot-log"] ?? [], "snapshot-log").map((e, i) => {
      const entry = object(e, `snapshot-log ${i}`);
      return { "timestamp-ms": int(entry["timestamp-ms"], `snapshot-log ${i} timestamp-ms`), "snapshot-id": long(entry["snapshot-id"], `snapshot-log ${i} snapshot-id`) };
    }),
    "metadata-log": list(o["metadata-log"] ?? [], "metadata-log").map((e, i) => {
      const entry = object(e, `metadata-log ${i}`);
      return { "timestamp-ms": int(entry["timestamp-ms"], `metadata-log ${i} timestamp-ms`), "metadata-file": text(entry["metadata-file"], `metadata-log ${i} metadata-file`) };
    }),
    "sort-orders": list(o["sort-orders"], "sort-orders"),
    "default-sort-order-id": int(o["default-sort-order-id"], "default-sort-order-id"),
    refs: Object.fromEntries(
      Object.entries(refs).map(([name, r]) => {
        const ref = object(r, `ref ${name}`);
        const retention = (key: "min-snapshots-to-keep" | "max-snapshot-age-ms") => (ref[key] == null ? {} : { [key]: int(ref[key], `ref ${name} ${key}`) });
        return [name, { ...ref, "snapshot-id": long(ref["snapshot-id"], `ref ${name} snapshot-id`), type: text(ref.type, `ref ${name} type`), ...retention("min-snapshots-to-keep"), ...retention("max-snapshot-age-ms") }];
      }),
    ),
    others: Object.fromEntries(Object.entries(o).filter(([key]) => !KNOWN.has(key))),
  };
}

/** The JSON object of a metadata file. */
export function metadataJson(metadata: TableMetadata): Record<string, unknown> {
  const { others, ...known } = metadata;
  return { ...others, ...known };
}

export const currentSnapshot = (metadata: TableMetadata): Snapshot | undefined => metadata.snapshots.find((s) => s["snapshot-id"] === metadata["current-snapshot-id"]);
