// Lower and upper bounds for manifests in the binary single-value serialization (table spec,
// Appendix D). A value that does not fit its column's type gets no bound rather than a wrong one:
// bounds are optional, a wrong one would make readers skip files that hold matching rows.

import type { LakeType, LakeValue } from "../types.ts";

function fixed(size: number, fill: (view: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(size);
  fill(new DataView(bytes.buffer));
  return bytes;
}

/** Two's-complement big-endian in the fewest bytes that hold the value. */
function minimalBigEndian(n: bigint): Uint8Array {
  let size = 1;
  while (n < -(1n << BigInt(8 * size - 1)) || n >= 1n << BigInt(8 * size - 1)) size++;
  const bytes = new Uint8Array(size);
  let rest = BigInt.asUintN(8 * size, n);
  for (let i = size - 1; i >= 0; i--, rest >>= 8n) bytes[i] = Number(rest & 0xffn);
  return bytes;
}

function uuidBytes(text: string): Uint8Array | null {
  const hex = text.replaceAll("-", "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return null;
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

const int64 = (value: LakeValue): Uint8Array | null => (typeof value === "bigint" ? fixed(8, (v) => v.setBigInt64(0, value, true)) : null);
const int32 = (value: LakeValue): Uint8Array | null => (typeof value === "number" && Number.isInteger(value) ? fixed(4, (v) => v.setInt32(0, value, true)) : null);

/**
 * The bound of a column; `side` matters for floating point zero, since -0.0 sorts before +0.0
 * (IEEE 754 totalOrder) and a minimum or maximum found by `<` may be either.
 */
export function serializeBound(type: LakeType, value: LakeValue, side: "lower" | "upper"): Uint8Array | null {
  switch (type.kind) {
    case "boolean":
      return typeof value === "boolean" ? Uint8Array.of(value ? 1 : 0) : null;
    case "int":
    case "date":
      return int32(value);
    case "long":
    case "time":
    case "timestamp":
    case "timestamptz":
      return int64(value);
    case "float":
    case "double": {
      if (typeof value !== "number" || Number.isNaN(value)) return null;
      const x = value === 0 ? (side === "lower" ? -0 : 0) : value;
      return type.kind === "float" ? fixed(4, (v) => v.setFloat32(0, x, true)) : fixed(8, (v) => v.setFloat64(0, x, true));
    }
    case "decimal":
      return typeof value === "bigint" ? minimalBigEndian(value) : null;
    case "string":
      return typeof value === "string" ? new TextEncoder().encode(value) : null;
    case "uuid":
      return typeof value === "string" ? uuidBytes(value) : null;
    case "binary":
      return value instanceof Uint8Array ? value : null;
    default:
      return null;
  }
}

/** The bytes of an `int` partition value, as field summaries store their bounds. */
export const intBound = (value: number): Uint8Array => fixed(4, (v) => v.setInt32(0, value, true));
