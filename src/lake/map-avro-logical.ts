// Avro logical types → lake types. The Avro spec says an invalid logical type (a decimal whose
// precision its fixed size cannot hold, a date on a string …) is ignored: the underlying type maps
// as usual. Decimals beyond 38 digits are ignored the same way (no lake format holds them), and so
// are logical types the lake has no type for (timestamp-nanos, duration …).

import { bytesOf, checkDecimal, expectBigint, MAX_DECIMAL_PRECISION, type Mapping, unscaled, uuidOfBytes, uuidText } from "./map-shared.ts";

const MICROS_PER_MILLI = 1000n;

const longOf = (v: unknown) => expectBigint(v, "an Avro long");

function decimal(attrs: Readonly<Record<string, unknown>>, underlying: string, size: number | undefined): Mapping | null {
  const precision = attrs.precision;
  const scale = attrs.scale ?? 0;
  if (!Number.isInteger(precision) || !Number.isInteger(scale)) return null;
  const [p, s] = [precision as number, scale as number];
  if (p < 1 || p > MAX_DECIMAL_PRECISION || s < 0 || s > p) return null;
  // a fixed of n bytes holds up to floor(log10(2^(8n-1) - 1)) digits
  if (underlying === "fixed" && (size === undefined || 10n ** BigInt(p) - 1n > (1n << BigInt(8 * size - 1)) - 1n)) return null;
  return {
    type: { kind: "decimal", precision: p, scale: s },
    optional: false,
    convert: (v) => checkDecimal(unscaled(bytesOf(v, "decimal bytes")), p),
  };
}

/** The mapping a logical type gives its underlying Avro type (named by typeName), or null to ignore it. */
export function logicalMapping(attrs: Readonly<Record<string, unknown>>, underlying: string, size: number | undefined): Mapping | null {
  const isLong = underlying === "long" || underlying === "abstract:long";
  switch (attrs.logicalType) {
    case "decimal":
      return underlying === "bytes" || underlying === "fixed" ? decimal(attrs, underlying, size) : null;
    case "uuid":
      if (underlying === "string") return { type: { kind: "uuid" }, optional: false, convert: uuidText };
      return underlying === "fixed" && size === 16 ? { type: { kind: "uuid" }, optional: false, convert: (v) => uuidOfBytes(bytesOf(v, "16 bytes")) } : null;
    case "date":
      return underlying === "int" ? { type: { kind: "date" }, optional: false, convert: (v) => v as number } : null;
    case "time-millis":
      return underlying === "int" ? { type: { kind: "time" }, optional: false, convert: (v) => BigInt(v as number) * MICROS_PER_MILLI } : null;
    case "time-micros":
      return isLong ? { type: { kind: "time" }, optional: false, convert: longOf } : null;
    case "timestamp-millis":
      return isLong ? { type: { kind: "timestamptz" }, optional: false, convert: (v) => longOf(v) * MICROS_PER_MILLI } : null;
    case "timestamp-micros":
      return isLong ? { type: { kind: "timestamptz" }, optional: false, convert: longOf } : null;
    case "local-timestamp-millis":
      return isLong ? { type: { kind: "timestamp" }, optional: false, convert: (v) => longOf(v) * MICROS_PER_MILLI } : null;
    case "local-timestamp-micros":
      return isLong ? { type: { kind: "timestamp" }, optional: false, convert: longOf } : null;
    default:
      return null;
  }
}
