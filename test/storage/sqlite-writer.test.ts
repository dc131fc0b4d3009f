// SQLite appends run on a writer thread, started by the first append (an idle broker has none);
// when it is gone, appends go back to the engine's own connection, with offsets continuing.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteEngine } from "../../src/storage/sqlite/index.ts";
import type { WriterThread } from "../../src/storage/sqlite/writer.ts";
import { testBatch } from "./record-batch.ts";

const dir = mkdtempSync(join(tmpdir(), "tansu-sqlite-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const writerOf = (engine: object) => (engine as { writer: WriterThread | null | undefined }).writer;

test("appends go through the writer thread, then through the engine once the thread has stopped", async () => {
  const engine = await openSqliteEngine(new URL(`sqlite://${join(dir, "a.db")}`));
  await engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} });
  expect(writerOf(engine)).toBeUndefined();
  expect(await engine.writerReady()).toBe(true);
  const writer = writerOf(engine);
  for (let i = 0; i < 3; i++) expect(await engine.append("t", 0, testBatch({ recordCount: 2 }))).toMatchObject({ errorCode: 0, baseOffset: 2 * i });
  await writer!.close();
  expect(writer!.running).toBe(false);
  expect(await engine.append("t", 0, testBatch({ recordCount: 2 }))).toMatchObject({ errorCode: 0, baseOffset: 6 });
  expect(await engine.offsets("t", 0)).toMatchObject({ errorCode: 0, highWatermark: 8 });
  await engine.close();
});

test("without a writer thread, appends stay on the engine's connection", async () => {
  const engine = await openSqliteEngine(new URL(`sqlite://${join(dir, "b.db")}`), { writerThread: false });
  expect(await engine.writerReady()).toBe(false);
  expect(writerOf(engine)).toBeNull();
  await engine.createTopic({ name: "t", partitionCount: 1, replicationFactor: 1, configs: {} });
  expect(await engine.append("t", 0, testBatch({ recordCount: 3 }))).toMatchObject({ errorCode: 0, baseOffset: 0 });
  await engine.close();
});
