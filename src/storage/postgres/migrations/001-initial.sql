-- Tansu's tables live in the schema `tansu` (created by the migrator with schema_version).
--
-- Records are rows a user can query (tansu.record, or the view tansu.records with topic names).
-- tansu.batch keeps every batch boundary and header field, so a batch is rebuilt byte for byte
-- (CRC included) from its header columns and its records' rows. Where rows cannot reproduce the
-- produced bytes exactly (compressed batches, LogAppendTime, header values that are not UTF-8,
-- non-canonical encodings) the batch's original bytes are kept in tansu.batch.bytes as well and
-- served instead; the rows are written either way.

create table tansu.topic (
  topic_id uuid primary key,
  name text not null unique,
  partition_count integer not null check (partition_count > 0),
  replication_factor smallint not null,
  configs jsonb not null default '{}',
  created_at timestamptz not null default now()
);

-- One row per partition. Appends lock it (select … for update), so offsets are assigned one
-- transaction at a time per partition, by any number of brokers.
create table tansu.watermark (
  topic_id uuid not null references tansu.topic (topic_id) on delete cascade,
  partition integer not null,
  log_start_offset bigint not null default 0,
  high_watermark bigint not null default 0,
  primary key (topic_id, partition)
);

create table tansu.batch (
  topic_id uuid not null,
  partition integer not null,
  base_offset bigint not null,
  last_offset bigint not null,
  size integer not null, -- bytes of the whole batch, for fetch's maxBytes
  partition_leader_epoch integer not null,
  attributes smallint not null,
  last_offset_delta integer not null,
  base_timestamp bigint not null, -- milliseconds, as in the batch header
  max_timestamp bigint not null,
  producer_id bigint not null,
  producer_epoch smallint not null,
  base_sequence integer not null,
  record_count integer not null,
  bytes bytea, -- the produced batch, only when rows cannot rebuild it exactly
  primary key (topic_id, partition, base_offset)
);
alter table tansu.batch alter column bytes set storage external;
create index batch_max_timestamp on tansu.batch (topic_id, partition, max_timestamp desc, base_offset);

create table tansu.record (
  topic_id uuid not null,
  partition integer not null,
  "offset" bigint not null,
  "timestamp" timestamptz not null,
  key bytea,
  value bytea,
  headers jsonb, -- [{"key": "…", "value": "…" | null}, …] in record order; null when none
  primary key (topic_id, partition, "offset")
);

create view tansu.records as
  select t.name as topic, r.partition, r."offset", r."timestamp", r.key, r.value, r.headers
  from tansu.record r join tansu.topic t using (topic_id);

-- Idempotent-producer state per (partition, producer id): epoch and the last five batches.
create table tansu.producer_state (
  topic_id uuid not null,
  partition integer not null,
  producer_id bigint not null,
  producer_epoch smallint not null,
  batches jsonb not null, -- [[firstSeq, lastSeq, baseOffset, lastOffset], …], oldest first
  primary key (topic_id, partition, producer_id)
);

create sequence tansu.producer_id_seq;

create table tansu.idempotent_producer (
  producer_id bigint primary key,
  producer_epoch smallint not null
);

create table tansu.transactional_producer (
  transactional_id text primary key,
  producer_id bigint not null,
  producer_epoch smallint not null,
  last_producer_id bigint not null,
  last_producer_epoch smallint not null,
  transaction_timeout_ms integer not null
);
