// A broker listens behind engineWhenOpen while its storage opens: the wrapper must be invisible
// once open (the whole conformance suite runs through it) and make early calls wait, or fail as
// the open failed.

import { expect, test } from "bun:test";
import { StorageError } from "../../src/storage/engine.ts";
import { openMemoryEngine } from "../../src/storage/memory/index.ts";
import { engineWhenOpen } from "../../src/storage/when-open.ts";
import { runEngineConformance } from "./conformance.ts";

runEngineConformance("memory behind engineWhenOpen", async () => {
  const inner = openMemoryEngine();
  const engine = engineWhenOpen(Bun.sleep(5).then(() => inner), "memory://");
  return { engine, openSecond: async () => engine, cleanup: () => engine.close() };
});

test("calls made while the engine opens wait for it, then reach it", async () => {
  let open!: () => void;
  const inner = openMemoryEngine();
  const engine = engineWhenOpen(new Promise((resolve) => (open = () => resolve(inner))), "memory://");
  let created = false;
  const creating = engine.createTopic({ name: "early", partitionCount: 2, replicationFactor: 1, configs: {} }).then((r) => {
    created = true;
    return r;
  });
  await Bun.sleep(10);
  expect(created).toBe(false);
  open();
  expect(await creating).toMatchObject({ errorCode: 0 });
  expect((await engine.getTopic("early"))?.partitionCount).toBe(2);
  expect(await inner.getTopic("early")).not.toBeNull();
});

test("a failed open fails every call with the open's error", async () => {
  const failure = new StorageError("unavailable", "cannot open the store");
  const engine = engineWhenOpen(Promise.reject(failure), "postgres://db.example/tansu");
  expect(engine.description).toBe("postgres://db.example/tansu");
  expect(engine.listTopics()).rejects.toBe(failure);
  expect(engine.getGroup("g")).rejects.toBe(failure);
});

test("the description is the URL's until the engine describes itself; the wrapper is no thenable", async () => {
  const inner = openMemoryEngine();
  const opening = Bun.sleep(1).then(() => inner);
  const engine = engineWhenOpen(opening, "memory://before");
  expect(engine.description).toBe("memory://before");
  expect((engine as unknown as { then?: unknown }).then).toBeUndefined();
  expect(await Promise.resolve(engine)).toBe(engine);
  await opening;
  expect(engine.description).toBe(inner.description);
});
