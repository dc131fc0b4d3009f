-- Consumer groups (compare-and-swap on version) and committed offsets.

-- `version` comes from the counter 'group_version', so it never repeats for a group id, even
-- after the group is deleted and created again.
CREATE TABLE consumer_group (
  group_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  state TEXT NOT NULL -- JSON written by src/groups, stored unchanged
);

INSERT INTO counter (name, value) VALUES ('group_version', 0);

-- Keyed by topic name: deleting a topic deletes every group's offsets of it.
CREATE TABLE committed_offset (
  group_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  "offset" INTEGER NOT NULL,
  leader_epoch INTEGER NOT NULL,
  metadata TEXT,
  commit_timestamp INTEGER NOT NULL,
  PRIMARY KEY (group_id, topic, partition)
) WITHOUT ROWID;
CREATE INDEX committed_offset_topic ON committed_offset (topic);
