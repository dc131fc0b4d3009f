// Checks a consumed partition log against what was produced: offsets contiguous from 0 in every
// partition, each sent record exactly once with its key, value, headers and timestamp, and the
// records of one run in the order they were sent within each partition.

import type { ConsumedRecord, SentRecord } from "./records.ts";

/** Wall-clock bounds of a producer run, for records the client stamped itself. */
export interface Window {
  from: number;
  to: number;
}

const MAX_PROBLEMS = 25;

function identity(r: Pick<SentRecord, "key" | "value" | "headers">): string {
  return JSON.stringify([r.key, r.value, r.headers]);
}

function describe(c: ConsumedRecord): string {
  return `${c.partition}/${c.offset} key=${JSON.stringify(c.key)} value=${JSON.stringify(c.value?.slice(0, 40) ?? null)} headers=${JSON.stringify(c.headers)} ts=${c.timestamp}`;
}

function checkOffsets(partition: number, records: readonly ConsumedRecord[], problems: string[]): void {
  for (let i = 0; i < records.length; i++) {
    const offset = records[i]!.offset;
    if (offset !== i) {
      problems.push(`partition ${partition}: record #${i} has offset ${offset} (offsets must run 0, 1, 2, … with no gap or repeat)`);
      return;
    }
  }
}

/** Every problem found, at most MAX_PROBLEMS of them (plus a count of the rest); empty when the log is right. */
export function checkLog(sent: readonly SentRecord[], consumed: readonly ConsumedRecord[], partitions: number, windows: ReadonlyMap<string, Window>): string[] {
  const problems: string[] = [];
  const expected = new Map<string, SentRecord[]>();
  for (const r of sent) {
    const id = identity(r);
    const list = expected.get(id);
    if (list === undefined) expected.set(id, [r]);
    else list.push(r);
  }
  const unique = new Set([...expected].filter(([, list]) => list.length === 1).map(([id]) => id));

  const byPartition = new Map<number, ConsumedRecord[]>();
  for (const c of consumed) {
    if (!Number.isInteger(c.partition) || c.partition < 0 || c.partition >= partitions) problems.push(`record in partition ${c.partition} of a ${partitions}-partition topic: ${describe(c)}`);
    const list = byPartition.get(c.partition) ?? [];
    list.push(c);
    byPartition.set(c.partition, list);
  }
  for (const [partition, records] of [...byPartition].sort(([a], [b]) => a - b)) {
    records.sort((a, b) => a.offset - b.offset);
    checkOffsets(partition, records, problems);
    const lastSeq = new Map<string, number>();
    for (const c of records) {
      const id = identity(c);
      const s = expected.get(id)?.shift();
      if (s === undefined) {
        problems.push(`unexpected or duplicated record ${describe(c)}`);
        continue;
      }
      if (s.timestamp !== null && c.timestamp !== s.timestamp) problems.push(`${describe(c)}: timestamp should be ${s.timestamp}`);
      const window = windows.get(s.run);
      if (s.timestamp === null && window !== undefined && (c.timestamp < window.from || c.timestamp > window.to)) {
        problems.push(`${describe(c)}: client-stamped timestamp outside its run's ${window.from}..${window.to}`);
      }
      if (unique.has(id)) {
        const before = lastSeq.get(s.run) ?? -1;
        if (s.seq < before) problems.push(`${describe(c)}: run ${s.run} record ${s.seq} stored after its record ${before}`);
        lastSeq.set(s.run, s.seq);
      }
    }
  }
  const lost = [...expected.values()].flat();
  if (lost.length > 0) {
    const examples = lost.slice(0, 3).map((r) => `${r.run}#${r.seq}`);
    problems.push(`${lost.length} sent records never consumed, e.g. ${examples.join(", ")}`);
  }
  if (problems.length > MAX_PROBLEMS) return [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more problems`];
  return problems;
}
