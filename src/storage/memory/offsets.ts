// Committed offsets per group, keyed by topic and partition.

import type { CommittedOffset, TopicPartition } from "../engine.ts";
import { partitionKey } from "./notifier.ts";

export class OffsetStore {
  private readonly byGroup = new Map<string, Map<string, CommittedOffset>>();

  commit(groupId: string, offsets: readonly CommittedOffset[]): void {
    let group = this.byGroup.get(groupId);
    if (group === undefined) this.byGroup.set(groupId, (group = new Map()));
    for (const o of offsets) group.set(partitionKey(o.topic, o.partition), { ...o });
  }

  fetch(groupId: string, partitions: readonly TopicPartition[] | null): CommittedOffset[] {
    const group = this.byGroup.get(groupId);
    if (group === undefined) return [];
    const found = partitions === null ? [...group.values()] : partitions.map((p) => group.get(partitionKey(p.topic, p.partition)));
    return found.filter((o) => o !== undefined).map((o) => ({ ...o }));
  }

  delete(groupId: string, partitions: readonly TopicPartition[]): void {
    const group = this.byGroup.get(groupId);
    for (const p of partitions) group?.delete(partitionKey(p.topic, p.partition));
    if (group?.size === 0) this.byGroup.delete(groupId);
  }

  deleteGroup(groupId: string): void {
    this.byGroup.delete(groupId);
  }

  deleteTopic(topic: string): void {
    for (const [groupId, group] of this.byGroup) {
      for (const [key, o] of group) if (o.topic === topic) group.delete(key);
      if (group.size === 0) this.byGroup.delete(groupId);
    }
  }
}
