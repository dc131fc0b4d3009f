// What this broker's exports last found, per table, for the admin port: each partition's bookmark
// against its high watermark (offsets behind) and how long its oldest waiting records have waited
// (seconds behind), the rows and commits this broker made, and why export is stopped, if it is.

export interface PartitionLag {
  /** The last offset the table holds; -1 before any. */
  tableOffset: number;
  highWatermark: number;
  /** When this broker first saw records waiting (ms since the epoch); null when none wait. */
  waitingSince: number | null;
}

export interface TableProgress {
  readonly topic: string;
  readonly format: string;
  readonly location: string;
  readonly partitions: Map<number, PartitionLag>;
  exportedRows: number;
  commits: number;
  /** Why the last pass stopped short (a schema the table cannot take, a record that does not fit). */
  error: string | null;
  checkedAt: number;
}

export class LakeProgress {
  private readonly tables = new Map<string, TableProgress>();

  table(topic: string, format: string, location: string): TableProgress {
    const key = `${format}/${topic}`;
    let t = this.tables.get(key);
    if (t === undefined) {
      t = { topic, format, location, partitions: new Map(), exportedRows: 0, commits: 0, error: null, checkedAt: 0 };
      this.tables.set(key, t);
    }
    return t;
  }

  forTopic(topic: string): TableProgress[] {
    return [...this.tables.values()].filter((t) => t.topic === topic);
  }

  all(): TableProgress[] {
    return [...this.tables.values()];
  }
}

/** Offsets between the table's bookmark and the high watermark (markers and aborted records included). */
export const offsetsBehind = (p: PartitionLag): number => Math.max(0, p.highWatermark - 1 - p.tableOffset);

export const secondsBehind = (p: PartitionLag, now: number): number => (p.waitingSince === null ? 0 : (now - p.waitingSince) / 1000);
