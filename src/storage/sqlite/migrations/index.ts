import type { Migration } from "../../sql-text.ts";
import initial from "./001-initial.sql" with { type: "text" };
import groups from "./002-groups.sql" with { type: "text" };
import clientQuotas from "./003-client-quotas.sql" with { type: "text" };
import transactions from "./004-transactions.sql" with { type: "text" };
import security from "./005-security.sql" with { type: "text" };

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "001-initial.sql", sql: initial },
  { version: 2, name: "002-groups.sql", sql: groups },
  { version: 3, name: "003-client-quotas.sql", sql: clientQuotas },
  { version: 4, name: "004-transactions.sql", sql: transactions },
  { version: 5, name: "005-security.sql", sql: security },
];
