// The records the compat tests produce: keys, null keys, null values, headers (with null and empty
// values and repeated names) and explicit timestamps, each shape chosen by the record's number.

export type Header = [name: string, value: string | null];

export interface SentRecord {
  run: string;
  seq: number;
  key: string | null;
  value: string | null;
  headers: Header[];
  /** Chosen by the producer; null when the client stamps the send time. */
  timestamp: number | null;
}

export interface ConsumedRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Header[];
  timestamp: number;
}

export interface RecordShape {
  /** false: every record carries `runHeaders` (kcat's -H applies to a whole run). */
  perRecordHeaders: boolean;
  explicitTimestamps: boolean;
  /** kafka-python 2.0.2 asserts every header value is bytes… */
  nullHeaderValues: boolean;
  /** …and that a record has a key or a value. */
  nullKeyAndValue: boolean;
}

/** Explicit timestamps start here (2020-09-13), well before any "now" a client stamps. */
export const BASE_TIMESTAMP = 1_600_000_000_000;

export function runHeaders(run: string): Header[] {
  return [
    ["run", run],
    ["nil", null],
    ["empty", ""],
  ];
}

function filler(seq: number): string {
  const n = (seq * 37) % 160;
  let s = "";
  for (let i = 0; i < n; i++) s += "abcdefghij"[(seq + i * i) % 10];
  return s;
}

/** Records without key and value keep the seq header, so that every record can be told apart. */
function recordHeaders(run: string, seq: number, anonymous: boolean, nullValues: boolean): Header[] {
  if (seq % 5 === 0 && !anonymous) return [];
  const headers: Header[] = [
    ["run", run],
    ["seq", String(seq)],
  ];
  if (seq % 13 === 1 && nullValues) headers.push(["nil", null]);
  if (seq % 17 === 2) headers.push(["empty", ""]);
  if (seq % 19 === 4) headers.push(["dup", "1"], ["dup", "2"]);
  return headers;
}

/** `count` records of one run; `runIndex` separates the runs' explicit timestamps. */
export function makeRecords(run: string, runIndex: number, count: number, shape: RecordShape): SentRecord[] {
  const records: SentRecord[] = [];
  for (let seq = 0; seq < count; seq++) {
    const key = seq % 7 === 3 ? null : `${run}.k${seq}`;
    const value = seq % 11 === 5 && (key !== null || shape.nullKeyAndValue) ? null : `${run}.v${seq}.${filler(seq)}`;
    records.push({
      run,
      seq,
      key,
      value,
      headers: shape.perRecordHeaders ? recordHeaders(run, seq, key === null && value === null, shape.nullHeaderValues) : runHeaders(run),
      timestamp: shape.explicitTimestamps && seq % 10 !== 9 ? BASE_TIMESTAMP + runIndex * 1_000_000 + seq : null,
    });
  }
  return records;
}

/** One JSON object a line, as the Python client scripts read them. */
export function toJsonLines(records: readonly SentRecord[]): string {
  return records.map((r) => JSON.stringify({ k: r.key, v: r.value, h: r.headers, ts: r.timestamp })).join("\n") + "\n";
}

interface JsonConsumed {
  p: number;
  o: number;
  k: string | null;
  v: string | null;
  h: Header[];
  ts: number;
}

/** Parses the Python scripts' consumed-records output. */
export function fromJsonLines(text: string): ConsumedRecord[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const r = JSON.parse(line) as JsonConsumed;
      return { partition: r.p, offset: r.o, key: r.k, value: r.v, headers: r.h, timestamp: r.ts };
    });
}
