-- Statements of the PostgreSQL engine, by name (see sql-text.ts).

-- name: topic-by-name
select topic_id, name, partition_count, replication_factor, configs::text as configs from tansu.topic where name = $1

-- name: topic-by-id
select topic_id, name, partition_count, replication_factor, configs::text as configs from tansu.topic where topic_id = $1::uuid

-- name: topics
select topic_id, name, partition_count, replication_factor, configs::text as configs from tansu.topic order by name

-- name: insert-topic
with t as (
  insert into tansu.topic (topic_id, name, partition_count, replication_factor, configs)
  values ($1::uuid, $2, $3::integer, $4::smallint, $5::text::jsonb)
  on conflict (name) do nothing
  returning topic_id, partition_count
), w as (
  insert into tansu.watermark (topic_id, partition)
  select t.topic_id, p from t, generate_series(0, t.partition_count - 1) p
)
select topic_id from t

-- name: lock-topic
select topic_id, partition_count from tansu.topic where name = $1 for update

-- name: lock-watermarks
select partition from tansu.watermark where topic_id = $1::uuid for update

-- name: delete-topic
with b as (delete from tansu.batch where topic_id = $1::uuid),
r as (delete from tansu.record where topic_id = $1::uuid),
p as (delete from tansu.producer_state where topic_id = $1::uuid),
a as (delete from tansu.aborted_transaction where topic_id = $1::uuid),
o as (delete from tansu.committed_offset where topic = $2)
delete from tansu.topic where topic_id = $1::uuid

-- name: add-partitions
with w as (
  insert into tansu.watermark (topic_id, partition)
  select $1::uuid, p from generate_series($2::integer, $3::integer - 1) p
)
update tansu.topic set partition_count = $3::integer where topic_id = $1::uuid

-- name: alter-configs
update tansu.topic
set configs = (configs || $2::text::jsonb) - array(select jsonb_array_elements_text($3::text::jsonb))
where name = $1
returning topic_id

-- name: watermark
-- The lastStableOffset is the first offset of the oldest open transaction (producer_state_open_txn).
select w.topic_id, w.log_start_offset, w.high_watermark,
  coalesce((select min(ps.current_txn_first_offset) from tansu.producer_state ps
            where ps.topic_id = w.topic_id and ps.partition = w.partition and ps.current_txn_first_offset is not null),
           w.high_watermark) as last_stable_offset
from tansu.topic t join tansu.watermark w on w.topic_id = t.topic_id and w.partition = $2::integer
where t.name = $1

-- name: lock-watermark
select w.topic_id, w.log_start_offset, w.high_watermark
from tansu.topic t join tansu.watermark w on w.topic_id = t.topic_id and w.partition = $2::integer
where t.name = $1
for update of w

-- name: producer-state
select ps.producer_epoch, ps.batches::text as batches,
  ps.current_txn_first_offset, ps.current_txn_guard, ps.completed_txn_guard, ps.coordinator_epoch
from tansu.producer_state ps join tansu.topic t using (topic_id)
where t.name = $1 and ps.partition = $2::integer and ps.producer_id = $3::bigint

-- name: producer-states
-- One row per producer of the partition; one row of nulls when it has none, none when there is no
-- such partition.
select ps.producer_id, ps.producer_epoch, ps.batches::text as batches,
  ps.current_txn_first_offset, ps.current_txn_guard, ps.completed_txn_guard, ps.coordinator_epoch
from tansu.topic t join tansu.watermark w on w.topic_id = t.topic_id and w.partition = $2::integer
left join tansu.producer_state ps on ps.topic_id = w.topic_id and ps.partition = w.partition
where t.name = $1
order by ps.producer_id

-- name: upsert-producer-state
insert into tansu.producer_state (topic_id, partition, producer_id, producer_epoch, batches,
  current_txn_first_offset, current_txn_guard, completed_txn_guard, coordinator_epoch)
