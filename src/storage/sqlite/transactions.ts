// Transaction coordinator states (compare-and-swap on version), as groups.ts keeps group states.
// Each function runs inside a transaction the engine opens; writes inside BEGIN IMMEDIATE.

import type { StoredTransaction, TransactionWriteResult } from "../engine.ts";
import { storedTransaction, type TransactionRow } from "../transaction-rows.ts";
import type { Statements } from "./statements.ts";

export function getTransaction(s: Statements, transactionalId: string): StoredTransaction | null {
  const row = s.get<TransactionRow>("transaction", transactionalId);
  return row === null ? null : storedTransaction(row);
}

export function listTransactions(s: Statements): StoredTransaction[] {
  return s.all<TransactionRow>("transactions").map(storedTransaction);
}

export function putTransaction(s: Statements, transactionalId: string, state: string, expectedVersion: string | null): TransactionWriteResult {
  const current = getTransaction(s, transactionalId);
  if ((current?.version ?? null) !== expectedVersion) return { ok: false, current };
  const next = s.get<{ value: number }>("next-transaction-version");
  if (next === null) throw new Error("transaction version counter is missing");
  s.run("upsert-transaction", transactionalId, next.value, state);
  return { ok: true, version: String(next.value) };
}

export function deleteTransaction(s: Statements, transactionalId: string, expectedVersion: string): boolean {
  if (getTransaction(s, transactionalId)?.version !== expectedVersion) return false;
  s.run("delete-transaction", transactionalId);
  return true;
}
