import { afterEach, describe, expect, spyOn, test } from "bun:test";
import { AppendNotifier, partitionKey } from "../../../src/storage/memory/notifier.ts";
import { openMemoryEngine } from "../../../src/storage/memory/index.ts";

/** An abort signal that counts its registered listeners. */
function countingSignal() {
  const controller = new AbortController();
  const { signal } = controller;
  let listeners = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<AbortSignal["addEventListener"]>) => {
    listeners++;
    add(...args);
  };
  signal.removeEventListener = (...args: Parameters<AbortSignal["removeEventListener"]>) => {
    listeners--;
    remove(...args);
  };
  return { controller, signal, listeners: () => listeners };
}

describe("AppendNotifier leaves nothing behind", () => {
  const a = partitionKey("t", 0);
  const b = partitionKey("t", 1);
  const clearTimeoutSpy = spyOn(globalThis, "clearTimeout");
  afterEach(() => clearTimeoutSpy.mockClear());

  test("after a notify", async () => {
    const notifier = new AppendNotifier();
    const { signal, listeners } = countingSignal();
    const waiting = notifier.wait([a, b], 10_000, signal);
    expect(notifier.size).toBe(2);
    expect(listeners()).toBe(1);
    notifier.notify(b);
    await waiting;
    expect(notifier.size).toBe(0);
    expect(listeners()).toBe(0);
    expect(clearTimeoutSpy).toHaveBeenCalled();
  });

  test("after a timeout", async () => {
    const notifier = new AppendNotifier();
    const { signal, listeners } = countingSignal();
    await notifier.wait([a], 10, signal);
    expect(notifier.size).toBe(0);
    expect(listeners()).toBe(0);
  });

  test("after an abort", async () => {
    const notifier = new AppendNotifier();
    const { controller, signal, listeners } = countingSignal();
    const waiting = notifier.wait([a], 10_000, signal);
    controller.abort();
    await waiting;
    expect(notifier.size).toBe(0);
    expect(listeners()).toBe(0);
    expect(clearTimeoutSpy).toHaveBeenCalled();
  });

  test("an already-aborted signal or zero timeout registers nothing", async () => {
    const notifier = new AppendNotifier();
    await notifier.wait([a], 10_000, AbortSignal.abort());
    await notifier.wait([a], 0);
    expect(notifier.size).toBe(0);
  });

  test("one notify wakes every waiter on the key", async () => {
    const notifier = new AppendNotifier();
    const waits = [notifier.wait([a], 10_000), notifier.wait([a, b], 10_000), notifier.wait([b], 50)];
    notifier.notify(a);
    await Promise.all(waits.slice(0, 2));
    expect(notifier.size).toBe(1);
    await waits[2];
    expect(notifier.size).toBe(0);
  });
});

describe("memory engine close", () => {
  test("wakes pending waiters and makes ping fail", async () => {
    const engine = openMemoryEngine();
    const waiting = engine.waitForAppend([{ topic: "t", partition: 0 }], 10_000);
    expect(engine.pendingWaiters).toBe(1);
    await engine.close();
    await waiting;
    expect(engine.pendingWaiters).toBe(0);
    await expect(engine.ping()).rejects.toThrow("unavailable");
  });
});
