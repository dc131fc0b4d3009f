// DeleteRecords and time/size retention on S3: the new logStartOffset is decided by the shared
// rules (../retention.ts) on the index as stored, then raised by an edit through the partition's
// commit chain, which re-applies it to whatever index is current (taking the larger start).
// Retention reads entries from the oldest only as far as the first batch it keeps.

import type { LogStartResult, RetentionPolicy } from "../engine.ts";
import { lastStableOffset } from "../producer-state.ts";
import { deleteRecordsTarget, retentionStart, type BatchSummary } from "../retention.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { raiseLogStartEdit } from "./log-start.ts";
import type { ImmutableObjects } from "./objects.ts";
import type { PartitionIndex } from "./partition-index.ts";
import { PartitionReader } from "./partition-reader.ts";
import type { PartitionParts } from "./partitions.ts";
import { keptFrom } from "./retained.ts";

const unknownPartition = { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION } as const;

export async function deleteRecords(p: PartitionParts, offset: number): Promise<LogStartResult> {
  const index = await p.load();
  if (index === null) return unknownPartition;
  const target = deleteRecordsTarget(offset, index.highWatermark);
  if (target === null) return { errorCode: ErrorCodes.OFFSET_OUT_OF_RANGE };
  return raise(p, index, target);
}

export async function applyRetention(p: PartitionParts, policy: RetentionPolicy): Promise<LogStartResult> {
  const index = await p.load();
  if (index === null) return unknownPartition;
  return raise(p, index, await retentionTarget(index, policy, p.objects, p.prefix));
}

/** Once this returns, the stored index has a logStartOffset of at least `target`. */
async function raise(p: PartitionParts, read: PartitionIndex, target: number): Promise<LogStartResult> {
  const { index } = await p.writer.edit(raiseLogStartEdit(target));
  if (index === null || index.deleted) return unknownPartition;
  return { errorCode: 0, logStartOffset: Math.max(index.logStartOffset, read.logStartOffset, target) };
}

/**
 * retentionStart over the batches from logStartOffset, walked a growing prefix at a time: the rest
 * stands in as one batch that is never deleted (it reaches past the lastStableOffset), so the
 * answer is exact as soon as it falls within the prefix.
 */
export async function retentionTarget(index: PartitionIndex, policy: RetentionPolicy, objects: ImmutableObjects, prefix: string): Promise<number> {
  const { logStartOffset } = index;
  if (policy.expireBefore === null && policy.retainBytes === null) return logStartOffset;
  const lso = lastStableOffset(index.producers.values(), index.highWatermark);
  const total = policy.retainBytes === null ? 0 : (await keptFrom(index, logStartOffset, objects, prefix)).bytes;
  const seen: BatchSummary[] = [];
  let seenBytes = 0;
  for await (const { entry } of new PartitionReader(objects, prefix).walk(index, logStartOffset)) {
    seen.push({ baseOffset: entry.baseOffset, lastOffset: entry.lastOffset, maxTimestamp: entry.maxTimestamp, sizeBytes: entry.length });
    seenBytes += entry.length;
    if ((seen.length & (seen.length - 1)) !== 0) continue;
    const rest: BatchSummary = { baseOffset: entry.lastOffset + 1, lastOffset: Infinity, maxTimestamp: Infinity, sizeBytes: total - seenBytes };
    const start = retentionStart([...seen, rest], policy, logStartOffset, lso);
    if (start <= entry.lastOffset) return start;
  }
  return retentionStart(seen, policy, logStartOffset, lso);
}
