-- Consumer groups (compare-and-swap on version) and committed offsets.

-- Versions come from one sequence, so a version never repeats for a group id, even after the
-- group is deleted and created again.
create sequence tansu.group_version_seq;

create table tansu.consumer_group (
  group_id text primary key,
  version bigint not null,
  state text not null, -- JSON written by src/groups, stored unchanged
  updated_at timestamptz not null default now()
);

-- Keyed by topic name: deleting a topic deletes every group's offsets of it.
create table tansu.committed_offset (
  group_id text not null,
  topic text not null,
  partition integer not null,
  "offset" bigint not null,
  leader_epoch integer not null,
  metadata text,
  commit_timestamp bigint not null, -- milliseconds since the epoch
  primary key (group_id, topic, partition)
);
create index committed_offset_topic on tansu.committed_offset (topic);
