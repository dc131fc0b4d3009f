// Topic schemas, cached. A topic's entry answers lookups for checkIntervalMs after its last check;
// the next lookup then asks the source for the versions of TOPIC.avsc, TOPIC.json and TOPIC.proto
// (a stat each, or a HEAD each on S3) and reads and compiles a file only when its version changed.
// Topics without a schema file are cached the same way, so between checks a lookup is one map read.
// Versions are taken before a file is read, so a file that changes during a check is read again
// at the next. Concurrent lookups of a topic share one check. A file that does not parse is logged
// once per version, and lookups answer its message until it changes. When the source cannot be
// reached, the last answer stays in use (a topic never seen gets "unavailable").

import type { Logger } from "../log.ts";
import { compileSchema, SCHEMA_FILES } from "./compile.ts";
import { openSchemaSource, type SchemaSource } from "./source.ts";
import type { SchemaFormat, TopicSchema } from "./types.ts";

export type SchemaLookup =
  | { kind: "none" }
  | { kind: "schema"; schema: TopicSchema }
  /** The topic's schema file does not parse (or there are several). */
  | { kind: "invalid"; message: string }
  | { kind: "unavailable"; message: string };

interface Entry {
  checkedAt: number;
  /** The names and versions of the topic's schema files at the last check; null when never seen. */
  signature: string | null;
  lookup: SchemaLookup;
  /** Set while the source cannot be reached, so that is logged once. */
  failing: boolean;
}

interface Present {
  name: string;
  format: SchemaFormat;
}

const NONE: SchemaLookup = { kind: "none" };

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class SchemaRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly checking = new Map<string, Promise<SchemaLookup>>();

  constructor(
    private readonly source: SchemaSource,
    private readonly log: Logger,
    private readonly checkIntervalMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The topic's schema as of at most checkIntervalMs ago (await it: a check may be due). */
  lookup(topic: string): SchemaLookup | Promise<SchemaLookup> {
    const entry = this.entries.get(topic);
    if (entry !== undefined && this.clock() - entry.checkedAt < this.checkIntervalMs) return entry.lookup;
    let pending = this.checking.get(topic);
    if (pending === undefined) {
      pending = this.check(topic, entry).finally(() => this.checking.delete(topic));
      this.checking.set(topic, pending);
    }
    return pending;
  }

  private async check(topic: string, previous: Entry | undefined): Promise<SchemaLookup> {
    let next: Omit<Entry, "checkedAt">;
    try {
      const versions = await Promise.all(SCHEMA_FILES.map(async (f) => ({ name: topic + f.extension, format: f.format, version: await this.source.version(topic + f.extension) })));
      const present = versions.filter((v) => v.version !== null);
      const signature = present.map((v) => `${v.name}@${v.version}`).join(" ");
      if (previous !== undefined && previous.signature === signature) next = { ...previous, failing: false };
      else next = { signature, lookup: await this.load(topic, present, previous), failing: false };
    } catch (e) {
      if (previous?.failing !== true) this.log.warn("schema registry unreachable", { topic, error: errorText(e) });
      const lookup = previous?.lookup ?? { kind: "unavailable", message: `the schema registry cannot be reached: ${errorText(e)}` };
      next = { signature: previous?.signature ?? null, lookup, failing: true };
    }
    this.entries.set(topic, { ...next, checkedAt: this.clock() });
    return next.lookup;
  }

  private async load(topic: string, present: readonly Present[], previous: Entry | undefined): Promise<SchemaLookup> {
    const [file, ...others] = present;
    if (file === undefined) {
      if (previous?.lookup.kind === "schema") this.log.info("schema removed", { topic });
      return NONE;
    }
    if (others.length > 0) {
      const message = `topic ${topic} has ${present.length} schema files (${present.map((p) => this.source.locate(p.name)).join(", ")}); keep one`;
      this.log.error("schema files conflict", { topic, error: message });
      return { kind: "invalid", message };
    }
    const location = this.source.locate(file.name);
    const text = await this.source.read(file.name);
    if (text === null) return NONE;
    try {
      const schema = await compileSchema(file.format, text, location);
      this.log.info("schema loaded", { topic, file: location, format: file.format, key: schema.key !== null, value: schema.value !== null });
      return { kind: "schema", schema };
    } catch (e) {
      this.log.error("schema does not parse", { topic, file: location, error: errorText(e) });
      return { kind: "invalid", message: `schema ${location} does not parse: ${errorText(e)}` };
    }
  }
}

export async function openSchemaRegistry(url: URL, log: Logger, checkIntervalMs: number, env: Record<string, string | undefined>): Promise<SchemaRegistry> {
  return new SchemaRegistry(await openSchemaSource(url, env), log, checkIntervalMs);
}
