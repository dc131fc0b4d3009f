// The column statistics both table formats keep per data file: for each top-level primitive
// column and for __kafka's partition, offset and timestamp, the null count and the lower and upper
// bounds. Bounds follow Iceberg's ordering: strings by code point (UTF-8 byte order), false before
// true, NaN never a bound. Binary columns keep only their null count.

import { KAFKA_COLUMN } from "./map-topic.ts";
import type { DataFile, LakeField, LakeType, LakeValue, Row } from "./types.ts";

type Stats = { nullCount: number; min?: LakeValue; max?: LakeValue };

const KAFKA_BOUNDED = new Set(["partition", "offset", "timestamp"]);

/** UTF-16 code units → code point order: surrogates (U+D800–DFFF) sort above U+E000–FFFF. */
function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x += x >= 0xe000 ? -0x800 : 0x2000;
      y += y >= 0xe000 ? -0x800 : 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

function comparator(type: LakeType): ((a: LakeValue, b: LakeValue) => number) | null {
  switch (type.kind) {
    case "string":
    case "uuid":
      return (a, b) => compareStrings(a as string, b as string);
    case "boolean":
      return (a, b) => Number(a) - Number(b);
    case "struct":
    case "list":
    case "map":
    case "binary":
      return null;
    default:
      return (a, b) => ((a as number | bigint) < (b as number | bigint) ? -1 : (a as number | bigint) > (b as number | bigint) ? 1 : 0);
  }
}

function stats(rows: readonly Row[], get: (row: Row) => LakeValue, compare: ((a: LakeValue, b: LakeValue) => number) | null): Stats {
  let nullCount = 0;
  let min: LakeValue | undefined;
  let max: LakeValue | undefined;
  for (const row of rows) {
    const v = get(row);
    if (v === null) nullCount++;
    else if (compare !== null && !(typeof v === "number" && Number.isNaN(v))) {
      if (min === undefined || compare(v, min) < 0) min = v;
      if (max === undefined || compare(v, max) > 0) max = v;
    }
  }
  return min === undefined ? { nullCount } : { nullCount, min, max };
}

export function columnStats(fields: readonly LakeField[], rows: readonly Row[]): DataFile["columnStats"] {
  const result = new Map<number, Stats>();
  for (const f of fields) {
    if (f.name === KAFKA_COLUMN && f.type.kind === "struct") {
      for (const inner of f.type.fields.filter((k) => KAFKA_BOUNDED.has(k.name))) {
        result.set(inner.id, stats(rows, (r) => (r[KAFKA_COLUMN] as Row)[inner.name] ?? null, comparator(inner.type)));
      }
    } else if (f.type.kind !== "struct" && f.type.kind !== "list" && f.type.kind !== "map") {
      result.set(f.id, stats(rows, (r) => r[f.name] ?? null, comparator(f.type)));
    }
  }
  return result;
}
