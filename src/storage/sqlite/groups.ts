// Consumer group states (compare-and-swap on version) and committed offsets. Each function runs
// inside a transaction the engine opens; writes inside BEGIN IMMEDIATE.

import type { CommittedOffset, GroupWriteResult, StoredGroup, TopicPartition } from "../engine.ts";
import { committedOffset, type GroupRow, type OffsetRow, storedGroup } from "../group-rows.ts";
import type { Statements } from "./statements.ts";


export function getGroup(s: Statements, groupId: string): StoredGroup | null {
  const row = s.get<GroupRow>("group", groupId);
  return row === null ? null : storedGroup(row);
}

export function listGroups(s: Statements): StoredGroup[] {
  return s.all<GroupRow>("groups").map(storedGroup);
}

export function putGroup(s: Statements, groupId: string, state: string, expectedVersion: string | null): GroupWriteResult {
  const current = getGroup(s, groupId);
  if ((current?.version ?? null) !== expectedVersion) return { ok: false, current };
  const next = s.get<{ value: number }>("next-group-version");
  if (next === null) throw new Error("group version counter is missing");
  s.run("upsert-group", groupId, next.value, state);
  return { ok: true, version: String(next.value) };
}

export function deleteGroup(s: Statements, groupId: string, expectedVersion: string): boolean {
  if (getGroup(s, groupId)?.version !== expectedVersion) return false;
  s.run("delete-group", groupId);
  s.run("delete-group-offsets", groupId);
  return true;
}

export function commitOffsets(s: Statements, groupId: string, offsets: readonly CommittedOffset[]): void {
  for (const o of offsets) {
    s.run("upsert-offset", groupId, o.topic, o.partition, o.offset, o.leaderEpoch, o.metadata, o.commitTimestamp);
  }
}

export function fetchOffsets(s: Statements, groupId: string, partitions: readonly TopicPartition[] | null): CommittedOffset[] {
  const rows =
    partitions === null
      ? s.all<OffsetRow>("offsets", groupId)
      : partitions.flatMap((p) => s.get<OffsetRow>("offset", groupId, p.topic, p.partition) ?? []);
  return rows.map(committedOffset);
}

export function deleteOffsets(s: Statements, groupId: string, partitions: readonly TopicPartition[]): void {
  for (const p of partitions) s.run("delete-offset", groupId, p.topic, p.partition);
}
