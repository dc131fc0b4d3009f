// Topic metadata, one object per topic name. Creation is atomic (If-None-Match: *, or If-Match on
// the tombstone a deleted topic leaves); every change is a compare-and-swap. Deletion writes a
// tombstone rather than deleting, so a racing delete can never remove a topic created again.

import type { CreateTopicResult, TopicInfo, TopicSpec } from "../engine.ts";
import { StorageError } from "../engine.ts";
import { ErrorCodes, type ErrorCode } from "../../protocol/errors.ts";
import { compareAndSwap, remembering, type CasTarget } from "./cas.ts";
import type { Keys } from "./keys.ts";
import { listAll, type ObjectStore } from "./store.ts";
import { VersionedCache } from "./versioned.ts";

/** topic null: no such topic (never created, or deleted: a tombstone). */
export interface TopicDoc {
  topic: TopicInfo | null;
  /** Ids of the latest writes (see cas.ts). */
  writes: string[];
}

const ABSENT: TopicDoc = { topic: null, writes: [] };
const clone = (info: TopicInfo): TopicInfo => ({ ...info, configs: { ...info.configs } });

function decodeTopic(bytes: Uint8Array, key: string): TopicDoc {
  let o: { v?: unknown; topic?: Record<string, unknown> | null; writes?: unknown };
  try {
    o = JSON.parse(new TextDecoder().decode(bytes)) as typeof o;
  } catch (e) {
    throw new StorageError("corrupt", `${key} is not JSON`, { cause: e });
  }
  if (o.v !== 1 || !Array.isArray(o.writes) || o.topic === undefined) throw new StorageError("corrupt", `${key} is not a topic`);
  const writes = o.writes.map(String);
  if (o.topic === null) return { topic: null, writes };
  const { name, topicId, partitionCount, replicationFactor, configs } = o.topic;
  if (typeof name !== "string" || typeof topicId !== "string" || typeof partitionCount !== "number" || typeof replicationFactor !== "number" || typeof configs !== "object" || configs === null) {
    throw new StorageError("corrupt", `${key} is not a topic`);
  }
  const strings = Object.fromEntries(Object.entries(configs).map(([k, v]) => [k, String(v)]));
  return { topic: { name, topicId, partitionCount, replicationFactor, configs: strings }, writes };
}

const encodeTopic = (doc: TopicDoc) => new TextEncoder().encode(JSON.stringify({ v: 1, topic: doc.topic, writes: doc.writes }));

export class Topics {
  private readonly cache: VersionedCache<TopicDoc>;
  private readonly target: CasTarget<TopicDoc>;
  private readonly checkedAt = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly keys: Keys,
    private readonly maxAgeMs: number,
  ) {
    this.cache = new VersionedCache(store, decodeTopic, ABSENT);
    this.target = {
      store,
      cache: this.cache,
      encode: encodeTopic,
      stamp: (doc, writeId) => ({ ...doc, writes: remembering(doc.writes, writeId) }),
      landed: (doc, writeId) => doc.writes.includes(writeId),
    };
  }

  async create(spec: TopicSpec): Promise<CreateTopicResult> {
    if (!Number.isInteger(spec.partitionCount) || spec.partitionCount < 1) return { errorCode: ErrorCodes.INVALID_PARTITIONS };
    const info: TopicInfo = { ...spec, configs: { ...spec.configs }, topicId: crypto.randomUUID() };
    return compareAndSwap<TopicDoc, CreateTopicResult>(this.target, this.key(spec.name), ({ value }) =>
      value.topic !== null ? { answer: { errorCode: ErrorCodes.TOPIC_ALREADY_EXISTS } } : { write: { ...value, topic: info }, then: () => ({ errorCode: 0, topic: clone(info) }) },
    );
  }

  /** The topic this call deleted (its tombstone is written), else null. */
  async delete(name: string): Promise<TopicInfo | null> {
    return compareAndSwap<TopicDoc, TopicInfo | null>(this.target, this.key(name), ({ value }) => {
      const { topic } = value;
      return topic !== null ? { write: { ...value, topic: null }, then: () => clone(topic) } : { answer: null };
    });
  }

  /** The topic, from a copy at most maxAgeMs old unless `fresh`. */
  async get(name: string, fresh = false): Promise<TopicInfo | null> {
    const key = this.key(name);
    const known = this.cache.peek(key);
    const checked = this.checkedAt.get(key) ?? -Infinity;
    if (!fresh && known?.value.topic != null && performance.now() - checked < this.maxAgeMs) return clone(known.value.topic);
    const now = performance.now();
    const { topic } = (await this.cache.load(key)).value;
    this.checkedAt.set(key, now);
    return topic === null ? null : clone(topic);
  }

  /** Makes the next get() ask the store. */
  stale(name: string): void {
    this.checkedAt.delete(this.key(name));
  }

  /** The cached topic without asking the store: undefined when nothing is cached. */
  peek(name: string): TopicInfo | null | undefined {
    const known = this.cache.peek(this.key(name));
    return known === undefined ? undefined : known.value.topic;
  }

  async list(): Promise<TopicInfo[]> {
    const out: TopicInfo[] = [];
    const loads: Promise<void>[] = [];
    for await (const o of listAll(this.store, this.keys.topicsPrefix())) {
      if (!o.key.endsWith(".json")) continue;
      const known = this.cache.peek(o.key);
      if (known?.etag === o.etag) {
        if (known.value.topic !== null) out.push(clone(known.value.topic));
        continue;
      }
      loads.push(
        this.cache.load(o.key).then(({ value }) => {
          if (value.topic !== null) out.push(clone(value.topic));
        }),
      );
    }
    await Promise.all(loads);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async createPartitions(name: string, partitionCount: number): Promise<ErrorCode> {
    return this.change(name, (info) =>
      !Number.isInteger(partitionCount) || partitionCount <= info.partitionCount ? ErrorCodes.INVALID_PARTITIONS : { ...info, partitionCount },
    );
  }

  async alterConfigs(name: string, changes: Record<string, string | null>): Promise<ErrorCode> {
    return this.change(name, (info) => {
      const configs = { ...info.configs };
      for (const [k, v] of Object.entries(changes)) {
        if (v === null) delete configs[k];
        else configs[k] = v;
      }
      return { ...info, configs };
    });
  }

  private change(name: string, apply: (info: TopicInfo) => TopicInfo | ErrorCode): Promise<ErrorCode> {
    return compareAndSwap<TopicDoc, ErrorCode>(this.target, this.key(name), ({ value }) => {
      if (value.topic === null) return { answer: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION };
      const next = apply(value.topic);
      return typeof next === "number" ? { answer: next } : { write: { ...value, topic: next }, then: () => ErrorCodes.NONE };
    });
  }

  private key(name: string): string {
    return this.keys.topic(name);
  }
}
