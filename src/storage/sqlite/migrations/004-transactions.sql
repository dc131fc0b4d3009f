-- Transactions: each producer's transaction state per partition (in producer_state), aborted
-- transactions for READ_COMMITTED fetches, and the coordinator's state per transactional id.
-- transactional_producer (001) is no longer used: transactional ids are the coordinator's.

-- current_txn_first_offset is null unless the producer has a transaction open in the partition;
-- the lastStableOffset is the least of them (producer_state_open_txn holds only those rows).
ALTER TABLE producer_state ADD COLUMN current_txn_first_offset INTEGER;
ALTER TABLE producer_state ADD COLUMN current_txn_guard INTEGER NOT NULL DEFAULT -1;
ALTER TABLE producer_state ADD COLUMN completed_txn_guard INTEGER NOT NULL DEFAULT -1;
ALTER TABLE producer_state ADD COLUMN coordinator_epoch INTEGER NOT NULL DEFAULT -1;
CREATE INDEX producer_state_open_txn ON producer_state (topic, partition, current_txn_first_offset)
WHERE current_txn_first_offset IS NOT NULL;

-- One row per ABORT marker: the producer's batches in [first_offset, last_offset) are aborted;
-- last_offset is the marker's own offset, unique in the partition.
CREATE TABLE aborted_txn (
  topic INTEGER NOT NULL,
  partition INTEGER NOT NULL,
  last_offset INTEGER NOT NULL,
  first_offset INTEGER NOT NULL,
  producer_id INTEGER NOT NULL,
  PRIMARY KEY (topic, partition, last_offset)
) WITHOUT ROWID;

-- `version` comes from the counter 'transaction_version', so it never repeats for an id, even
-- after the id's state is deleted and created again.
CREATE TABLE transactions (
  transactional_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  state TEXT NOT NULL -- JSON written by src/transactions, stored unchanged
);

INSERT INTO counter (name, value) VALUES ('transaction_version', 0);
