// Transaction coordinator states with compare-and-swap by version, like GroupRegistry.

import type { StoredTransaction, TransactionWriteResult } from "../engine.ts";

export class TransactionRegistry {
  private readonly transactions = new Map<string, StoredTransaction>();
  private nextVersion = 1;

  get(transactionalId: string): StoredTransaction | null {
    const stored = this.transactions.get(transactionalId);
    return stored === undefined ? null : { ...stored };
  }

  put(transactionalId: string, state: string, expectedVersion: string | null): TransactionWriteResult {
    const current = this.get(transactionalId);
    if ((current?.version ?? null) !== expectedVersion) return { ok: false, current };
    const version = String(this.nextVersion++);
    this.transactions.set(transactionalId, { transactionalId, version, state });
    return { ok: true, version };
  }

  delete(transactionalId: string, expectedVersion: string): boolean {
    if (this.transactions.get(transactionalId)?.version !== expectedVersion) return false;
    this.transactions.delete(transactionalId);
    return true;
  }

  list(): StoredTransaction[] {
    return [...this.transactions.values()].map((t) => ({ ...t }));
  }
}