values ($1::uuid, $2::integer, $3::bigint, $4::smallint, $5::text::jsonb, $6::bigint, $7::bigint, $8::bigint, $9::integer)
on conflict (topic_id, partition, producer_id) do update set
  producer_epoch = excluded.producer_epoch,
  batches = excluded.batches,
  current_txn_first_offset = excluded.current_txn_first_offset,
  current_txn_guard = excluded.current_txn_guard,
  completed_txn_guard = excluded.completed_txn_guard,
  coordinator_epoch = excluded.coordinator_epoch

-- name: insert-aborted-transaction
insert into tansu.aborted_transaction (topic_id, partition, producer_id, first_offset, last_offset)
values ($1::uuid, $2::integer, $3::bigint, $4::bigint, $5::bigint)

-- name: aborted-transactions
-- Aborts overlapping [$3, $4]: scanned from the first marker at or after $3.
select a.producer_id, a.first_offset, a.last_offset
from tansu.topic t join tansu.aborted_transaction a on a.topic_id = t.topic_id and a.partition = $2::integer
where t.name = $1 and a.last_offset >= $3::bigint and a.first_offset <= $4::bigint
order by a.first_offset

-- name: copy-records
copy tansu.record (topic_id, partition, "offset", "timestamp", key, value, headers) from stdin (format binary)

-- name: append-batch
-- Takes $3 offsets from the partition's watermark (locking its row, if lock-watermark has not),
-- inserts the batch row and the producer's state ($14 batches, null for none, $15-$18 its
-- transaction), and returns where the batch starts; no row when there is no such partition.
with w as (
  update tansu.watermark w set high_watermark = w.high_watermark + $3::integer
  from tansu.topic t
  where t.name = $1 and w.topic_id = t.topic_id and w.partition = $2::integer
  returning w.topic_id, w.high_watermark - $3::integer as base_offset, w.log_start_offset
), b as (
  insert into tansu.batch (topic_id, partition, base_offset, last_offset, size, partition_leader_epoch,
                           attributes, last_offset_delta, base_timestamp, max_timestamp, producer_id,
                           producer_epoch, base_sequence, record_count, bytes)
  select w.topic_id, $2::integer, w.base_offset, w.base_offset + $3::integer - 1, $4::integer, $5::integer,
         $6::smallint, $7::integer, $8::bigint, $9::bigint, $10::bigint, $11::smallint, $12::integer,
         $3::integer, $13::bytea
  from w
), p as (
  insert into tansu.producer_state (topic_id, partition, producer_id, producer_epoch, batches,
    current_txn_first_offset, current_txn_guard, completed_txn_guard, coordinator_epoch)
  select w.topic_id, $2::integer, $10::bigint, $11::smallint, $14::text::jsonb, $15::bigint, $16::bigint, $17::bigint, $18::integer
  from w where $14::text::jsonb is not null
  on conflict (topic_id, partition, producer_id) do update set
    producer_epoch = excluded.producer_epoch,
    batches = excluded.batches,
    current_txn_first_offset = excluded.current_txn_first_offset,
    current_txn_guard = excluded.current_txn_guard,
    completed_txn_guard = excluded.completed_txn_guard,
    coordinator_epoch = excluded.coordinator_epoch
)
select w.topic_id, w.base_offset, w.log_start_offset, pg_notify('tansu_append', $2::integer || ':' || $1) as notified
from w

-- name: read
with w as (
  select w.topic_id, w.log_start_offset, w.high_watermark,
    coalesce((select min(ps.current_txn_first_offset) from tansu.producer_state ps
              where ps.topic_id = w.topic_id and ps.partition = w.partition and ps.current_txn_first_offset is not null),
             w.high_watermark) as last_stable_offset
  from tansu.topic t join tansu.watermark w on w.topic_id = t.topic_id and w.partition = $2::integer
  where t.name = $1
), chosen as (
  select b.*, sum(b.size) over (order by b.base_offset) as running
  from w cross join lateral (
    select b.* from tansu.batch b
    where b.topic_id = w.topic_id and b.partition = $2::integer
      and $3::bigint >= w.log_start_offset and $3::bigint < w.high_watermark
      and b.last_offset >= $3::bigint
      and b.base_offset >= coalesce((
        select max(x.base_offset) from tansu.batch x
        where x.topic_id = w.topic_id and x.partition = $2::integer and x.base_offset <= $3::bigint), 0)
    order by b.base_offset
    limit $5::integer
  ) b
)
select w.log_start_offset, w.high_watermark, w.last_stable_offset,
  c.base_offset, c.last_offset, c.size, c.partition_leader_epoch, c.attributes, c.last_offset_delta,
  c.base_timestamp, c.max_timestamp, c.producer_id, c.producer_epoch, c.base_sequence, c.record_count, c.bytes,
  r."offset", (extract(epoch from r."timestamp") * 1000)::bigint as "timestamp", r.key, r.value, r.headers::text as headers
