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

-- name: delete-aborted-txns
DELETE FROM aborted_txn WHERE topic = ?

-- name: watermark
SELECT w.topic, w.log_start_offset, w.high_watermark
FROM topic t JOIN watermark w ON w.topic = t.id
WHERE t.name = ? AND w.partition = ?

-- name: partition-offsets
-- The lastStableOffset is the first offset of the oldest open transaction (producer_state_open_txn).
SELECT w.topic, w.log_start_offset, w.high_watermark,
  coalesce((SELECT min(p.current_txn_first_offset) FROM producer_state p
            WHERE p.topic = w.topic AND p.partition = w.partition AND p.current_txn_first_offset IS NOT NULL),
           w.high_watermark) AS last_stable_offset
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
SELECT p.producer_epoch, p.batches, p.current_txn_first_offset, p.current_txn_guard, p.completed_txn_guard, p.coordinator_epoch
FROM topic t JOIN producer_state p ON p.topic = t.id
WHERE t.name = ? AND p.partition = ? AND p.producer_id = ?

-- name: producer-states
SELECT producer_id, producer_epoch, batches, current_txn_first_offset, current_txn_guard, completed_txn_guard, coordinator_epoch
FROM producer_state WHERE topic = ? AND partition = ? ORDER BY producer_id

-- name: upsert-producer-state
INSERT INTO producer_state
  (topic, partition, producer_id, producer_epoch, batches, current_txn_first_offset, current_txn_guard, completed_txn_guard, coordinator_epoch)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (topic, partition, producer_id) DO UPDATE SET
  producer_epoch = excluded.producer_epoch,
  batches = excluded.batches,
  current_txn_first_offset = excluded.current_txn_first_offset,
  current_txn_guard = excluded.current_txn_guard,
  completed_txn_guard = excluded.completed_txn_guard,
  coordinator_epoch = excluded.coordinator_epoch

-- name: insert-aborted-txn
INSERT INTO aborted_txn (topic, partition, producer_id, first_offset, last_offset) VALUES (?, ?, ?, ?, ?)

-- name: aborted-txns
-- Aborts overlapping [from, to]: scanned from the first marker at or after `from`.
SELECT a.producer_id, a.first_offset, a.last_offset
FROM topic t JOIN aborted_txn a ON a.topic = t.id
WHERE t.name = ? AND a.partition = ? AND a.last_offset >= ? AND a.first_offset <= ?
ORDER BY a.first_offset

-- name: next-producer-id
UPDATE counter SET value = value + 1 WHERE name = 'producer_id' RETURNING value

-- name: idempotent-epoch
SELECT producer_epoch FROM idempotent_producer WHERE producer_id = ?

-- name: upsert-idempotent
INSERT INTO idempotent_producer (producer_id, producer_epoch) VALUES (?, ?)
ON CONFLICT (producer_id) DO UPDATE SET producer_epoch = excluded.producer_epoch

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

-- name: scram-credentials
SELECT user_name, mechanism, salt, iterations, stored_key, server_key FROM scram_credential
ORDER BY user_name, mechanism

-- name: scram-credentials-of
SELECT user_name, mechanism, salt, iterations, stored_key, server_key FROM scram_credential
WHERE user_name = ? ORDER BY mechanism

-- name: upsert-scram-credential
INSERT INTO scram_credential (user_name, mechanism, salt, iterations, stored_key, server_key) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (user_name, mechanism) DO UPDATE SET
  salt = excluded.salt, iterations = excluded.iterations, stored_key = excluded.stored_key, server_key = excluded.server_key

-- name: delete-scram-credential
DELETE FROM scram_credential WHERE user_name = ? AND mechanism = ?

-- name: acls
SELECT resource_type, resource_name, pattern_type, principal, host, operation, permission_type FROM acl_binding

-- name: insert-acl
INSERT INTO acl_binding (resource_type, resource_name, pattern_type, principal, host, operation, permission_type)
VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING

-- name: delete-acl
DELETE FROM acl_binding WHERE resource_type = ? AND resource_name = ? AND pattern_type = ? AND principal = ?
AND host = ? AND operation = ? AND permission_type = ?

-- name: transaction
SELECT transactional_id, version, state FROM transactions WHERE transactional_id = ?

-- name: transactions
SELECT transactional_id, version, state FROM transactions ORDER BY transactional_id

-- name: next-transaction-version
UPDATE counter SET value = value + 1 WHERE name = 'transaction_version' RETURNING value

-- name: upsert-transaction
INSERT INTO transactions (transactional_id, version, state) VALUES (?, ?, ?)
ON CONFLICT (transactional_id) DO UPDATE SET version = excluded.version, state = excluded.state

-- name: delete-transaction
DELETE FROM transactions WHERE transactional_id = ?

-- name: raise-log-start-offset
-- logStartOffset only rises, whoever raises it last.
UPDATE watermark SET log_start_offset = max(log_start_offset, ?) WHERE topic = ? AND partition = ?
RETURNING log_start_offset

-- name: delete-batches-below
DELETE FROM batch WHERE topic = ? AND partition = ? AND last_offset < ?

-- name: delete-aborted-below
DELETE FROM aborted_txn WHERE topic = ? AND partition = ? AND last_offset < ?

-- name: batch-summaries
SELECT base_offset, last_offset, max_timestamp, length(bytes) AS size_bytes FROM batch
WHERE topic = ? AND partition = ? AND last_offset >= ?
ORDER BY base_offset

-- name: batches-through
SELECT base_offset, last_offset, max_timestamp, bytes FROM batch
WHERE topic = ? AND partition = ? AND last_offset >= ? AND last_offset <= ?
ORDER BY base_offset

-- name: replace-batch-bytes
-- Only a batch still as the plan read it: compaction only ever shortens a batch.
UPDATE batch SET bytes = ? WHERE topic = ? AND partition = ? AND base_offset = ? AND length(bytes) = ?

-- name: delete-batch
DELETE FROM batch WHERE topic = ? AND partition = ? AND base_offset = ?

-- name: retained
SELECT count(*) AS batch_count, coalesce(sum(length(bytes)), 0) AS retained_bytes FROM batch
WHERE topic = ? AND partition = ?
