// Rows of the SQL engines' consumer_group and committed_offset tables, and their engine shapes.

import type { CommittedOffset, StoredGroup } from "./engine.ts";

export interface GroupRow {
  group_id: string;
  version: number;
  state: string;
}

export interface OffsetRow {
  topic: string;
  partition: number;
  offset: number;
  leader_epoch: number;
  metadata: string | null;
  commit_timestamp: number;
}

export const storedGroup = (row: GroupRow): StoredGroup => ({ groupId: row.group_id, version: String(row.version), state: row.state });

export const committedOffset = (r: OffsetRow): CommittedOffset => ({
  topic: r.topic,
  partition: r.partition,
  offset: r.offset,
  leaderEpoch: r.leader_epoch,
  metadata: r.metadata,
  commitTimestamp: r.commit_timestamp,
});
