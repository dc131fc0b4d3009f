// JSON Schema string formats the lake has types for (RFC 3339 full-date, date-time, full-time;
// RFC 4122 uuid) → values. The schema validator does not check formats, so a string that does not
// parse is a ValueError here.

import { describe, uuidText, ValueError } from "./map-shared.ts";
import type { LakePrimitive, LakeValue } from "./types.ts";

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|[+-]\d{2}:\d{2})?$/;

function text(v: unknown, format: string): string {
  if (typeof v !== "string") throw new ValueError(`expected a ${format} string, got ${describe(v)}`);
  return v;
}

/** Milliseconds since the epoch of a calendar day (years 0–99 too: Date.UTC would read them as 19xx). */
function dayMillis(v: string, y: number, mo: number, d: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  // out-of-range months and days roll over (31 April → 1 May); a real date keeps its fields
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) throw new ValueError(`not a valid date: ${v}`);
  return date.getTime();
}

/** Seconds since midnight; a leap second (:60) counts as :59. */
function secondOfDay(v: string, h: number, mi: number, s: number): number {
  if (h > 23 || mi > 59 || s > 60) throw new ValueError(`not a valid time: ${v}`);
  return (h * 60 + mi) * 60 + Math.min(s, 59);
}

/** The first six digits of a fraction of a second, as microseconds. */
const fractionMicros = (digits: string | undefined): bigint => BigInt((digits ?? "").slice(0, 6).padEnd(6, "0"));

function offsetMinutes(zone: string): number {
  if (zone === "Z" || zone === "z") return 0;
  const minutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
  return zone.startsWith("-") ? -minutes : minutes;
}

function parseDate(v: unknown): number {
  const s = text(v, "date");
  const m = DATE.exec(s);
  if (m === null) throw new ValueError(`not an RFC 3339 date: ${s}`);
  const [y, mo, d] = m.slice(1, 4).map(Number);
  return dayMillis(s, y!, mo!, d!) / DAY_MS;
}

function parseDateTime(v: unknown): bigint {
  const s = text(v, "date-time");
  const m = DATE_TIME.exec(s);
  if (m === null) throw new ValueError(`not an RFC 3339 date-time: ${s}`);
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  const ms = dayMillis(s, y!, mo!, d!) + (secondOfDay(s, h!, mi!, sec!) - offsetMinutes(m[8]!) * 60) * 1000;
  return BigInt(ms) * 1000n + fractionMicros(m[7]);
}

/** The wall-clock time as written: an offset, if any, is dropped (the lake's time has no zone). */
function parseTime(v: unknown): bigint {
  const s = text(v, "time");
  const m = TIME.exec(s);
  if (m === null) throw new ValueError(`not an RFC 3339 time: ${s}`);
  const [h, mi, sec] = m.slice(1, 4).map(Number);
  return BigInt(secondOfDay(s, h!, mi!, sec!)) * 1_000_000n + fractionMicros(m[4]);
}

/** The lake type and parser of a string format, or null for a plain string. */
export function stringFormat(format: unknown): { type: LakePrimitive; parse(v: unknown): LakeValue } | null {
  switch (format) {
    case "date":
      return { type: { kind: "date" }, parse: parseDate };
    case "date-time":
      return { type: { kind: "timestamptz" }, parse: parseDateTime };
    case "time":
      return { type: { kind: "time" }, parse: parseTime };
    case "uuid":
      return { type: { kind: "uuid" }, parse: uuidText };
    default:
      return null;
  }
}
