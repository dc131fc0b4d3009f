// The text forms Delta gives values in partition values and statistics: dates as yyyy-mm-dd;
// timestamps in stats truncated down to milliseconds, ISO 8601 (UTC with Z; without zone, none).

const DAY_MS = 86_400_000;

function utc(ms: number): string | undefined {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return Number.isNaN(year) || year < 0 || year > 9999 ? undefined : date.toISOString();
}

/** Days since 1970-01-01 → yyyy-mm-dd; undefined outside years 0–9999. */
export const dateText = (days: number): string | undefined => utc(days * DAY_MS)?.slice(0, 10);

function millis(micros: bigint): number {
  const floor = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  return Number(floor);
}

/** Microseconds since the epoch (UTC) → yyyy-mm-ddThh:mm:ss.sssZ. */
export const timestampText = (micros: bigint): string | undefined => utc(millis(micros));

/** Microseconds since the epoch, no zone → yyyy-mm-ddThh:mm:ss.sss. */
export const timestampNtzText = (micros: bigint): string | undefined => utc(millis(micros))?.slice(0, -1);

/** An unscaled decimal → its digits with the point placed by scale. */
export function decimalText(unscaled: bigint, scale: number): string {
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return unscaled < 0n ? `-${text}` : text;
}
