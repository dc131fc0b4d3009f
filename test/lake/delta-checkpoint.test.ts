import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { commitDelta, type DeltaTable, loadDeltaTable } from "../../src/lake/delta/index.ts";
import type { LakeStore } from "../../src/lake/store.ts";
import { recordFile, records, recordSchema, tempLake } from "./delta-fixtures.ts";

const lake = tempLake();
afterAll(() => lake.remove());

const TOPIC = "events";
const TABLE = "topics/events";
const INTERVAL = 5;
const log = (name: string): string => join(lake.dir, TABLE, "_delta_log", name);
const padded = (version: number): string => String(version).padStart(20, "0");

async function commitVersions(store: LakeStore, table: string, count: number, interval: number): Promise<DeltaTable> {
  let current: DeltaTable | null = null;
  for (let v = 0; v < count; v++) {
    const partition = v % 3;
    const { file } = recordFile(`data/${v}.parquet`, records(partition, BigInt(v * 10), 2), 19_675 + (v % 2));
    const offsets = new Map([[partition, BigInt(v * 10 + 1)]]);
    const result = await commitDelta(store, table, current, { topic: TOPIC, schema: recordSchema, partitionByDay: true, files: [file], offsets, checkpointInterval: interval });
    if (result.kind !== "committed" || result.checkpointError !== undefined) throw new Error(`version ${v} did not commit cleanly`);
    current = result.table;
  }
  if (current === null) throw new Error("nothing committed");
  return current;
}

/** Everything a load yields, in comparable form. */
const state = (table: DeltaTable | null) =>
  table && {
    version: table.version,
    schema: table.schema,
    partitionByDay: table.partitionByDay,
    offsets: table.offsets,
    protocol: table.snapshot.protocol,
    metaData: table.snapshot.metaData,
    txns: [...table.snapshot.txns.values()].sort((a, b) => a.appId.localeCompare(b.appId)),
    adds: [...table.snapshot.adds.values()].sort((a, b) => a.path.localeCompare(b.path)),
  };

let committed: DeltaTable;
beforeAll(async () => {
  committed = await commitVersions(lake.store, TABLE, 13, INTERVAL);
});

describe("checkpoints", () => {
  test("written after versions divisible by the interval, with _last_checkpoint naming the newest", async () => {
    const names = (await lake.store.list(`${TABLE}/_delta_log/`)).map((path) => path.split("/").pop());
    expect(names.filter((name) => name?.includes("checkpoint"))).toEqual([`${padded(5)}.checkpoint.parquet`, `${padded(10)}.checkpoint.parquet`, "_last_checkpoint"]);
    const pointer = JSON.parse(readFileSync(log("_last_checkpoint"), "utf8"));
    // protocol + metaData + one txn per partition (3) + one add per commit up to 10 (11)
    expect(pointer).toMatchObject({ version: 10, size: 16, numOfAddFiles: 11 });
    expect(pointer.sizeInBytes).toBe(readFileSync(log(`${padded(10)}.checkpoint.parquet`)).byteLength);
  });

  test("a load starting from the checkpoint equals a replay of every JSON commit", async () => {
    const fromCheckpoint = state(await loadDeltaTable(lake.store, TABLE, TOPIC));
    expect(fromCheckpoint?.version).toBe(12);
    expect(fromCheckpoint).toEqual(state(committed));

    const copy = tempLake();
    try {
      await commitVersions(copy.store, TABLE, 13, 0);
      const replayed = state(await loadDeltaTable(copy.store, TABLE, TOPIC));
      expect(replayed?.adds.map((add) => add.path)).toEqual(fromCheckpoint?.adds.map((add) => add.path));
      expect(replayed?.offsets).toEqual(fromCheckpoint?.offsets);
      expect(replayed?.schema).toEqual(fromCheckpoint?.schema);
    } finally {
      copy.remove();
    }
  });

  test("the checkpoint alone rebuilds the table once the JSON commits before it are gone", async () => {
    const other = tempLake();
    try {
      const last = await commitVersions(other.store, TABLE, 11, INTERVAL);
      for (let v = 0; v <= 10; v++) rmSync(join(other.dir, TABLE, "_delta_log", `${padded(v)}.json`));
      expect(state(await loadDeltaTable(other.store, TABLE, TOPIC))).toEqual(state(last));
    } finally {
      other.remove();
    }
  });

  test("a corrupt or missing checkpoint falls back to an older one or to the log, never failing the load", async () => {
    const newest = log(`${padded(10)}.checkpoint.parquet`);
    const good = readFileSync(newest);
    const pointer = readFileSync(log("_last_checkpoint"));
    try {
      writeFileSync(newest, good.subarray(0, good.byteLength / 2));
      expect(state(await loadDeltaTable(lake.store, TABLE, TOPIC))).toEqual(state(committed));
      rmSync(log("_last_checkpoint"));
      expect(state(await loadDeltaTable(lake.store, TABLE, TOPIC))).toEqual(state(committed));
      writeFileSync(log("_last_checkpoint"), "not json");
      rmSync(log(`${padded(5)}.checkpoint.parquet`));
      expect(state(await loadDeltaTable(lake.store, TABLE, TOPIC))).toEqual(state(committed));
    } finally {
      writeFileSync(newest, good);
      writeFileSync(log("_last_checkpoint"), pointer);
    }
  });

  test("a checkpoint that cannot be written leaves the commit committed and reports why", async () => {
    const other = tempLake();
    const failing: LakeStore = {
      location: (path) => other.store.location(path),
      get: (path) => other.store.get(path),
      exists: (path) => other.store.exists(path),
      putIfAbsent: (path, bytes) => other.store.putIfAbsent(path, bytes),
      list: (prefix) => other.store.list(prefix),
      delete: (path) => other.store.delete(path),
      put: async (path, bytes) => (path.includes("checkpoint") ? Promise.reject(new Error("disk full")) : other.store.put(path, bytes)),
    };
    try {
      const base = await commitVersions(failing, TABLE, 1, 1);
      const { file } = recordFile("data/x.parquet", records(0, 100n, 1));
      const result = await commitDelta(failing, TABLE, base, { topic: TOPIC, schema: recordSchema, partitionByDay: true, files: [file], offsets: new Map([[0, 100n]]), checkpointInterval: 1 });
      expect(result).toMatchObject({ kind: "committed", checkpointError: "disk full" });
      expect((await loadDeltaTable(other.store, TABLE, TOPIC))?.version).toBe(1);
    } finally {
      other.remove();
    }
  });
});

