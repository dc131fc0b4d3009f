// Log compaction of one partition, planned by storage/compaction.ts and applied in one transaction,
// so readers see the partition before or after. An advisory lock lets one broker at a time compact
// the partition (a plan made from a stale view could otherwise put back records another removed);
// appends and retention do not take it. A rewritten batch keeps its bytes in tansu.batch.bytes
// (rows cannot rebuild a batch with gaps in its offsets) and the rows of its kept records.

import type { CompactionPolicy } from "../engine.ts";
import { cleanableEnd, planCompaction, type BatchRewrite } from "../compaction.ts";
import { recordSpans } from "../../protocol/records/index.ts";
import type { FailureCode } from "../../protocol/errors.ts";
import { query, type Db, type Tx } from "./connect.ts";
import { abortedTransactions } from "./markers.ts";
import { assemble, type BatchRecordRow } from "./read.ts";
import { batchSummaries, partitionOffsets, unknownPartition } from "./retention.ts";

export type CompactResult = { errorCode: 0; removedRecords: number } | { errorCode: FailureCode };

export function compact(db: Db, topic: string, partition: number, policy: CompactionPolicy): Promise<CompactResult> {
  return db.begin(async (tx): Promise<CompactResult> => {
    await query(tx, "lock-compaction", [topic, partition]);
    const found = await partitionOffsets(tx, topic, partition);
    if (found === null) return unknownPartition;
    const { topicId, offsets } = found;
    const { logStartOffset, lastStableOffset } = offsets;
    const end = cleanableEnd(await batchSummaries(tx, topicId, partition, logStartOffset), policy, lastStableOffset);
    if (end < 0) return { errorCode: 0, removedRecords: 0 };
    const rows = await query<BatchRecordRow>(tx, "batches-through", [topicId, partition, logStartOffset, end]);
    const aborted = await abortedTransactions(tx, topic, partition, logStartOffset, end);
    const plan = planCompaction(assemble(rows), aborted, policy);
    // a batch another broker's retention deleted meanwhile matches no row: nothing is inserted
    await Promise.all(plan.rewrites.map((rewrite) => apply(tx, topicId, partition, rewrite)));
    return { errorCode: 0, removedRecords: plan.removedRecords };
  });
}

async function apply(tx: Tx, topicId: string, partition: number, { baseOffset, bytes }: BatchRewrite): Promise<void> {
  if (bytes === null) {
    await query(tx, "delete-batch", [topicId, partition, baseOffset]);
    return;
  }
  const kept = recordSpans(bytes).spans.map((r) => r.offset);
  const recordCount = kept.length;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  await query(tx, "replace-batch-bytes", [topicId, partition, baseOffset, buffer, recordCount, `{${kept.join(",")}}`]);
}
