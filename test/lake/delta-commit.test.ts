import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commitDelta, type DeltaCommit, DeltaTableError, type DeltaTable, loadDeltaTable } from "../../src/lake/delta/index.ts";
import type { LakeSchema } from "../../src/lake/types.ts";
import { evolvedSchema, recordFile, records, recordSchema, tempLake } from "./delta-fixtures.ts";

const lake = tempLake();
afterAll(() => lake.remove());

const TOPIC = "orders";
const DAY = 19_675; // 2023-11-14, the day of the fixtures' timestamps

type Line = Record<string, Record<string, unknown>>;
const logLines = (table: string, version: number): Line[] =>
  readFileSync(join(lake.dir, table, "_delta_log", `${String(version).padStart(20, "0")}.json`), "utf8")
    .split("\n")
    .map((line) => JSON.parse(line) as Line);
const kinds = (lines: Line[]): string[] => lines.map((line) => Object.keys(line).join(","));

function commitOf(schema: LakeSchema, path: string, partition: number, first: bigint, count: number): DeltaCommit {
  const { file } = recordFile(path, records(partition, first, count), DAY);
  return { topic: TOPIC, schema, partitionByDay: true, files: [file], offsets: new Map([[partition, first + BigInt(count) - 1n]]) };
}

async function committed(table: string, base: DeltaTable | null, commit: DeltaCommit): Promise<DeltaTable> {
  const result = await commitDelta(lake.store, table, base, commit);
  if (result.kind !== "committed") throw new Error(`expected a commit, got ${result.kind}`);
  return result.table;
}