from w
left join chosen c on c.running <= $4::bigint or c.running = c.size
left join tansu.record r on c.bytes is null and r.topic_id = w.topic_id and r.partition = $2::integer
  and r."offset" between c.base_offset and c.last_offset
order by c.base_offset, r."offset"

-- name: batch-at-or-after
with c as (
  select b.* from tansu.topic t
  join tansu.batch b on b.topic_id = t.topic_id and b.partition = $2::integer
  where t.name = $1 and b.max_timestamp >= $3::bigint
  order by b.base_offset limit 1
)
select c.base_offset, c.last_offset, c.size, c.partition_leader_epoch, c.attributes, c.last_offset_delta,
  c.base_timestamp, c.max_timestamp, c.producer_id, c.producer_epoch, c.base_sequence, c.record_count, c.bytes,
  r."offset", (extract(epoch from r."timestamp") * 1000)::bigint as "timestamp", r.key, r.value, r.headers::text as headers
from c left join tansu.record r on c.bytes is null and r.topic_id = c.topic_id and r.partition = c.partition
  and r."offset" between c.base_offset and c.last_offset
order by r."offset"

-- name: batch-max-timestamp
with c as (
  select b.* from tansu.topic t
  join tansu.batch b on b.topic_id = t.topic_id and b.partition = $2::integer
  where t.name = $1
  order by b.max_timestamp desc, b.base_offset limit 1
)
select c.base_offset, c.last_offset, c.size, c.partition_leader_epoch, c.attributes, c.last_offset_delta,
  c.base_timestamp, c.max_timestamp, c.producer_id, c.producer_epoch, c.base_sequence, c.record_count, c.bytes,
  r."offset", (extract(epoch from r."timestamp") * 1000)::bigint as "timestamp", r.key, r.value, r.headers::text as headers
from c left join tansu.record r on c.bytes is null and r.topic_id = c.topic_id and r.partition = c.partition
  and r."offset" between c.base_offset and c.last_offset
order by r."offset"

-- name: batch-summaries
-- The partition's batches from the one holding $3 on, in offset order (retention and compaction).
select base_offset, last_offset, max_timestamp, size from tansu.batch
where topic_id = $1::uuid and partition = $2::integer and last_offset >= $3::bigint
order by base_offset

-- name: retained
select count(*)::integer as batch_count, coalesce(sum(size), 0)::bigint as retained_bytes from tansu.batch
where topic_id = $1::uuid and partition = $2::integer

-- name: batches-through
-- Batches with last_offset in [$3, $4], and the records of those stored as rows only.
with c as (
  select b.* from tansu.batch b
  where b.topic_id = $1::uuid and b.partition = $2::integer and b.last_offset between $3::bigint and $4::bigint
)
select c.base_offset, c.last_offset, c.size, c.partition_leader_epoch, c.attributes, c.last_offset_delta,
  c.base_timestamp, c.max_timestamp, c.producer_id, c.producer_epoch, c.base_sequence, c.record_count, c.bytes,
  r."offset", (extract(epoch from r."timestamp") * 1000)::bigint as "timestamp", r.key, r.value, r.headers::text as headers
from c left join tansu.record r on c.bytes is null and r.topic_id = c.topic_id and r.partition = c.partition
  and r."offset" between c.base_offset and c.last_offset
