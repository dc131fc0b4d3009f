// PostgreSQL keeps records as rows: they are queryable with plain SQL, batches come back byte for
// byte (CRC-valid) whether rebuilt from rows or served from kept bytes, and tansu.produce appends
// inside the caller's transaction.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import type { AppendBatch } from "../../src/storage/engine.ts";
import { openPostgresEngine, type PostgresEngine } from "../../src/storage/postgres/index.ts";
import { decodeBatch, encodeBatch, readBatchHeader, setLogAppendTime, type Codec } from "../../src/protocol/records/index.ts";
import { freshDatabase, type TestDatabase } from "../support/postgres.ts";
import { expectedStored, testBatch } from "./record-batch.ts";

let database: TestDatabase;
let engine: PostgresEngine;
let sql: postgres.Sql;
const enc = new TextEncoder();

beforeAll(async () => {
  database = await freshDatabase("rows");
  engine = await openPostgresEngine(database.url, { maxConnections: 4 });
  sql = postgres(database.url.href, { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await sql.end();
  await engine.close();
  await database.drop();
});

function batchOf(bytes: Uint8Array): AppendBatch {
  const h = readBatchHeader(bytes);
  const meta = { recordCount: h.recordCount, baseTimestamp: h.baseTimestamp, maxTimestamp: h.maxTimestamp, producerId: h.producerId, producerEpoch: h.producerEpoch, baseSequence: h.baseSequence, isTransactional: h.isTransactional, isControl: h.isControl };
  return { bytes, meta };
}

async function topic(name: string): Promise<string> {
  const r = await engine.createTopic({ name, partitionCount: 2, replicationFactor: 1, configs: {} });
  expect(r.errorCode).toBe(0);
  return name;
}

async function readOne(name: string, offset: number): Promise<Uint8Array> {
  const r = await engine.read(name, 0, offset, 1 << 20);
  if (r.errorCode !== 0) throw new Error(`read failed with ${r.errorCode}`);
  return r.batches[0]?.bytes ?? new Uint8Array();
}

const keptBytes = async (name: string) =>
  (await sql`select b.base_offset, b.bytes is not null as kept from tansu.batch b join tansu.topic t using (topic_id) where t.name = ${name} order by 1`).map((r) => r.kept as boolean);

const records = [
  { key: enc.encode("k1"), value: enc.encode("hello"), headers: [{ key: "type", value: enc.encode("greeting") }], timestamp: 1_700_000_000_000 },
  { key: null, value: enc.encode("world"), headers: [], timestamp: 1_700_000_000_250 },
  { key: enc.encode("k3"), value: null, headers: [{ key: "a", value: null }, { key: "a", value: enc.encode("") }], timestamp: 1_699_999_999_000 },
];

describe("postgres records as rows", () => {
  test("rows are queryable and an uncompressed batch is rebuilt byte for byte from them", async () => {
    const name = await topic("rows-plain");
    const bytes = encodeBatch(records, { producerId: 7, producerEpoch: 1, baseSequence: 0 });
    expect((await engine.append(name, 0, batchOf(bytes))).errorCode).toBe(0);
    await engine.append(name, 0, batchOf(encodeBatch([{ value: enc.encode("second") }])));
    const rows = await sql`select topic, partition, "offset", "timestamp", key, value, headers from tansu.records where topic = ${name} order by "offset"`;
    expect(rows.map((r) => [r.topic, r.partition, Number(r.offset)])).toEqual([[name, 0, 0], [name, 0, 1], [name, 0, 2], [name, 0, 3]]);
    expect(rows[0]?.value).toEqual(Buffer.from("hello"));
    expect((rows[0]?.timestamp as Date).getTime()).toBe(1_700_000_000_000);
    expect(rows[0]?.headers).toEqual([{ key: "type", value: "greeting" }]);
    expect(rows[2]?.headers).toEqual([{ key: "a", value: null }, { key: "a", value: "" }]);
    expect(rows[1]?.key).toBeNull();
    expect(await keptBytes(name)).toEqual([false, false]);
    expect(await readOne(name, 1)).toEqual(expectedStored(bytes, 0));
    expect(decodeBatch(await readOne(name, 3)).records[0]?.value).toEqual(enc.encode("second"));
  });

  for (const codec of ["gzip", "snappy", "lz4", "zstd"] as const satisfies Codec[]) {
    test(`a ${codec} batch keeps its bytes and its records are rows`, async () => {
      const name = await topic(`rows-${codec}`);
      const bytes = encodeBatch(records, { codec });
      await engine.append(name, 0, batchOf(bytes));
      expect(await keptBytes(name)).toEqual([true]);
      expect(await readOne(name, 0)).toEqual(expectedStored(bytes, 0));
      const values = await sql`select value from tansu.records where topic = ${name} order by "offset"`;
      expect(values.map((r) => (r.value as Buffer | null)?.toString() ?? null)).toEqual(["hello", "world", null]);
    });
  }

  test("LogAppendTime, non-UTF-8 header values and undecodable payloads keep their bytes", async () => {
    const name = await topic("rows-kept");
    const appendTime = encodeBatch(records);
    setLogAppendTime(appendTime, 1_700_000_009_999);
    const binaryHeader = encodeBatch([{ value: enc.encode("v"), headers: [{ key: "bin", value: new Uint8Array([0xff, 0x00, 0xfe]) }] }]);
    const opaque = testBatch({ rawPayload: enc.encode("not records") });
    for (const b of [batchOf(appendTime), batchOf(binaryHeader), opaque]) expect((await engine.append(name, 0, b)).errorCode).toBe(0);
    expect(await keptBytes(name)).toEqual([true, true, true]);
    expect(await readOne(name, 0)).toEqual(expectedStored(appendTime, 0));
    expect(await readOne(name, 3)).toEqual(expectedStored(binaryHeader, 3));
    expect(await readOne(name, 4)).toEqual(expectedStored(opaque.bytes, 4));
    const [stamped] = await sql`select "timestamp" from tansu.records where topic = ${name} and "offset" = 1`;
    expect((stamped?.timestamp as Date).getTime()).toBe(1_700_000_009_999);
  });

  test("a row a constraint refuses is INVALID_RECORD at once; nothing is stored and the next append works", async () => {
    const name = await topic("rows-refused");
    await sql.unsafe("alter table tansu.record add constraint no_poison check (value is null or value <> 'poison'::bytea)");
    try {
      expect((await engine.append(name, 0, batchOf(encodeBatch([{ value: enc.encode("fine") }])))).errorCode).toBe(0);
      const started = performance.now();
      const refused = await engine.append(name, 0, batchOf(encodeBatch([{ value: enc.encode("a") }, { value: enc.encode("poison") }])));
      expect(refused.errorCode).toBe(87); // INVALID_RECORD
      expect(performance.now() - started).toBeLessThan(5_000); // not the COPY's 30 s bound
      expect(await engine.append(name, 0, batchOf(encodeBatch([{ value: enc.encode("after") }])))).toMatchObject({ errorCode: 0, baseOffset: 1 });
      const values = await sql`select value from tansu.records where topic = ${name} order by "offset"`;
      expect(values.map((r) => (r.value as Buffer).toString())).toEqual(["fine", "after"]);
      expect(await engine.offsets(name, 0)).toMatchObject({ highWatermark: 2 });
    } finally {
      await sql.unsafe("alter table tansu.record drop constraint no_poison");
    }
  });

  test("a fetch honours maxBytes with whole batches and always returns the first", async () => {
    const name = await topic("rows-max-bytes");
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const bytes = encodeBatch([{ value: enc.encode("x".repeat(100 * (i + 1))) }]);
      sizes.push(bytes.length);
      await engine.append(name, 0, batchOf(bytes));
    }
    const count = async (maxBytes: number) => {
      const r = await engine.read(name, 0, 0, maxBytes);
      return r.errorCode === 0 ? r.batches.length : -1;
    };
    expect(await count(1)).toBe(1);
    expect(await count((sizes[0] ?? 0) + (sizes[1] ?? 0))).toBe(2);
    expect(await count((sizes[0] ?? 0) + (sizes[1] ?? 0) + 1)).toBe(2);
    expect(await count(1 << 20)).toBe(5);
  });
});

describe("tansu.produce (transactional outbox)", () => {
  test("commits with the caller's business row and wakes waiting fetches", async () => {
    const name = await topic("outbox-commit");
    await engine.append(name, 0, testBatch({ recordCount: 2 }));
    await sql`create table if not exists orders (id integer primary key, total numeric)`;
    const waiting = engine.waitForAppend([{ topic: name, partition: 0 }], 10_000);
    const started = performance.now();
    const offset = await sql.begin(async (tx) => {
      await tx`insert into orders (id, total) values (1, 99.5)`;
      const [row] = await tx`select tansu.produce(${name}, 0, ${Buffer.from("order-1")}, convert_to('{"total":99.5}', 'UTF8'), '[{"key":"type","value":"order-created"}]'::jsonb) as offset`;
      return Number(row?.offset);
    });
    await waiting;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(offset).toBe(2);
    const bytes = await readOne(name, 2);
    const decoded = decodeBatch(bytes); // verifies the CRC
    expect(decoded.header.baseOffset).toBe(2);
    const [record] = decoded.records;
    expect(new TextDecoder().decode(record?.key ?? new Uint8Array())).toBe("order-1");
    expect(new TextDecoder().decode(record?.value ?? new Uint8Array())).toBe('{"total":99.5}');
    expect(record?.headers).toEqual([{ key: "type", value: enc.encode("order-created") }]);
    const [size] = await sql`select b.size from tansu.batch b join tansu.topic t using (topic_id) where t.name = ${name} and b.base_offset = 2`;
    expect(size?.size).toBe(bytes.length);
    expect(await engine.offsets(name, 0)).toMatchObject({ highWatermark: 3 });
  });

  test("vanishes with a rollback, leaving offsets contiguous", async () => {
    const name = await topic("outbox-rollback");
    await sql`create table if not exists orders (id integer primary key, total numeric)`;
    const failed = sql.begin(async (tx) => {
      await tx`insert into orders (id, total) values (2, 10)`;
      await tx`select tansu.produce(${name}, 1, null, ${Buffer.from("lost")})`;
      throw new Error("business rule failed");
    });
    expect(failed).rejects.toThrow("business rule failed");
    await failed.catch(() => undefined);
    expect(await sql`select * from orders where id = 2`).toHaveLength(0);
    expect(await engine.offsets(name, 1)).toMatchObject({ highWatermark: 0 });
    const [row] = await sql`select tansu.produce(${name}, 1, null, ${Buffer.from("kept")}) as offset`;
    expect(Number(row?.offset)).toBe(0);
    expect(await sql`select "offset" from tansu.records where topic = ${name}`).toHaveLength(1);
  });

  test("rejects unknown partitions and malformed headers", async () => {
    const name = await topic("outbox-errors");
    expect(sql`select tansu.produce(${name}, 5, null, null)`).rejects.toThrow("unknown topic or partition");
    expect(sql`select tansu.produce(${name}, 0, null, null, '{"a":1}'::jsonb)`).rejects.toThrow("headers must be");
    expect(sql`select tansu.produce(${name}, 0, null, null, '[{"key":1}]'::jsonb)`).rejects.toThrow("is not");
  });
});
