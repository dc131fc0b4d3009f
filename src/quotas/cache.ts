// The quotas this broker enforces: every entity's values as last read from storage, read again in
// the background once older than MAX_AGE_MS (so another broker's AlterClientQuotas takes effect here
// within that time) and at once after an AlterClientQuotas through this broker. While storage
// cannot be read, the last quotas read stay in force.

import type { Logger } from "../log.ts";
import type { Engine } from "../storage/engine.ts";
import { quotaEntityKey } from "../storage/quota-entity.ts";
import type { QuotaSnapshot } from "./resolve.ts";

/** How long quotas read from storage are trusted. */
const MAX_AGE_MS = 5000;

export class QuotaCache {
  private snapshot: QuotaSnapshot = new Map();
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly log: Logger,
  ) {}

  current(now: number): QuotaSnapshot {
    if (this.reading === null && now - this.readAt >= MAX_AGE_MS) void this.refresh();
    return this.snapshot;
  }

  /** Reads the quotas again, after any read already under way (which may predate a change). */
  refresh(): Promise<void> {
    const read = (this.reading ?? Promise.resolve()).then(() => this.read());
    this.reading = read;
    void read.then(() => {
      if (this.reading === read) this.reading = null;
    });
    return read;
  }

  private async read(): Promise<void> {
    this.readAt = performance.now();
    try {
      const quotas = await this.engine.clientQuotas();
      this.snapshot = new Map(quotas.map((q) => [quotaEntityKey(q.entity), q.values]));
    } catch (e) {
      this.log.warn("cannot read client quotas; the last ones read stay in force", { error: e instanceof Error ? e.message : String(e) });
    }
  }
}
