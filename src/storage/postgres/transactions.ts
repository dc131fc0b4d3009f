// Transaction coordinator states with compare-and-swap on a version from a sequence, as groups.ts
// keeps group states (without NOTIFY: nothing waits on a transaction's state).

import type { StoredTransaction, TransactionWriteResult } from "../engine.ts";
import { storedTransaction, type TransactionRow } from "../transaction-rows.ts";
import { query, type Db } from "./connect.ts";

const isVersion = (v: string) => /^\d+$/.test(v);

export async function getTransaction(db: Db, transactionalId: string): Promise<StoredTransaction | null> {
  const [row] = await query<TransactionRow>(db, "transaction", [transactionalId]);
  return row === undefined ? null : storedTransaction(row);
}

export async function listTransactions(db: Db): Promise<StoredTransaction[]> {
  return (await query<TransactionRow>(db, "transactions")).map(storedTransaction);
}

export async function putTransaction(db: Db, transactionalId: string, state: string, expectedVersion: string | null): Promise<TransactionWriteResult> {
  if (expectedVersion !== null && !isVersion(expectedVersion)) return { ok: false, current: await getTransaction(db, transactionalId) };
  const [row] =
    expectedVersion === null
      ? await query<{ version: number }>(db, "insert-transaction", [transactionalId, state])
      : await query<{ version: number }>(db, "update-transaction", [transactionalId, state, expectedVersion]);
  return row === undefined ? { ok: false, current: await getTransaction(db, transactionalId) } : { ok: true, version: String(row.version) };
}

export async function deleteTransaction(db: Db, transactionalId: string, expectedVersion: string): Promise<boolean> {
  if (!isVersion(expectedVersion)) return false;
  return (await query(db, "delete-transaction", [transactionalId, expectedVersion])).length > 0;
}
