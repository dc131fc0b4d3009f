import { describe, expect, test } from "bun:test";
import { awaitOutcome, updateGroup } from "../../src/groups/coordinator.ts";
import { emptyGroup } from "../../src/groups/state.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { type Engine, StorageError } from "../../src/storage/engine.ts";
import { openMemoryEngine } from "../../src/storage/memory/index.ts";
import { CONFIG } from "./fixtures.ts";

/** The memory engine with some methods replaced. */
function withOverrides(overrides: Partial<Engine>): Engine {
  const engine = openMemoryEngine();
  return new Proxy(engine, {
    get: (target, key, receiver) => (key in overrides ? overrides[key as keyof Engine] : Reflect.get(target, key, receiver)),
  });
}

const create = (g: ReturnType<typeof emptyGroup> | null, now: number) => ({ group: g ?? emptyGroup(now), reply: "written" });

describe("compare-and-swap loop", () => {
  test("re-applies the transition to the state that won the race", async () => {
    const engine = openMemoryEngine();
    let calls = 0;
    const applied = await updateGroup(engine, "g", (group, now) => {
      calls++;
      // another broker writes first, once
      if (calls === 1) void engine.putGroup("g", JSON.stringify({ ...emptyGroup(now), generationId: 7 }), null);
      return { group: { ...(group ?? emptyGroup(now)), protocolType: "consumer" }, reply: group?.generationId ?? -1 };
    });
    expect(applied).toMatchObject({ ok: true, reply: 7 });
    expect(calls).toBe(2);
    expect(JSON.parse((await engine.getGroup("g"))?.state ?? "{}")).toMatchObject({ generationId: 7, protocolType: "consumer" });
  });

  test("writes nothing when the transition changes nothing", async () => {
    const engine = openMemoryEngine();
    await updateGroup(engine, "g", create);
    const before = await engine.getGroup("g");
    const applied = await updateGroup(engine, "g", (group) => ({ group, reply: "read" }));
    expect(applied).toMatchObject({ ok: true, version: before?.version });
    expect((await engine.getGroup("g"))?.version).toBe(before?.version);
  });

  test("losing every race answers the retriable COORDINATOR_LOAD_IN_PROGRESS", async () => {
    const engine = withOverrides({ putGroup: async () => ({ ok: false, current: null }) });
    const applied = await updateGroup(engine, "g", create);
    expect(applied).toEqual({ ok: false, errorCode: ErrorCodes.COORDINATOR_LOAD_IN_PROGRESS });
  });

  test("storage failures answer COORDINATOR_NOT_AVAILABLE, as do corrupt states", async () => {
    const down = withOverrides({
      getGroup: async () => {
        throw new StorageError("unavailable", "down");
      },
    });
    expect(await updateGroup(down, "g", create)).toEqual({ ok: false, errorCode: ErrorCodes.COORDINATOR_NOT_AVAILABLE });
    const engine = openMemoryEngine();
    await engine.putGroup("g", "not json", null);
    expect(await updateGroup(engine, "g", create)).toEqual({ ok: false, errorCode: ErrorCodes.COORDINATOR_NOT_AVAILABLE });
    await engine.putGroup("h", '{"state":"Zombie","members":[]}', null);
    expect(await updateGroup(engine, "h", create)).toEqual({ ok: false, errorCode: ErrorCodes.COORDINATOR_NOT_AVAILABLE });
  });
});

describe("waiting for an outcome", () => {
  test("fires a due timer itself and answers from what it wrote", async () => {
    const engine = openMemoryEngine();
    const now = Date.now();
    const pending = { ...emptyGroup(now), pendingMembers: [{ memberId: "m", deadline: now + 30 }] };
    const written = await engine.putGroup("g", JSON.stringify(pending), null);
    if (!written.ok) throw new Error("setup failed");
    const since = performance.now();
    const outcome = await awaitOutcome(engine, "g", CONFIG, new AbortController().signal, { group: pending, version: written.version }, (g) =>
      g !== null && g.pendingMembers.length === 0 ? "expired" : null,
    );
    expect(outcome).toEqual({ ok: true, value: "expired" });
    expect(performance.now() - since).toBeGreaterThanOrEqual(25);
    expect(engine.pendingWaiters).toBe(0);
  });
});
