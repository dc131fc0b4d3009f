-- Topics, partitions (their watermarks), record batches and producer state.
-- Rows of one topic are keyed by the topic's integer `id`; deleting a topic deletes them all in
-- the same transaction, and AUTOINCREMENT never hands a deleted topic's id to a new topic.

CREATE TABLE topic (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  topic_id TEXT NOT NULL UNIQUE,
  partition_count INTEGER NOT NULL,
  replication_factor INTEGER NOT NULL,
  configs TEXT NOT NULL -- JSON object of the explicitly set configs
);

-- One row per partition. Appends take the database's write lock (BEGIN IMMEDIATE), so reading
-- high_watermark, inserting the batch and advancing it are one atomic step.
CREATE TABLE watermark (
  topic INTEGER NOT NULL,
  partition INTEGER NOT NULL,
  log_start_offset INTEGER NOT NULL DEFAULT 0,
  high_watermark INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (topic, partition)
) WITHOUT ROWID;

-- A record batch exactly as produced, with baseOffset set: offsets [base_offset, last_offset].
CREATE TABLE batch (
  topic INTEGER NOT NULL,
  partition INTEGER NOT NULL,
  base_offset INTEGER NOT NULL,
  last_offset INTEGER NOT NULL,
  max_timestamp INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (topic, partition, base_offset)
);
CREATE INDEX batch_max_timestamp ON batch (topic, partition, max_timestamp DESC, base_offset);

-- Idempotent-producer state per (partition, producer id): epoch and the last five batches.
CREATE TABLE producer_state (
  topic INTEGER NOT NULL,
  partition INTEGER NOT NULL,
  producer_id INTEGER NOT NULL,
  producer_epoch INTEGER NOT NULL,
  batches TEXT NOT NULL, -- JSON [[firstSeq, lastSeq, baseOffset, lastOffset], …], oldest first
  PRIMARY KEY (topic, partition, producer_id)
) WITHOUT ROWID;

CREATE TABLE idempotent_producer (
  producer_id INTEGER PRIMARY KEY,
  producer_epoch INTEGER NOT NULL
);

CREATE TABLE transactional_producer (
  transactional_id TEXT PRIMARY KEY,
  producer_id INTEGER NOT NULL,
  producer_epoch INTEGER NOT NULL,
  last_producer_id INTEGER NOT NULL,
  last_producer_epoch INTEGER NOT NULL,
  transaction_timeout_ms INTEGER NOT NULL
);

CREATE TABLE counter (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO counter (name, value) VALUES ('producer_id', 0);
