// The versioned cache shares index reads between concurrent callers, but never hands a caller the
// answer to a request sent before it asked: that answer may predate a write the caller has seen.

import { expect, test } from "bun:test";
import type { GetResult, ObjectStore } from "../../src/storage/s3/store.ts";
import { VersionedCache } from "../../src/storage/s3/versioned.ts";

/** A store whose GETs are answered by hand, with whatever the object holds when answered. */
function manualStore() {
  let body = "old";
  const waiting: (() => void)[] = [];
  const store: ObjectStore = {
    quotedIfMatch: true,
    get: () => {
      const seen = body;
      return new Promise<GetResult>((resolve) => waiting.push(() => resolve({ kind: "found", bytes: new TextEncoder().encode(seen), etag: seen, lastModified: new Date() })));
    },
    put: async () => ({ kind: "conflict" }),
    delete: async () => {},
    list: async () => ({ objects: [], prefixes: [], continuationToken: null }),
    close: () => {},
  };
  return { store, write: (v: string) => (body = v), answerNext: () => waiting.shift()?.(), get requests() { return waiting.length; } };
}

test("a load asked for while one is in flight waits for a request sent after it asked; those asking together share it", async () => {
  const s = manualStore();
  const cache = new VersionedCache(s.store, (bytes) => new TextDecoder().decode(bytes), "");
  const first = cache.load("k");
  expect(s.requests).toBe(1);
  s.write("new"); // another broker's write, after the store served the first request
  const second = cache.load("k");
  const third = cache.load("k");
  expect(s.requests).toBe(1);
  s.answerNext();
  expect((await first).value).toBe("old");
  await Bun.sleep(0);
  expect(s.requests).toBe(1);
  s.answerNext();
  expect((await second).value).toBe("new");
  expect(await third).toBe(await second);
});
