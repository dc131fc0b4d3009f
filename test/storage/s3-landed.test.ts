// Finding a lost-answer commit's entries when a roll split them between a segment and the index.

import { expect, test } from "bun:test";
import { newDataName, newSegmentName } from "../../src/storage/s3/keys.ts";
import { entriesOf } from "../../src/storage/s3/landed.ts";
import { ImmutableObjects } from "../../src/storage/s3/objects.ts";
import { EMPTY_INDEX, type Entry, type PartitionIndex } from "../../src/storage/s3/partition-index.ts";
import { applyRoll, chooseRoll } from "../../src/storage/s3/segment-roll.ts";
import type { ObjectStore } from "../../src/storage/s3/store.ts";

test("a data object whose entries a roll split between a segment and the index is found whole", async () => {
  const names = [newDataName(1_700_000_000_000), newDataName(1_700_000_000_001)];
  // object 0 holds one batch, object 1 four: entries 0..4, offsets 0..4
  const entries: Entry[] = [0, 1, 1, 1, 1].map((data, i) => ({ baseOffset: i, lastOffset: i, maxTimestamp: i, data, position: data === 0 ? 0 : (i - 1) * 10, length: 10 }));
  const index: PartitionIndex = { ...EMPTY_INDEX, highWatermark: 5, data: names.map((name) => ({ name, size: 40 })), entries };
  // keeping 2 entries rolls 3: object 1's first two batches go to the segment, its last two stay
  const roll = chooseRoll(index, { indexMaxEntries: 4, indexKeepEntries: 2, segmentFanout: 4 }, newSegmentName(1_700_000_000_002));
  expect(roll).not.toBeNull();
  const rolled = applyRoll(index, roll!)!;
  const objects = new ImmutableObjects({} as ObjectStore, 1 << 20);
  objects.rememberSegment(`p/${roll!.ref.name}`, roll!.segment, 100);
  const found = await entriesOf(rolled, names[1]!, 0, objects, "p/");
  expect(found?.map((e) => e.position).sort((a, b) => a - b)).toEqual([0, 10, 20, 30]);
  expect(await entriesOf(rolled, newDataName(1_700_000_000_003), 0, objects, "p/")).toBeNull();
});
