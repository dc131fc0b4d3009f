// Checks what a read_committed consumer read against what the chaos producers report: committed
// transactions whole and once, aborted ones invisible, unconfirmed ones all or nothing, and each
// producer's records in order within every partition.

import type { Read } from "./transactions.ts";
import type { TxnEvent } from "./txn-chaos.ts";

const VALUE = /^p(\d+)-t(\d+)-i(\d+)-n(\d+)-([ca])$/;

export interface ChaosSummary {
  committed: number;
  aborted: number;
  unconfirmed: number;
  /** Unconfirmed transactions found committed (the rest were found aborted). */
  unconfirmedVisible: number;
  /** Records the consumer read, every one checked. */
  records: number;
}

interface Seen {
  partitions: number[];
}

export function checkTransactions(events: readonly TxnEvent[], reads: readonly Read[]): { problems: string[]; summary: ChaosSummary } {
  const problems: string[] = [];
  const problem = (text: string) => void (problems.length < 25 && problems.push(text));
  const seen = new Map<string, Seen>();
  const lastInPartition = new Map<string, [t: number, i: number]>();
  for (const r of [...reads].sort((a, b) => a.p - b.p || a.o - b.o)) {
    const m = VALUE.exec(r.v);
    if (m === null) {
      problem(`unexpected value ${JSON.stringify(r.v)} at ${r.p}:${r.o}`);
      continue;
    }
    const entry = seen.get(r.v) ?? { partitions: [] };
    entry.partitions.push(r.p);
    seen.set(r.v, entry);
    const order: [number, number] = [Number(m[2]), Number(m[3])];
    const key = `${m[1]}:${r.p}`;
    const before = lastInPartition.get(key);
    if (before !== undefined && (order[0] < before[0] || (order[0] === before[0] && order[1] <= before[1]))) {
      problem(`producer ${m[1]} out of order in partition ${r.p} at offset ${r.o}: t${order[0]}-i${order[1]} after t${before[0]}-i${before[1]}`);
    }
    lastInPartition.set(key, order);
  }

  const summary: ChaosSummary = { committed: 0, aborted: 0, unconfirmed: 0, unconfirmedVisible: 0, records: reads.length };
  const known = new Set<string>();
  for (const e of events) {
    summary[e.outcome]++;
    const name = `p${e.producer}-t${e.t}`;
    let visible = 0;
    for (const [partition, value] of e.records) {
      known.add(value);
      const s = seen.get(value);
      if (s === undefined) continue;
      visible++;
      if (s.partitions.length !== 1) problem(`${value} read ${s.partitions.length} times`);
      if (s.partitions.some((p) => p !== partition)) problem(`${value} read in partition ${s.partitions.join(",")}, sent to ${partition}`);
    }
    const whole = visible === e.records.length;
    if (e.outcome === "committed" && !whole) problem(`${name} committed, but ${visible} of its ${e.records.length} records are visible`);
    if (e.outcome === "aborted" && visible > 0) problem(`${name} aborted (meant to ${e.intent === "c" ? "commit" : "abort"}), but ${visible} of its ${e.records.length} records are visible`);
    if (e.outcome === "unconfirmed" && visible > 0 && !whole) problem(`${name} unconfirmed and partly visible: ${visible} of ${e.records.length} records`);
    if (e.intent === "a" && visible > 0 && e.outcome !== "aborted") problem(`${name} was never committed, but ${visible} records are visible`);
    if (e.outcome === "unconfirmed" && whole) summary.unconfirmedVisible++;
  }
  for (const value of seen.keys()) if (!known.has(value)) problem(`${value} is visible, but no producer reported its transaction`);
  return { problems, summary };
}

export function summaryLine(kind: string, s: ChaosSummary, extra: string): string {
  return `transactions chaos on ${kind}: ${s.committed} committed, ${s.aborted} aborted, ${s.unconfirmed} unconfirmed (${s.unconfirmedVisible} of them visible); ${s.records} records checked; ${extra}`;
}