order by c.base_offset, r."offset"

-- name: raise-log-start-offset
-- Raises logStartOffset to $3 unless it is already higher, and deletes the batches wholly below it
-- (with their records) and the aborted transactions that end below it.
with w as (
  update tansu.watermark set log_start_offset = greatest(log_start_offset, $3::bigint)
  where topic_id = $1::uuid and partition = $2::integer
  returning log_start_offset
), b as (
  delete from tansu.batch b using w
  where b.topic_id = $1::uuid and b.partition = $2::integer and b.last_offset < w.log_start_offset
  returning b.last_offset
), r as (
  delete from tansu.record
  where topic_id = $1::uuid and partition = $2::integer and "offset" <= (select max(last_offset) from b)
), a as (
  delete from tansu.aborted_transaction x using w
  where x.topic_id = $1::uuid and x.partition = $2::integer and x.last_offset < w.log_start_offset
)
select log_start_offset from w

-- name: lock-compaction
-- One compaction of a partition at a time, across brokers; appends and reads do not wait on it.
select pg_advisory_xact_lock(hashtextextended('tansu.compact:' || $2::integer || ':' || $1, 0))

-- name: delete-batch
with b as (
  delete from tansu.batch
  where topic_id = $1::uuid and partition = $2::integer and base_offset = $3::bigint
  returning base_offset, last_offset
)
delete from tansu.record r using b
where r.topic_id = $1::uuid and r.partition = $2::integer and r."offset" between b.base_offset and b.last_offset

-- name: replace-batch-bytes
-- Only a batch still there is updated; the records not kept ($6: their offsets, '{…}') go.
with b as (
  update tansu.batch set bytes = $4::bytea, size = length($4::bytea), record_count = $5::integer
  where topic_id = $1::uuid and partition = $2::integer and base_offset = $3::bigint
  returning base_offset, last_offset
)
delete from tansu.record r using b
where r.topic_id = $1::uuid and r.partition = $2::integer and r."offset" between b.base_offset and b.last_offset
  and r."offset" <> all($6::text::bigint[])

-- name: next-producer-id
select nextval('tansu.producer_id_seq') as producer_id

-- name: lock-idempotent
select producer_epoch from tansu.idempotent_producer where producer_id = $1::bigint for update

-- name: upsert-idempotent
insert into tansu.idempotent_producer (producer_id, producer_epoch) values ($1::bigint, $2::smallint)
on conflict (producer_id) do update set producer_epoch = excluded.producer_epoch

-- name: group
select group_id, version, state from tansu.consumer_group where group_id = $1

-- name: groups
select group_id, version, state from tansu.consumer_group order by group_id

-- name: insert-group
with g as (
  insert into tansu.consumer_group (group_id, version, state) values ($1, nextval('tansu.group_version_seq'), $2)
  on conflict (group_id) do nothing
  returning version
)
select version, pg_notify('tansu_group', $1) from g

-- name: update-group
with g as (
  update tansu.consumer_group set version = nextval('tansu.group_version_seq'), state = $2, updated_at = now()
  where group_id = $1 and version = $3::bigint
  returning version
)
select version, pg_notify('tansu_group', $1) from g

-- name: delete-group
with g as (delete from tansu.consumer_group where group_id = $1 and version = $2::bigint returning group_id),
o as (delete from tansu.committed_offset where group_id in (select group_id from g))
select pg_notify('tansu_group', group_id) from g

-- name: commit-offsets
insert into tansu.committed_offset (group_id, topic, partition, "offset", leader_epoch, metadata, commit_timestamp)
select $1, o.topic, o.partition, o."offset", o.leader_epoch, o.metadata, o.commit_timestamp
from jsonb_to_recordset($2::text::jsonb) as o(topic text, partition integer, "offset" bigint, leader_epoch integer,
                                         metadata text, commit_timestamp bigint)
on conflict (group_id, topic, partition) do update set
  "offset" = excluded."offset",
  leader_epoch = excluded.leader_epoch,
  metadata = excluded.metadata,
  commit_timestamp = excluded.commit_timestamp

