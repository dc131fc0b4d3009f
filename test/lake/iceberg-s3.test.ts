// An Iceberg table in a bucket (the test S3 server): commits through ObjectLakeStore, then
// icebird reads it by its s3:// locations. icebird turns s3://bucket/key into the bucket's AWS
// address; while it reads, fetch sends those requests to the test server instead and refuses
// anything else, so nothing leaves the machine.

import { afterAll, describe, expect, test } from "bun:test";
import { icebergLatestVersion, icebergRead } from "icebird";
import { commitIceberg, loadIcebergTable } from "../../src/lake/iceberg/index.ts";
import { ObjectLakeStore } from "../../src/lake/object-store.ts";
import { SdkObjectStore } from "../../src/storage/s3/sdk-store.ts";
import { s3Settings } from "../../src/storage/s3/settings.ts";
import { startS3Server } from "../support/s3-server/index.ts";
import { s3Env, uniquePrefix } from "../storage/s3-fixture.ts";
import { asRead, rows, SCHEMA_0, SCHEMA_1, writeDataFile } from "./iceberg-fixture.ts";

const server = startS3Server({ buckets: ["warehouse"] });
const objects = new SdkObjectStore(s3Settings(new URL("s3://warehouse"), s3Env({ endpoint: server.endpoint, bucket: "warehouse", accessKeyId: "k", secretAccessKey: "s" })), 3);
afterAll(async () => {
  objects.close();
  await server.stop();
});

const AWS_ADDRESS = "https://warehouse.s3.amazonaws.com/";

async function readingFromTestServer<T>(read: () => Promise<T>): Promise<T> {
  const real = globalThis.fetch;
  const local = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(AWS_ADDRESS)) return real(`${server.endpoint}/warehouse/${url.slice(AWS_ADDRESS.length)}`, init);
    if (url.startsWith(`${server.endpoint}/`)) return real(input, init);
    return Promise.reject(new Error(`refused in a test: ${url}`));
  };
  globalThis.fetch = Object.assign(local, { preconnect: real.preconnect });
  try {
    return await read();
  } finally {
    globalThis.fetch = real;
  }
}

describe("Iceberg on an object store", () => {
  test("two appends with schema evolution, concurrent commits, read back by icebird", async () => {
    const prefix = `${uniquePrefix("lake")}/`;
    const store = new ObjectLakeStore(objects, prefix, "s3://warehouse");
    const first = rows(3, 19_700);
    const fileA = await writeDataFile(store, "orders", "data/a.parquet", SCHEMA_0, first);
    const base = { partitionByDay: true, topic: "orders" };
    expect(await commitIceberg(store, "orders", { ...base, expectedVersion: 0, schema: SCHEMA_0, files: [fileA], offsets: new Map([[0, 2n]]) })).toEqual({ kind: "committed", version: 1, hint: "written" });

    const second = rows(2, 19_701, 1, "n");
    const fileB = await writeDataFile(store, "orders", "data/b.parquet", SCHEMA_1, second);
    const attempts = await Promise.all([0, 1].map(() => commitIceberg(store, "orders", { ...base, expectedVersion: 1, schema: SCHEMA_1, files: [fileB], offsets: new Map([[1, 4n]]) })));
    expect(attempts.map((a) => a.kind).sort()).toEqual(["committed", "conflict"]);

    const table = await loadIcebergTable(store, "orders");
    expect(table?.version).toBe(2);
    expect(table?.schema).toEqual(SCHEMA_1);
    expect(table?.offsets).toEqual(new Map([[0, 2n], [1, 4n]]));
    expect(table?.metadata.location).toBe(`s3://warehouse/${prefix}orders`);
    expect(server.keys("warehouse", `${prefix}orders/metadata/v`).filter((k) => k.endsWith(".metadata.json"))).toEqual([`${prefix}orders/metadata/v1.metadata.json`, `${prefix}orders/metadata/v2.metadata.json`]);

    const tableUrl = store.location("orders");
    const read = await readingFromTestServer(async () => ({ version: await icebergLatestVersion({ tableUrl }), rows: await icebergRead({ tableUrl }) }));
    expect(read.version).toBe("v2");
    expect(read.rows).toEqual([...first.map((r) => ({ ...asRead(r, SCHEMA_0), note: undefined })), ...second.map((r) => asRead(r, SCHEMA_1))]);
  });
});
