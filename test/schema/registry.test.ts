import { describe, expect, test } from "bun:test";
import { createLogger } from "../../src/log.ts";
import { SchemaRegistry } from "../../src/schema/registry.ts";
import type { SchemaSource } from "../../src/schema/source.ts";

/** An in-memory source that counts what it is asked. */
function memorySource() {
  const files = new Map<string, { text: string; version: number }>();
  const calls = { version: 0, read: 0 };
  let down: Error | null = null;
  const source: SchemaSource = {
    locate: (name) => `/schemas/${name}`,
    async version(name) {
      calls.version++;
      if (down !== null) throw down;
      const f = files.get(name);
      return f === undefined ? null : String(f.version);
    },
    async read(name) {
      calls.read++;
      if (down !== null) throw down;
      return files.get(name)?.text ?? null;
    },
  };
  let version = 0;
  return {
    source,
    calls,
    put: (name: string, text: string) => files.set(name, { text, version: ++version }),
    remove: (name: string) => files.delete(name),
    setDown: (e: Error | null) => (down = e),
  };
}

function setup(intervalMs = 1000) {
  const m = memorySource();
  const lines: string[] = [];
  let now = 0;
  const registry = new SchemaRegistry(m.source, createLogger("info", (l) => lines.push(l)), intervalMs, () => now);
  return { ...m, registry, lines, advance: (ms: number) => (now += ms) };
}

const AVRO = JSON.stringify({ type: "record", name: "T", fields: [{ name: "value", type: "int" }] });
const AVRO_2 = JSON.stringify({ type: "record", name: "T", fields: [{ name: "value", type: "string" }] });

describe("schema registry cache", () => {
  test("a topic without a schema costs three version checks per interval and nothing in between", async () => {
    const t = setup();
    expect(await t.registry.lookup("plain")).toEqual({ kind: "none" });
    expect(t.calls).toEqual({ version: 3, read: 0 });
    for (let i = 0; i < 100; i++) {
      t.advance(5);
      expect(await t.registry.lookup("plain")).toEqual({ kind: "none" });
    }
    expect(t.calls.version).toBe(3);
    t.advance(500);
    await t.registry.lookup("plain");
    expect(t.calls.version).toBe(6);
  });

  test("a schema is read once, re-read only when its version changes, and a new file is picked up", async () => {
    const t = setup();
    t.put("orders.avsc", AVRO);
    const first = await t.registry.lookup("orders");
    expect(first.kind === "schema" && first.schema.format).toBe("avro");
    t.advance(1000);
    expect(await t.registry.lookup("orders")).toBe(first);
    expect(t.calls.read).toBe(1);
    t.put("orders.avsc", AVRO_2);
    expect(await t.registry.lookup("orders")).toBe(first); // still within the interval
    t.advance(1000);
    const second = await t.registry.lookup("orders");
    expect(second).not.toBe(first);
    expect(second.kind === "schema" && second.schema.value?.check(Uint8Array.of(2, 0x61))).toBeNull();
    expect(t.calls.read).toBe(2);
    t.remove("orders.avsc");
    t.advance(1000);
    expect(await t.registry.lookup("orders")).toEqual({ kind: "none" });
    expect(t.lines.filter((l) => l.includes("schema loaded")).length).toBe(2);
    expect(t.lines.some((l) => l.includes("schema removed topic=orders"))).toBe(true);
  });

  test("concurrent lookups share one check", async () => {
    const t = setup();
    t.put("orders.json", JSON.stringify({ properties: { value: {} } }));
    const all = await Promise.all(Array.from({ length: 20 }, () => t.registry.lookup("orders")));
    expect(new Set(all).size).toBe(1);
    expect(t.calls).toEqual({ version: 3, read: 1 });
  });

  test("a file that does not parse is logged once per version and answers its message", async () => {
    const t = setup(0);
    t.put("bad.proto", "message Key { strin id = 1 }");
    for (let i = 0; i < 5; i++) {
      expect(await t.registry.lookup("bad")).toEqual({ kind: "invalid", message: "schema /schemas/bad.proto does not parse: illegal token 'strin' (line 1)" });
    }
    const errors = t.lines.filter((l) => l.includes("ERROR"));
    expect(errors).toEqual([expect.stringContaining("ERROR schema does not parse topic=bad file=/schemas/bad.proto error=\"illegal token 'strin' (line 1)\"")]);
    expect(t.calls.read).toBe(1);
    t.put("bad.proto", 'syntax = "proto3"; message Key { string id = 1; }');
    expect((await t.registry.lookup("bad")).kind).toBe("schema");
  });

  test("two schema files for one topic are an error naming both", async () => {
    const t = setup();
    t.put("twice.avsc", AVRO);
    t.put("twice.json", "{}");
    expect(await t.registry.lookup("twice")).toEqual({ kind: "invalid", message: "topic twice has 2 schema files (/schemas/twice.avsc, /schemas/twice.json); keep one" });
  });

  test("while the source is unreachable the last answer stays; a topic never seen is unavailable", async () => {
    const t = setup();
    t.put("orders.avsc", AVRO);
    const known = await t.registry.lookup("orders");
    t.setDown(new Error("connection refused"));
    t.advance(1000);
    expect(await t.registry.lookup("orders")).toBe(known);
    t.advance(1000);
    expect(await t.registry.lookup("orders")).toBe(known);
    expect(await t.registry.lookup("other")).toEqual({ kind: "unavailable", message: "the schema registry cannot be reached: connection refused" });
    expect(t.lines.filter((l) => l.includes("schema registry unreachable topic=orders")).length).toBe(1);
    t.setDown(null);
    t.advance(1000);
    expect(await t.registry.lookup("other")).toEqual({ kind: "none" });
  });
});