describe("a new table, appends and schema evolution", () => {
  const table = "topics/orders";

  test("no log yet is no table", async () => {
    expect(await loadDeltaTable(lake.store, table, TOPIC)).toBeNull();
  });

  test("version 0 carries protocol 1/2, metaData, a txn per partition and the add", async () => {
    const created = await committed(table, null, commitOf(recordSchema, "data/a.parquet", 0, 0n, 5));
    expect(created.version).toBe(0);
    const lines = logLines(table, 0);
    expect(kinds(lines)).toEqual(["commitInfo", "protocol", "metaData", "txn", "add"]);
    expect(lines[1]?.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    const metaData = lines[2]?.metaData ?? {};
    expect(metaData.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(metaData.format).toEqual({ provider: "parquet", options: {} });
    expect(metaData.partitionColumns).toEqual(["kafka_date"]);
    expect(metaData.configuration).toEqual({ "tansu.schema.id": "0", "tansu.schema.lastColumnId": "4" });
    expect(typeof metaData.createdTime).toBe("number");
    const schema = JSON.parse(String(metaData.schemaString));
    expect(schema.fields.map((f: { name: string; type: string; nullable: boolean }) => [f.name, f.type, f.nullable])).toEqual([
      ["partition", "integer", false],
      ["offset", "long", false],
      ["timestamp", "timestamp", false],
      ["value", "string", true],
      ["kafka_date", "date", true],
    ]);
    expect(lines[3]?.txn).toMatchObject({ appId: "orders-0", version: 4 });
    const add = lines[4]?.add ?? {};
    expect(add).toMatchObject({ path: "data/a.parquet", partitionValues: { kafka_date: "2023-11-14" }, dataChange: true });
    expect(JSON.parse(String(add.stats))).toEqual({
      numRecords: 5,
      minValues: { partition: 0, offset: 0, timestamp: "2023-11-14T22:13:20.000Z", value: "v-0-0" },
      maxValues: { partition: 0, offset: 4, timestamp: "2023-11-14T22:13:20.004Z", value: "v-0-4" },
      nullCount: { partition: 0, offset: 0, timestamp: 0, value: 1 },
    });
  });

  test("an append carries no protocol or metaData; the bookmark keeps every partition's last offset", async () => {
    const base = await loadDeltaTable(lake.store, table, TOPIC);
    expect(base?.offsets).toEqual(new Map([[0, 4n]]));
    const next = await committed(table, base, commitOf(recordSchema, "data/b.parquet", 1, 100n, 3));
    expect(next.version).toBe(1);
    expect(kinds(logLines(table, 1))).toEqual(["commitInfo", "txn", "add"]);
    const loaded = await loadDeltaTable(lake.store, table, TOPIC);
    expect(loaded?.version).toBe(1);
    expect(loaded?.offsets).toEqual(new Map([[0, 4n], [1, 102n]]));
    expect(loaded?.schema).toEqual(recordSchema);
    expect(loaded?.partitionByDay).toBe(true);
    expect([...(loaded?.snapshot.adds.keys() ?? [])]).toEqual(["data/a.parquet", "data/b.parquet"]);
  });

  test("adding an optional column writes metaData again with the same table id", async () => {
    const base = await loadDeltaTable(lake.store, table, TOPIC);
    await committed(table, base, commitOf(evolvedSchema, "data/c.parquet", 0, 5n, 2));
    const [first, evolved] = [logLines(table, 0)[2]?.metaData, logLines(table, 2).find((line) => "metaData" in line)?.metaData];
    expect(evolved?.id).toBe(first?.id);
    expect(evolved?.createdTime).toBe(first?.createdTime);
    expect(evolved?.configuration).toEqual({ "tansu.schema.id": "1", "tansu.schema.lastColumnId": "5" });
    const loaded = await loadDeltaTable(lake.store, table, TOPIC);
    expect(loaded?.schema).toEqual(evolvedSchema);
    expect(loaded?.offsets).toEqual(new Map([[0, 6n], [1, 102n]]));
  });

  test("an existing table keeps the partitioning it was created with", async () => {
    const base = await loadDeltaTable(lake.store, table, TOPIC);
    const unpartitioned = { ...commitOf(evolvedSchema, "data/d.parquet", 2, 0n, 1), partitionByDay: false };
    const next = await committed(table, base, unpartitioned);
    expect(next.partitionByDay).toBe(true);
    expect(logLines(table, 3).find((line) => "add" in line)?.add?.partitionValues).toEqual({ kafka_date: "2023-11-14" });
  });
});

describe("timestamp without zone", () => {
  test("a timestamp_ntz column upgrades the protocol to reader 3 / writer 7 with the timestampNtz feature", async () => {
    const table = "topics/ntz";
    const base = await committed(table, null, commitOf(recordSchema, "data/a.parquet", 0, 0n, 1));
    const local: LakeSchema = {
      schemaId: 1,
      lastColumnId: 5,
      fields: [...recordSchema.fields, { id: 5, name: "local", required: false, type: { kind: "timestamp" } }],
    };
    const next = await committed(table, base, commitOf(local, "data/b.parquet", 0, 1n, 1));
    const lines = logLines(table, 1);
    expect(kinds(lines)).toEqual(["commitInfo", "protocol", "metaData", "txn", "add"]);
    // writer version 2 implied appendOnly and invariants: a move to 7 must list them
    expect(lines[1]?.protocol).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ["timestampNtz"],
      writerFeatures: ["appendOnly", "invariants", "timestampNtz"],
    });
    const after = await committed(table, next, commitOf(local, "data/c.parquet", 0, 2n, 1));
    expect(kinds(logLines(table, 2))).toEqual(["commitInfo", "txn", "add"]);
    expect((await loadDeltaTable(lake.store, table, TOPIC))?.schema).toEqual(after.schema);
  });

  test("a new table with a timestamp_ntz column starts at reader 3 / writer 7", async () => {
    const schema: LakeSchema = { schemaId: 0, lastColumnId: 1, fields: [{ id: 1, name: "local", required: true, type: { kind: "timestamp" } }] };
    await committed("topics/ntz-new", null, { topic: TOPIC, schema, partitionByDay: false, files: [], offsets: new Map() });
    expect(logLines("topics/ntz-new", 0)[1]?.protocol).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ["timestampNtz"],
      writerFeatures: ["timestampNtz"],
    });
  });
});