-- name: offsets
select topic, partition, "offset", leader_epoch, metadata, commit_timestamp from tansu.committed_offset
where group_id = $1 order by topic, partition

-- name: offsets-of
select c.topic, c.partition, c."offset", c.leader_epoch, c.metadata, c.commit_timestamp
from jsonb_array_elements($2::text::jsonb) with ordinality as p(wanted, n)
join tansu.committed_offset c
  on c.group_id = $1 and c.topic = p.wanted ->> 'topic' and c.partition = (p.wanted ->> 'partition')::integer
order by p.n

-- name: delete-offsets
delete from tansu.committed_offset c
using jsonb_to_recordset($2::text::jsonb) as p(topic text, partition integer)
where c.group_id = $1 and c.topic = p.topic and c.partition = p.partition

-- name: client-quotas
select entity, quota_key, value from tansu.client_quota order by entity, quota_key

-- name: alter-client-quotas
-- $1: [{entity, quota_key, value}] with at most one change per (entity, quota_key); a null value
-- removes the key.
with change as (
  select * from jsonb_to_recordset($1::text::jsonb) as c(entity text, quota_key text, value double precision)
),
removed as (
  delete from tansu.client_quota q using change c
  where c.value is null and q.entity = c.entity and q.quota_key = c.quota_key
)
insert into tansu.client_quota (entity, quota_key, value)
select entity, quota_key, value from change where value is not null
on conflict (entity, quota_key) do update set value = excluded.value, updated_at = now()

-- name: scram-credentials
select user_name, mechanism, salt, iterations, stored_key, server_key from tansu.scram_credential
order by user_name, mechanism

-- name: scram-credentials-of
select user_name, mechanism, salt, iterations, stored_key, server_key from tansu.scram_credential
where user_name = $1 order by mechanism

-- name: upsert-scram-credential
insert into tansu.scram_credential (user_name, mechanism, salt, iterations, stored_key, server_key)
values ($1, $2, $3, $4, $5, $6)
on conflict (user_name, mechanism) do update set
  salt = excluded.salt,
  iterations = excluded.iterations,
  stored_key = excluded.stored_key,
  server_key = excluded.server_key,
  updated_at = now()

-- name: delete-scram-credential
delete from tansu.scram_credential where user_name = $1 and mechanism = $2

-- name: acls
select resource_type, resource_name, pattern_type, principal, host, operation, permission_type from tansu.acl_binding

-- name: create-acls
-- $1: [{resource_type, resource_name, pattern_type, principal, host, operation, permission_type}]
insert into tansu.acl_binding (resource_type, resource_name, pattern_type, principal, host, operation, permission_type)
select * from jsonb_to_recordset($1::text::jsonb) as b(resource_type smallint, resource_name text, pattern_type smallint,
                                                      principal text, host text, operation smallint, permission_type smallint)
on conflict do nothing

-- name: delete-acls
-- $1: as create-acls
delete from tansu.acl_binding a
using jsonb_to_recordset($1::text::jsonb) as b(resource_type smallint, resource_name text, pattern_type smallint,
                                              principal text, host text, operation smallint, permission_type smallint)
where a.resource_type = b.resource_type and a.resource_name = b.resource_name and a.pattern_type = b.pattern_type
  and a.principal = b.principal and a.host = b.host and a.operation = b.operation and a.permission_type = b.permission_type

-- name: transaction
select transactional_id, version, state from tansu.transactions where transactional_id = $1

-- name: transactions
select transactional_id, version, state from tansu.transactions order by transactional_id

-- name: insert-transaction
insert into tansu.transactions (transactional_id, version, state) values ($1, nextval('tansu.transaction_version_seq'), $2)
on conflict (transactional_id) do nothing
returning version

-- name: update-transaction
update tansu.transactions set version = nextval('tansu.transaction_version_seq'), state = $2, updated_at = now()
where transactional_id = $1 and version = $3::bigint
returning version

-- name: delete-transaction
delete from tansu.transactions where transactional_id = $1 and version = $2::bigint returning transactional_id
