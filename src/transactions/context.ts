// What the transaction coordinator needs from the broker, and when a Prepare state counts as left behind.

import type { Broker } from "../broker.ts";
import type { Logger } from "../log.ts";
import type { Engine } from "../storage/engine.ts";

export interface TransactionContext {
  engine: Engine;
  log: Logger;
  /** Kafka's transaction.max.timeout.ms: the largest transaction timeout InitProducerId accepts. */
  maxTimeoutMs: number;
}

/**
 * A Prepare state this old is finished by whoever sees it: the broker that decided it has died or
 * stalled. Younger ones are being finished, so requests meanwhile answer CONCURRENT_TRANSACTIONS.
 */
export const PREPARE_TAKEOVER_MS = 3000;

export function transactionContext(broker: Broker): TransactionContext {
  return { engine: broker.engine, log: broker.log, maxTimeoutMs: broker.config.transactionMaxTimeoutMs };
}
