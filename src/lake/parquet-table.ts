// The plain Parquet "table": files only, one directory per Kafka partition, no table metadata, so
// any Parquet reader can glob them. Exactly once comes from claims: before a file is written, the
// offsets it holds are claimed by creating `<partition>/_claims/<firstOffset>.json` if absent; the
// data file `<partition>/<firstOffset>-<lastOffset>.parquet` follows. A claim whose file is missing
// (its writer died in between) is finished by the next writer from the same records, so readers
// never see a record twice and claims chain without gaps: the next claim is named lastOffset + 1.

import type { LakeStore } from "./store.ts";
import type { LakeTable, NewFile, TableState } from "./table.ts";
import type { LakeSchema } from "./types.ts";

interface Claim {
  readonly lastOffset: number;
  readonly file: string;
}

const padded = (n: number) => String(n).padStart(20, "0");

export class ParquetTable implements LakeTable {
  readonly format = "parquet" as const;
  readonly location: string;
  /** Per partition, the last claim seen and whether its file is known to exist. */
  private readonly claims = new Map<number, Claim & { written: boolean }>();
  private listed = false;

  constructor(
    private readonly store: LakeStore,
    private readonly root: string,
    private readonly partitions: () => number,
    /** Writes a claimed range's file again from the log (its writer died before writing it). */
    private readonly rewrite: (partition: number, firstOffset: number, lastOffset: number) => Promise<Uint8Array | null>,
  ) {
    this.location = store.location(root);
  }

  async load(): Promise<TableState> {
    if (!this.listed) await this.listClaims();
    for (let partition = 0; partition < this.partitions(); partition++) await this.followClaims(partition);
    const offsets = new Map<number, number>();
    for (const [partition, claim] of this.claims) offsets.set(partition, claim.lastOffset);
    return { offsets, schema: null, version: 0 };
  }

  async append(_state: TableState, _schema: LakeSchema, files: readonly NewFile[]): Promise<"committed" | "conflict"> {
    let conflict = false;
    for (const f of files) {
      const file = `${padded(f.firstOffset)}-${padded(f.lastOffset)}.parquet`;
      const claim = JSON.stringify({ lastOffset: f.lastOffset, file });
      if ((await this.store.putIfAbsent(this.claimPath(f.partition, f.firstOffset), new TextEncoder().encode(claim))) === "exists") {
        conflict = true;
        continue;
      }
      await this.store.put(`${this.root}/${f.partition}/${file}`, f.bytes);
      this.claims.set(f.partition, { lastOffset: f.lastOffset, file, written: true });
    }
    return conflict ? "conflict" : "committed";
  }

  private claimPath(partition: number, firstOffset: number): string {
    return `${this.root}/${partition}/_claims/${padded(firstOffset)}.json`;
  }

  private async listClaims(): Promise<void> {
    for (const path of await this.store.list(`${this.root}/`)) {
      const match = /\/(\d+)\/_claims\/(\d{20})\.json$/.exec(path);
      if (match === null) continue;
      const partition = Number(match[1]);
      const claim = await this.readClaim(path);
      if (claim !== null && claim.lastOffset > (this.claims.get(partition)?.lastOffset ?? -1)) this.claims.set(partition, { ...claim, written: false });
    }
    this.listed = true;
  }

  /** Follows claims made since the last look (by any broker) and finishes an unwritten last one. */
  private async followClaims(partition: number): Promise<void> {
    for (;;) {
      const known = this.claims.get(partition);
      if (known !== undefined && !known.written) await this.finish(partition, known);
      const next = await this.readClaim(this.claimPath(partition, (known?.lastOffset ?? -1) + 1));
      if (next === null) return;
      this.claims.set(partition, { ...next, written: false });
    }
  }

  private async finish(partition: number, claim: Claim & { written: boolean }): Promise<void> {
    const path = `${this.root}/${partition}/${claim.file}`;
    if (!(await this.store.exists(path))) {
      const firstOffset = Number(claim.file.slice(0, 20));
      const bytes = await this.rewrite(partition, firstOffset, claim.lastOffset);
      if (bytes === null) return;
      await this.store.put(path, bytes);
    }
    this.claims.set(partition, { ...claim, written: true });
  }

  private async readClaim(path: string): Promise<Claim | null> {
    const bytes = await this.store.get(path);
    if (bytes === null) return null;
    const claim = JSON.parse(new TextDecoder().decode(bytes)) as Claim;
    return claim;
  }
}
