// JSON with 64-bit integers: Delta's longs (txn versions, sizes, times) may exceed 2^53, so they are
// written from bigint digits and read back as bigint when a number would lose precision.

/** A number written exactly as its text, e.g. a decimal with more digits than a double holds. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type Json = null | boolean | number | bigint | string | JsonNumber | readonly Json[] | { readonly [key: string]: Json | undefined };

/** One line of JSON; object members whose value is undefined are left out. */
export function toJson(value: Json): string {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof JsonNumber) return value.text;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (isJsonArray(value)) return `[${value.map(toJson).join(",")}]`;
  const members: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${toJson(member)}`);
  }
  return `{${members.join(",")}}`;
}

const isJsonArray = (value: object): value is readonly Json[] => Array.isArray(value);

const reviveLong = (_key: string, value: unknown, context?: { source?: string }): unknown =>
  typeof value === "number" && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source)
    ? BigInt(context.source)
    : value;

/** Newline-delimited JSON → one parsed value per non-empty line; throws SyntaxError on a bad line. */
export function parseJsonLines(text: string): unknown[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line, reviveLong));
}
