// Partitioning by the day of the record timestamp: one partition field with the `day` transform
// over `__kafka.timestamp` (a nested struct field is a valid source). Partition field ids start at
// 1000 and, in v2, are unique across all specs of a table; an equivalent field keeps its id.

import type { LakeSchema } from "../types.ts";
import { IcebergError } from "./errors.ts";

export interface PartitionField {
  readonly "source-id": number;
  readonly "field-id": number;
  readonly name: string;
  readonly transform: string;
}
export interface PartitionSpec {
  readonly "spec-id": number;
  readonly fields: readonly PartitionField[];
}

/** The partition field's name; also its Avro field name in manifests, so only [A-Za-z0-9_]. */
export const DAY_FIELD_NAME = "__kafka_timestamp_day";
/** last-partition-id of a table that has never had a partition field. */
export const NO_PARTITION_ID = 999;

const MICROS_PER_DAY = 86_400_000_000n;

/** Iceberg's day transform of a timestamp in microseconds: days since 1970-01-01, rounding down. */
export function icebergDay(micros: bigint): number {
  const days = micros / MICROS_PER_DAY;
  return Number(micros < 0n && days * MICROS_PER_DAY !== micros ? days - 1n : days);
}

/** The field id of `__kafka.timestamp`, the source of the day partition. */
export function kafkaTimestampId(schema: LakeSchema): number {
  const kafka = schema.fields.find((f) => f.name === "__kafka");
  const timestamp = kafka?.type.kind === "struct" ? kafka.type.fields.find((f) => f.name === "timestamp") : undefined;
  if (timestamp === undefined) throw new IcebergError("partitioning by day needs a __kafka.timestamp field in the schema");
  if (timestamp.type.kind !== "timestamp" && timestamp.type.kind !== "timestamptz") {
    throw new IcebergError(`__kafka.timestamp is a ${timestamp.type.kind}; the day transform needs a timestamp`);
  }
  return timestamp.id;
}

type WantedField = Omit<PartitionField, "field-id">;

const sameField = (a: WantedField, b: WantedField): boolean => a["source-id"] === b["source-id"] && a.transform === b.transform && a.name === b.name;

/** The spec with the wanted fields: an equivalent existing one, else a new one added to the list. */
export function chooseSpec(
  specs: readonly PartitionSpec[],
  lastPartitionId: number,
  wanted: readonly WantedField[],
): { specs: readonly PartitionSpec[]; spec: PartitionSpec; lastPartitionId: number } {
  const existing = specs.find((s) => s.fields.length === wanted.length && s.fields.every((f, i) => sameField(f, wanted[i] as WantedField)));
  if (existing !== undefined) return { specs, spec: existing, lastPartitionId };
  let last = lastPartitionId;
  const known = specs.flatMap((s) => s.fields);
  const fields = wanted.map((w) => ({ "source-id": w["source-id"], "field-id": known.find((f) => sameField(f, w))?.["field-id"] ?? ++last, name: w.name, transform: w.transform }));
  const spec = { "spec-id": specs.reduce((max, s) => Math.max(max, s["spec-id"] + 1), 0), fields };
  return { specs: [...specs, spec], spec, lastPartitionId: last };
}

/** The fields of the spec a table written with or without day partitioning wants. */
export function wantedFields(schema: LakeSchema, partitionByDay: boolean): WantedField[] {
  return partitionByDay ? [{ "source-id": kafkaTimestampId(schema), name: DAY_FIELD_NAME, transform: "day" }] : [];
}
