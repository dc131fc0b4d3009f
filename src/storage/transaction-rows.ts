// Rows of the SQL engines' transactions table (coordinator state), and their engine shape.

import type { StoredTransaction } from "./engine.ts";

export interface TransactionRow {
  transactional_id: string;
  version: number;
  state: string;
}

export const storedTransaction = (row: TransactionRow): StoredTransaction => ({
  transactionalId: row.transactional_id,
  version: String(row.version),
  state: row.state,
});
