-- Transactions: each producer's transaction state per partition (in tansu.producer_state),
-- aborted transactions for READ_COMMITTED fetches, and the coordinator's state per transactional
-- id. tansu.transactional_producer (001) is no longer used: transactional ids are the coordinator's.

-- current_txn_first_offset is null unless the producer has a transaction open in the partition;
-- the lastStableOffset is the least of them (producer_state_open_txn holds only those rows).
alter table tansu.producer_state
  add column current_txn_first_offset bigint,
  add column current_txn_guard bigint not null default -1,
  add column completed_txn_guard bigint not null default -1,
  add column coordinator_epoch integer not null default -1;
create index producer_state_open_txn on tansu.producer_state (topic_id, partition, current_txn_first_offset)
  where current_txn_first_offset is not null;

-- One row per ABORT marker: the producer's batches in [first_offset, last_offset) are aborted;
-- last_offset is the marker's own offset, unique in the partition.
create table tansu.aborted_transaction (
  topic_id uuid not null,
  partition integer not null,
  last_offset bigint not null,
  first_offset bigint not null,
  producer_id bigint not null,
  primary key (topic_id, partition, last_offset)
);

-- Versions come from one sequence, so a version never repeats for an id, even after its state is
-- deleted and created again.
create sequence tansu.transaction_version_seq;

create table tansu.transactions (
  transactional_id text primary key,
  version bigint not null,
  state text not null, -- JSON written by src/transactions, stored unchanged
  updated_at timestamptz not null default now()
);
