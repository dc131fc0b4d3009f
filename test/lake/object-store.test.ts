// The lake over an object store, against the test S3 server: paths under the prefix, locations
// for readers, and create-if-absent when the server's answer is lost or a concurrent conditional
// write is in flight.

import { afterAll, describe, expect, test } from "bun:test";
import { ObjectLakeStore } from "../../src/lake/object-store.ts";
import { SdkObjectStore } from "../../src/storage/s3/sdk-store.ts";
import { s3Settings } from "../../src/storage/s3/settings.ts";
import { startS3Server } from "../support/s3-server/index.ts";
import { s3Env, uniquePrefix } from "../storage/s3-fixture.ts";

const server = startS3Server({ buckets: ["lake"] });
const objects = new SdkObjectStore(s3Settings(new URL("s3://lake"), s3Env({ endpoint: server.endpoint, bucket: "lake", accessKeyId: "k", secretAccessKey: "s" })), 3);
afterAll(async () => {
  objects.close();
  await server.stop();
});

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const lake = (): { prefix: string; store: ObjectLakeStore } => {
  const prefix = `${uniquePrefix("lake")}/`;
  return { prefix, store: new ObjectLakeStore(objects, prefix, "s3://lake") };
};

/** Injects `plan` into the first conditional PUT only. */
function faultFirstPut(plan: Parameters<typeof server.faults.set>[0]): () => void {
  let puts = 0;
  server.faults.set({ ...plan, operations: ["PutObject"] });
  return server.listen((op, _key, headers) => {
    if (op === "PutObject" && headers.has("if-none-match") && ++puts === 2) server.faults.clear();
  });
}

describe("ObjectLakeStore", () => {
  test("paths live under the prefix; locations name the bucket", async () => {
    const { prefix, store } = lake();
    expect(store.location("t/metadata/v1.metadata.json")).toBe(`s3://lake/${prefix}t/metadata/v1.metadata.json`);
    expect(await store.get("t/a")).toBeNull();
    expect(await store.exists("t/a")).toBe(false);
    await store.put("t/b", bytes("b"));
    await store.put("t/a", bytes("a"));
    await store.put("t/ab", bytes("ab"));
    await store.put("u/c", bytes("c"));
    expect(server.keys("lake", prefix)).toEqual([`${prefix}t/a`, `${prefix}t/ab`, `${prefix}t/b`, `${prefix}u/c`]);
    expect(await store.get("t/a")).toEqual(bytes("a"));
    expect(await store.exists("t/a")).toBe(true);
    expect(await store.list("t/")).toEqual(["t/a", "t/ab", "t/b"]);
    expect(await store.list("t/a")).toEqual(["t/a", "t/ab"]);
    await store.delete("t/a");
    expect(await store.exists("t/a")).toBe(false);
    expect(await store.exists("t/ab")).toBe(true);
  });

  test("putIfAbsent creates once; later writers find it taken", async () => {
    const { store } = lake();
    const results = await Promise.all(["x", "y", "z"].map((v) => store.putIfAbsent("v1", bytes(v))));
    expect(results.filter((r) => r === "created")).toHaveLength(1);
    const winner = ["x", "y", "z"][results.indexOf("created")]!;
    expect(await store.get("v1")).toEqual(bytes(winner));
    expect(await store.putIfAbsent("v1", bytes("w"))).toBe("exists");
  });

  test("an answer lost after the write took effect: our bytes are there, so created", async () => {
    const { store } = lake();
    const stop = faultFirstPut({ dropAfterRate: 1 });
    try {
      expect(await store.putIfAbsent("v1", bytes("mine"))).toBe("created");
    } finally {
      stop();
      server.faults.clear();
    }
    expect(server.faults.injected.get("drop-after")).toBeGreaterThan(0);
    expect(await store.get("v1")).toEqual(bytes("mine"));
  });

  test("a request lost before it took effect, or refused by a concurrent conditional write, is tried again", async () => {
    for (const plan of [{ dropBeforeRate: 1 }, { conflictRate: 1 }]) {
      const { store } = lake();
      const stop = faultFirstPut(plan);
      try {
        expect(await store.putIfAbsent("v1", bytes("mine"))).toBe("created");
      } finally {
        stop();
        server.faults.clear();
      }
      expect(await store.get("v1")).toEqual(bytes("mine"));
    }
    expect(server.faults.injected.get("drop-before")).toBeGreaterThan(0);
    expect(server.faults.injected.get("conflict")).toBeGreaterThan(0);
  });
});
