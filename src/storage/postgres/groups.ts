// Consumer group states with compare-and-swap on a version from a sequence, and committed
// offsets. Every group write NOTIFYs tansu_group with the group id, so waiters on every broker wake.

import type { CommittedOffset, GroupWriteResult, StoredGroup, TopicPartition } from "../engine.ts";
import { committedOffset, type GroupRow, type OffsetRow, storedGroup } from "../group-rows.ts";
import { query, type Db } from "./connect.ts";


export async function getGroup(db: Db, groupId: string): Promise<StoredGroup | null> {
  const [row] = await query<GroupRow>(db, "group", [groupId]);
  return row === undefined ? null : storedGroup(row);
}

export async function listGroups(db: Db): Promise<StoredGroup[]> {
  return (await query<GroupRow>(db, "groups")).map(storedGroup);
}

export async function putGroup(db: Db, groupId: string, state: string, expectedVersion: string | null): Promise<GroupWriteResult> {
  if (expectedVersion !== null && !/^\d+$/.test(expectedVersion)) return { ok: false, current: await getGroup(db, groupId) };
  const [row] =
    expectedVersion === null
      ? await query<{ version: number }>(db, "insert-group", [groupId, state])
      : await query<{ version: number }>(db, "update-group", [groupId, state, expectedVersion]);
  return row === undefined ? { ok: false, current: await getGroup(db, groupId) } : { ok: true, version: String(row.version) };
}

export async function deleteGroup(db: Db, groupId: string, expectedVersion: string): Promise<boolean> {
  if (!/^\d+$/.test(expectedVersion)) return false;
  return (await query(db, "delete-group", [groupId, expectedVersion])).length > 0;
}

export async function commitOffsets(db: Db, groupId: string, offsets: readonly CommittedOffset[]): Promise<void> {
  // one row per partition (the last wins), as ON CONFLICT may touch a row only once per statement
  const latest = new Map(offsets.map((o) => [`${o.partition}:${o.topic}`, o]));
  const rows = [...latest.values()].map((o) => ({
    topic: o.topic,
    partition: o.partition,
    offset: o.offset,
    leader_epoch: o.leaderEpoch,
    metadata: o.metadata,
    commit_timestamp: o.commitTimestamp,
  }));
  if (rows.length > 0) await query(db, "commit-offsets", [groupId, JSON.stringify(rows)]);
}

export async function fetchOffsets(db: Db, groupId: string, partitions: readonly TopicPartition[] | null): Promise<CommittedOffset[]> {
  const rows =
    partitions === null
      ? await query<OffsetRow>(db, "offsets", [groupId])
      : await query<OffsetRow>(db, "offsets-of", [groupId, JSON.stringify(partitions.map(({ topic, partition }) => ({ topic, partition })))]);
  return rows.map(committedOffset);
}

export async function deleteOffsets(db: Db, groupId: string, partitions: readonly TopicPartition[]): Promise<void> {
  if (partitions.length === 0) return;
  await query(db, "delete-offsets", [groupId, JSON.stringify(partitions.map(({ topic, partition }) => ({ topic, partition })))]);
}
