// Log compaction on S3: the batches from logStartOffset to the cleanable end are read and planned
// by the shared rules (../compaction.ts); rewritten batches go into NEW data objects (a reader
// may be reading the old ones), the segments above them are written anew (compaction-tree.ts), and
// one edit through the partition's commit chain swaps them in. When the index changed under the
// plan in a way the edit cannot absorb, everything is read and planned again. What the index no
// longer refers to becomes garbage for maintenance.

import type { CompactionPolicy, StoredBatch } from "../engine.ts";
import { StorageError } from "../engine.ts";
import { cleanableEnd, planCompaction, type BatchRewrite } from "../compaction.ts";
import { lastStableOffset } from "../producer-state.ts";
import { ErrorCodes, type FailureCode } from "../../protocol/errors.ts";
import { abortedOverlapping } from "./aborted.ts";
import { compactionEdit, rewriteTree, type EntryChange } from "./compaction-tree.ts";
import type { IndexEdit } from "./commit-chain.ts";
import { newDataName } from "./keys.ts";
import { encodeSegment, type PartitionIndex, type Segment } from "./partition-index.ts";
import { PartitionReader, type Located } from "./partition-reader.ts";
import type { PartitionParts } from "./partitions.ts";
import { backoffMs, sleep } from "./retry.ts";

/** Batches read at once (one request per data object they are in). */
const LOAD_BATCHES = 512;

export type CompactResult = { errorCode: 0; removedRecords: number } | { errorCode: FailureCode };

interface NewObject {
  name: string;
  body: Uint8Array;
  segment?: Segment;
}

interface Rewrite {
  objects: NewObject[];
  edit: IndexEdit;
  removedRecords: number;
}

export async function compact(p: PartitionParts, policy: CompactionPolicy): Promise<CompactResult> {
  for (let attempt = 0; attempt < p.tuning.commitAttempts; attempt++) {
    if (attempt > 0) await sleep(backoffMs(attempt));
    const index = await p.load();
    if (index === null) return { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION };
    const rewrite = await plan(p, index, policy);
    if (rewrite === null) return { errorCode: 0, removedRecords: 0 };
    await Promise.all(rewrite.objects.map((o) => write(p, o)));
    const outcome = await p.writer.edit(rewrite.edit);
    if (outcome.written) return { errorCode: 0, removedRecords: rewrite.removedRecords };
    if (outcome.index?.deleted !== false) return { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION };
  }
  throw new StorageError("conflict-exhausted", `${p.prefix}: compaction kept meeting a changed index`);
}

async function plan(p: PartitionParts, index: PartitionIndex, policy: CompactionPolicy): Promise<Rewrite | null> {
  const lso = lastStableOffset(index.producers.values(), index.highWatermark);
  const reader = new PartitionReader(p.objects, p.prefix);
  // Enough of the log for cleanableEnd: up to the first batch that ends the cleanable range.
  const seen: Located[] = [];
  for await (const found of reader.walk(index, index.logStartOffset)) {
    seen.push(found);
    if (found.entry.lastOffset >= lso || found.entry.maxTimestamp >= policy.compactBefore) break;
  }
  const end = cleanableEnd(seen.map((l) => l.entry), policy, lso);
  const range = seen.filter((l) => l.entry.lastOffset <= end);
  if (range.length === 0) return null;
  const aborted = await abortedOverlapping(index, index.logStartOffset, end, p.objects, p.prefix);
  const batches: StoredBatch[] = [];
  for (let i = 0; i < range.length; i += LOAD_BATCHES) batches.push(...(await reader.batches(range.slice(i, i + LOAD_BATCHES))));
  const planned = planCompaction(batches, aborted, policy);
  if (planned.rewrites.length === 0) return null;
  const { objects, changes } = pack(planned.rewrites, range, p.tuning.maxCommitBytes);
  const tree = await rewriteTree(index, changes, p.objects, p.prefix);
  for (const { name, segment } of tree.segments) objects.push({ name, body: encodeSegment(segment), segment });
  const edit = compactionEdit(index, changes, tree, new Set(objects.map((o) => o.name)));
  return { objects, edit, removedRecords: planned.removedRecords };
}

/** The rewritten batches in new data objects of up to about maxBytes each, and each batch's change. */
function pack(rewrites: readonly BatchRewrite[], range: readonly Located[], maxBytes: number): { objects: NewObject[]; changes: Map<number, EntryChange> } {
  const byOffset = new Map(range.map((l) => [l.entry.baseOffset, l]));
  const changes = new Map<number, EntryChange>();
  const objects: NewObject[] = [];
  let pending: { old: Located; bytes: Uint8Array }[] = [];
  let size = 0;
  const cut = () => {
    if (pending.length === 0) return;
    const data = { name: newDataName(), size };
    const body = new Uint8Array(size);
    let position = 0;
    for (const { old, bytes } of pending) {
      body.set(bytes, position);
      changes.set(old.entry.baseOffset, { old, next: { entry: { ...old.entry, data: 0, position, length: bytes.byteLength }, data } });
      position += bytes.byteLength;
    }
    objects.push({ name: data.name, body });
    pending = [];
    size = 0;
  };
  for (const { baseOffset, bytes } of rewrites) {
    const old = byOffset.get(baseOffset);
    if (old === undefined) continue;
    if (bytes === null) changes.set(baseOffset, { old, next: null });
    else {
      pending.push({ old, bytes });
      size += bytes.byteLength;
      if (size >= maxBytes) cut();
    }
  }
  cut();
  return { objects, changes };
}

async function write(p: PartitionParts, o: NewObject): Promise<void> {
  const key = p.prefix + o.name;
  const written = await p.store.put(key, o.body, null);
  if (written.kind !== "written") throw new StorageError("unavailable", `${key} was not written`);
  if (o.segment === undefined) p.objects.rememberData(key, o.body);
  else p.objects.rememberSegment(key, o.segment, o.body.byteLength);
}
