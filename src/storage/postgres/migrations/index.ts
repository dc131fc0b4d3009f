import type { Migration } from "../../sql-text.ts";
import initial from "./001-initial.sql" with { type: "text" };
import outbox from "./002-outbox.sql" with { type: "text" };
import groups from "./003-groups.sql" with { type: "text" };
import clientQuotas from "./004-client-quotas.sql" with { type: "text" };
import transactions from "./005-transactions.sql" with { type: "text" };
import security from "./006-security.sql" with { type: "text" };

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "001-initial.sql", sql: initial },
  { version: 2, name: "002-outbox.sql", sql: outbox },
  { version: 3, name: "003-groups.sql", sql: groups },
  { version: 4, name: "004-client-quotas.sql", sql: clientQuotas },
  { version: 5, name: "005-transactions.sql", sql: transactions },
  { version: 6, name: "006-security.sql", sql: security },
];