describe("concurrent writers", () => {
  test("two writers racing for one version: one commits, the other gets a conflict and wins after reloading", async () => {
    const table = "topics/race";
    const base = await committed(table, null, commitOf(recordSchema, "data/0.parquet", 0, 0n, 1));
    const results = await Promise.all([
      commitDelta(lake.store, table, base, commitOf(recordSchema, "data/x.parquet", 0, 1n, 1)),
      commitDelta(lake.store, table, base, commitOf(recordSchema, "data/y.parquet", 1, 0n, 1)),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(["committed", "conflict"]);
    const loser = results[0]?.kind === "conflict" ? commitOf(recordSchema, "data/x.parquet", 0, 1n, 1) : commitOf(recordSchema, "data/y.parquet", 1, 0n, 1);
    const reloaded = await loadDeltaTable(lake.store, table, TOPIC);
    expect(reloaded?.version).toBe(1);
    const retried = await committed(table, reloaded, loser);
    expect(retried.version).toBe(2);
    expect(retried.offsets).toEqual(new Map([[0, 1n], [1, 0n]]));
    expect(retried.snapshot.adds.size).toBe(3);
  });

  test("a new table raced by two creators has one version 0", async () => {
    const table = "topics/create-race";
    const results = await Promise.all([
      commitDelta(lake.store, table, null, commitOf(recordSchema, "data/p.parquet", 0, 0n, 1)),
      commitDelta(lake.store, table, null, commitOf(recordSchema, "data/q.parquet", 0, 0n, 1)),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(["committed", "conflict"]);
  });
});

describe("the txn bookmark", () => {
  test("offsets round-trip exactly, including past 2^53, and other applications' txns are not ours", async () => {
    const table = "topics/bookmark";
    const big = 2n ** 62n + 7n;
    const commit = { ...commitOf(recordSchema, "data/a.parquet", 0, 0n, 1), partitionByDay: false, offsets: new Map([[0, big], [12, 3n]]) };
    await committed(table, null, commit);
    const log = join(lake.dir, table, "_delta_log", "00000000000000000001.json");
    writeFileSync(log, [`{"txn":{"appId":"orders-archive-1","version":9}}`, `{"txn":{"appId":"orders-x","version":1}}`].join("\n"));
    const loaded = await loadDeltaTable(lake.store, table, TOPIC);
    expect(loaded?.version).toBe(1);
    expect(loaded?.offsets).toEqual(new Map([[0, big], [12, 3n]]));
    expect(readFileSync(join(lake.dir, table, "_delta_log", "00000000000000000000.json"), "utf8")).toContain(`"version":${big}`);
    expect(loaded?.partitionByDay).toBe(false);
  });
});

describe("tables this writer must not write", () => {
  const foreign = (table: string, lines: string[]): void => {
    const dir = join(lake.dir, table, "_delta_log");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "00000000000000000000.json"), lines.join("\n"));
  };
  const metaData = `{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\\"type\\":\\"struct\\",\\"fields\\":[]}","partitionColumns":[],"configuration":{}}}`;

  test("a table using column mapping or deletion vectors is refused with the features named", async () => {
    foreign("topics/mapped", [`{"protocol":{"minReaderVersion":2,"minWriterVersion":5}}`, metaData]);
    await expect(loadDeltaTable(lake.store, "topics/mapped", TOPIC)).rejects.toThrow(DeltaTableError);
    foreign("topics/dv", [`{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],"writerFeatures":["deletionVectors"]}}`, metaData]);
    await expect(loadDeltaTable(lake.store, "topics/dv", TOPIC)).rejects.toThrow("features this writer does not implement: deletionVectors");
  });

  test("a commit that is not JSON is a DeltaTableError naming the file", async () => {
    foreign("topics/broken", [`{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}`, "{not json"]);
    await expect(loadDeltaTable(lake.store, "topics/broken", TOPIC)).rejects.toThrow("00000000000000000000.json is not newline-delimited JSON");
  });
});