describe("the checkpoint as DuckDB reads it", () => {
  test("one struct column per action, maps as MAP(VARCHAR, VARCHAR), one action per row", async () => {
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    try {
      const file = log(`${padded(10)}.checkpoint.parquet`);
      const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson();
      expect(Object.fromEntries(columns.map((c) => [c.column_name, c.column_type]))).toEqual({
        txn: "STRUCT(appId VARCHAR, \"version\" BIGINT, lastUpdated BIGINT)",
        add: "STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR, tags MAP(VARCHAR, VARCHAR))",
        remove: "STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN)",
        metaData:
          "STRUCT(id VARCHAR, \"name\" VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, \"options\" MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], \"configuration\" MAP(VARCHAR, VARCHAR), createdTime BIGINT)",
        protocol: "STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], writerFeatures VARCHAR[])",
      });
      const counts = await connection.runAndReadAll(
        `SELECT count(txn) AS txn, count(add) AS add, count(remove) AS remove, count(metaData) AS metaData, count(protocol) AS protocol,
                count(*) FILTER (WHERE (txn IS NOT NULL)::int + (add IS NOT NULL)::int + (metaData IS NOT NULL)::int + (protocol IS NOT NULL)::int <> 1) AS mixed
         FROM read_parquet('${file}')`,
      );
      expect(counts.getRowObjectsJson()).toEqual([{ txn: "3", add: "11", remove: "0", metaData: "1", protocol: "1", mixed: "0" }]);
      const rows = (
        await connection.runAndReadAll(
          `SELECT protocol.minReaderVersion AS reader, protocol.minWriterVersion AS writer, protocol.readerFeatures AS features FROM read_parquet('${file}') WHERE protocol IS NOT NULL`,
        )
      ).getRowObjectsJson();
      expect(rows).toEqual([{ reader: 1, writer: 2, features: null }]);
      const meta = (
        await connection.runAndReadAll(
          `SELECT metaData.id AS id, metaData.format.provider AS provider, metaData.partitionColumns AS partitionColumns,
                  metaData.configuration['tansu.schema.lastColumnId'] AS lastColumnId, metaData.schemaString AS schemaString
           FROM read_parquet('${file}') WHERE metaData IS NOT NULL`,
        )
      ).getRowObjectsJson();
      expect(meta).toEqual([
        {
          id: committed.snapshot.metaData.id,
          provider: "parquet",
          partitionColumns: ["kafka_date"],
          lastColumnId: "4",
          schemaString: committed.snapshot.metaData.schemaString,
        },
      ]);
      const txns = (await connection.runAndReadAll(`SELECT txn.appId AS appId, txn.version AS version FROM read_parquet('${file}') WHERE txn IS NOT NULL ORDER BY 1`)).getRowObjectsJson();
      expect(txns).toEqual([
        { appId: "events-0", version: "91" },
        { appId: "events-1", version: "101" },
        { appId: "events-2", version: "81" },
      ]);
      const adds = (
        await connection.runAndReadAll(
          `SELECT add.path AS path, add.partitionValues['kafka_date'] AS day, add.dataChange AS dataChange, json_extract(add.stats, '$.numRecords')::INT AS numRecords
           FROM read_parquet('${file}') WHERE add IS NOT NULL ORDER BY add.modificationTime, add.path LIMIT 2`,
        )
      ).getRowObjectsJson();
      expect(adds).toEqual([
        { path: "data/0.parquet", day: "2023-11-14", dataChange: true, numRecords: 2 },
        { path: "data/1.parquet", day: "2023-11-15", dataChange: true, numRecords: 2 },
      ]);
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });
});
