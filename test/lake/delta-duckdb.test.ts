// The table as an outside reader sees it. DuckDB's delta extension cannot be installed offline, so
// the log is checked against the protocol's rules as plain assertions on its JSON, and the data
// files it lists are read with DuckDB's own Parquet reader.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { commitDelta, type DeltaCommit, type DeltaTable } from "../../src/lake/delta/index.ts";
import { type KafkaRecord, recordFile, records, recordSchema, tempLake } from "./delta-fixtures.ts";

const lake = tempLake();
const TABLE = "topics/clicks";
const logDir = join(lake.dir, TABLE, "_delta_log");

type Action = Record<string, Record<string, unknown>>;
let commits: Action[][] = [];
const written: KafkaRecord[] = [];
const DAY_MICROS = 86_400_000_000n;

beforeAll(async () => {
  let table: DeltaTable | null = null;
  const batches: [string, number, bigint, bigint][] = [
    ["data/kafka_date=2023-11-14/part 0.parquet", 0, 0n, 1_700_000_000_000_000n],
    ["data/kafka_date=2023-11-14/part 1.parquet", 1, 0n, 1_700_000_000_000_000n],
    ["data/kafka_date=2023-11-15/part#0.parquet", 0, 4n, 1_700_000_000_000_000n + DAY_MICROS],
  ];
  for (const [path, partition, first, start] of batches) {
    const batch = records(partition, first, 4, start);
    const { bytes, file } = recordFile(path, batch, Number(start / DAY_MICROS));
    await lake.store.put(`${TABLE}/${path}`, bytes);
    written.push(...batch);
    const commit: DeltaCommit = { topic: "clicks", schema: recordSchema, partitionByDay: true, files: [file], offsets: new Map([[partition, first + 3n]]) };
    const result = await commitDelta(lake.store, TABLE, table, commit);
    if (result.kind !== "committed") throw new Error("conflict in a single-writer test");
    table = result.table;
  }
  commits = readdirSync(logDir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => readFileSync(join(logDir, name), "utf8").split("\n").map((line) => JSON.parse(line) as Action));
});
afterAll(() => lake.remove());

const actions = (kind: string): Record<string, unknown>[] => commits.flat().flatMap((line) => (line[kind] ? [line[kind]] : []));

describe("the log against the protocol's rules", () => {
  test("commits are named by contiguous 20-digit versions, one single-action JSON object per line", () => {
    expect(readdirSync(logDir).filter((name) => name.endsWith(".json")).sort()).toEqual(["0", "1", "2"].map((v) => `${v.padStart(20, "0")}.json`));
    for (const line of commits.flat()) {
      expect(Object.keys(line)).toHaveLength(1);
      expect(["commitInfo", "protocol", "metaData", "txn", "add"]).toContain(Object.keys(line)[0] ?? "");
    }
  });

  test("version 0 has one protocol and one metaData; no commit has two, nor two txns of one appId, nor one path added twice", () => {
    expect(commits[0]?.filter((line) => line.protocol)).toHaveLength(1);
    expect(commits[0]?.filter((line) => line.metaData)).toHaveLength(1);
    for (const commit of commits) {
      expect(commit.filter((line) => line.protocol).length).toBeLessThanOrEqual(1);
      expect(commit.filter((line) => line.metaData).length).toBeLessThanOrEqual(1);
      const appIds = commit.flatMap((line) => (line.txn ? [line.txn.appId] : []));
      expect(new Set(appIds).size).toBe(appIds.length);
      const paths = commit.flatMap((line) => (line.add ? [line.add.path] : []));
      expect(new Set(paths).size).toBe(paths.length);
    }
  });

  test("protocol 1/2 lists no features; metaData has the required fields and its partition columns are top-level columns", () => {
    const [protocol] = actions("protocol");
    expect(protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    const [metaData] = actions("metaData");
    for (const field of ["id", "format", "schemaString", "partitionColumns", "configuration"]) expect(metaData).toHaveProperty(field);
    const schema = JSON.parse(String(metaData?.schemaString)) as { type: string; fields: { name: string }[] };
    expect(schema.type).toBe("struct");
    const names = schema.fields.map((f) => f.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    for (const column of metaData?.partitionColumns as string[]) expect(names).toContain(column);
  });

  test("adds: relative URI paths to non-hidden files, every partition column valued, true sizes, stats counting the rows", () => {
    const [metaData] = actions("metaData");
    for (const add of actions("add")) {
      const path = String(add.path);
      expect(path).not.toMatch(/^[a-z]+:|^\//);
      expect(path).not.toMatch(/(^|\/)_/);
      expect(path).not.toContain(" ");
      expect(Object.keys(add.partitionValues as object)).toEqual(metaData?.partitionColumns as string[]);
      expect(Object.values(add.partitionValues as object)[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(add.size).toBe(statSync(join(lake.dir, TABLE, decodeURIComponent(path))).size);
      expect(typeof add.modificationTime).toBe("number");
      expect(add.dataChange).toBe(true);
      expect(JSON.parse(String(add.stats)).numRecords).toBe(4);
    }
  });

  test("one txn per Kafka partition per commit carries the last offset written", () => {
    expect(actions("txn").map((txn) => [txn.appId, txn.version])).toEqual([
      ["clicks-0", 3],
      ["clicks-1", 3],
      ["clicks-0", 7],
    ]);
  });
});

describe("the data files the log lists, read by DuckDB", () => {
  test("hold exactly the records written, on the days their partition values say, within their stats", async () => {
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    try {
      for (const add of actions("add")) {
        const file = join(lake.dir, TABLE, decodeURIComponent(String(add.path))).replaceAll("'", "''");
        const stats = JSON.parse(String(add.stats));
        const [row] = (
          await connection.runAndReadAll(
            `SELECT count(*)::INT AS n, min("offset")::INT AS lo, max("offset")::INT AS hi, count(value)::INT AS present,
                    min(timestamp::DATE)::VARCHAR AS first_day, max(timestamp::DATE)::VARCHAR AS last_day
             FROM read_parquet('${file}')`,
          )
        ).getRowObjectsJson();
        const day = Object.values(add.partitionValues as object)[0];
        expect(row).toEqual({
          n: stats.numRecords,
          lo: stats.minValues.offset,
          hi: stats.maxValues.offset,
          present: stats.numRecords - stats.nullCount.value,
          first_day: day,
          last_day: day,
        });
      }
      const files = actions("add").map((add) => `'${join(lake.dir, TABLE, decodeURIComponent(String(add.path))).replaceAll("'", "''")}'`);
      const rows = (
        await connection.runAndReadAll(`SELECT "partition", "offset", epoch_us(timestamp) AS timestamp, value FROM read_parquet([${files.join(",")}]) ORDER BY 1, 2`)
      ).getRowObjectsJson();
      const expected = [...written]
        .sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset))
        .map((r) => ({ partition: r.partition, offset: String(r.offset), timestamp: String(r.timestamp), value: r.value }));
      expect(rows).toEqual(expected);
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });
});
