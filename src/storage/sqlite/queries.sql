-- Statements of the SQLite engine, by name (see sql-text.ts). Parameters are positional.

-- name: topic-by-name
SELECT id, name, topic_id, partition_count, replication_factor, configs FROM topic WHERE name = ?

-- name: topic-by-id
SELECT id, name, topic_id, partition_count, replication_factor, configs FROM topic WHERE topic_id = ?

-- name: topics
SELECT id, name, topic_id, partition_count, replication_factor, configs FROM topic ORDER BY name

-- name: insert-topic
INSERT INTO topic (name, topic_id, partition_count, replication_factor, configs) VALUES (?, ?, ?, ?, ?)
RETURNING id

-- name: insert-watermark
INSERT INTO watermark (topic, partition) VALUES (?, ?)

-- name: set-partition-count
UPDATE topic SET partition_count = ? WHERE id = ?

-- name: set-configs
UPDATE topic SET configs = ? WHERE id = ?

-- name: delete-topic
DELETE FROM topic WHERE id = ?

-- name: delete-watermarks
DELETE FROM watermark WHERE topic = ?

-- name: delete-batches
DELETE FROM batch WHERE topic = ?

-- name: delete-producer-states
DELETE FROM producer_state WHERE topic = ?

-- name: watermark
SELECT w.topic, w.log_start_offset, w.high_watermark
FROM topic t JOIN watermark w ON w.topic = t.id
WHERE t.name = ? AND w.partition = ?

-- name: take-offsets
-- Advances the high watermark by a batch's record count; the batch's offsets end just before the
-- high_watermark returned. No row: no such topic or partition.
UPDATE watermark SET high_watermark = high_watermark + ?
WHERE topic = (SELECT id FROM topic WHERE name = ?) AND partition = ?
RETURNING topic, log_start_offset, high_watermark

-- name: insert-batch
INSERT INTO batch (topic, partition, base_offset, last_offset, max_timestamp, bytes) VALUES (?, ?, ?, ?, ?, ?)

-- name: batch-start
SELECT max(base_offset) AS base_offset FROM batch WHERE topic = ? AND partition = ? AND base_offset <= ?

-- name: batches-from
SELECT base_offset, last_offset, max_timestamp, bytes FROM batch
WHERE topic = ? AND partition = ? AND base_offset >= ?
ORDER BY base_offset

-- name: batch-at-or-after
SELECT base_offset, last_offset, max_timestamp, bytes FROM batch
WHERE topic = ? AND partition = ? AND max_timestamp >= ?
ORDER BY base_offset LIMIT 1

-- name: batch-max-timestamp
SELECT base_offset, last_offset, max_timestamp, bytes FROM batch
WHERE topic = ? AND partition = ?
ORDER BY max_timestamp DESC, base_offset LIMIT 1

-- name: producer-state
SELECT p.producer_epoch, p.batches
FROM topic t JOIN producer_state p ON p.topic = t.id
WHERE t.name = ? AND p.partition = ? AND p.producer_id = ?

-- name: upsert-producer-state
INSERT INTO producer_state (topic, partition, producer_id, producer_epoch, batches) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (topic, partition, producer_id) DO UPDATE SET producer_epoch = excluded.producer_epoch, batches = excluded.batches

-- name: next-producer-id
UPDATE counter SET value = value + 1 WHERE name = 'producer_id' RETURNING value

-- name: idempotent-epoch
SELECT producer_epoch FROM idempotent_producer WHERE producer_id = ?

-- name: upsert-idempotent
INSERT INTO idempotent_producer (producer_id, producer_epoch) VALUES (?, ?)
ON CONFLICT (producer_id) DO UPDATE SET producer_epoch = excluded.producer_epoch

-- name: transactional
SELECT producer_id, producer_epoch, last_producer_id, last_producer_epoch, transaction_timeout_ms
FROM transactional_producer WHERE transactional_id = ?

-- name: upsert-transactional
INSERT INTO transactional_producer
  (transactional_id, producer_id, producer_epoch, last_producer_id, last_producer_epoch, transaction_timeout_ms)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (transactional_id) DO UPDATE SET
  producer_id = excluded.producer_id,
  producer_epoch = excluded.producer_epoch,
  last_producer_id = excluded.last_producer_id,
  last_producer_epoch = excluded.last_producer_epoch,
  transaction_timeout_ms = excluded.transaction_timeout_ms

-- name: delete-topic-offsets
DELETE FROM committed_offset WHERE topic = ?

-- name: group
SELECT group_id, version, state FROM consumer_group WHERE group_id = ?

-- name: groups
SELECT group_id, version, state FROM consumer_group ORDER BY group_id

-- name: next-group-version
UPDATE counter SET value = value + 1 WHERE name = 'group_version' RETURNING value

-- name: upsert-group
INSERT INTO consumer_group (group_id, version, state) VALUES (?, ?, ?)
ON CONFLICT (group_id) DO UPDATE SET version = excluded.version, state = excluded.state

-- name: delete-group
DELETE FROM consumer_group WHERE group_id = ?

-- name: delete-group-offsets
DELETE FROM committed_offset WHERE group_id = ?

-- name: upsert-offset
INSERT INTO committed_offset (group_id, topic, partition, "offset", leader_epoch, metadata, commit_timestamp)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (group_id, topic, partition) DO UPDATE SET
  "offset" = excluded."offset",
  leader_epoch = excluded.leader_epoch,
  metadata = excluded.metadata,
  commit_timestamp = excluded.commit_timestamp

-- name: offsets
SELECT topic, partition, "offset", leader_epoch, metadata, commit_timestamp FROM committed_offset
WHERE group_id = ? ORDER BY topic, partition

-- name: offset
SELECT topic, partition, "offset", leader_epoch, metadata, commit_timestamp FROM committed_offset
WHERE group_id = ? AND topic = ? AND partition = ?

-- name: delete-offset
DELETE FROM committed_offset WHERE group_id = ? AND topic = ? AND partition = ?

-- name: client-quotas
SELECT entity, quota_key, value FROM client_quota ORDER BY entity, quota_key

-- name: upsert-client-quota
INSERT INTO client_quota (entity, quota_key, value) VALUES (?, ?, ?)
ON CONFLICT (entity, quota_key) DO UPDATE SET value = excluded.value

-- name: delete-client-quota
DELETE FROM client_quota WHERE entity = ? AND quota_key = ?
