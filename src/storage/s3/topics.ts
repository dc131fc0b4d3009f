// Topic metadata, one object per topic name. Creation is atomic (If-None-Match: *, or If-Match on
// the tombstone a deleted topic leaves); every change is a compare-and-swap. Deletion writes a
// tombstone rather than deleting, so a racing delete can never remove a topic created again.

import type { CreateTopicResult, TopicInfo, TopicSpec } from "../engine.ts";
import { StorageError } from "../engine.ts";
import { ErrorCodes, type ErrorCode } from "../../protocol/errors.ts";
import { compareAndSwap, type CasTarget } from "./cas.ts";
import type { Keys } from "./keys.ts";
import { listAll, type ObjectStore } from "./store.ts";
import { VersionedCache } from "./versioned.ts";

/** A live topic, a tombstone, or null when there never was one. */
export type TopicDoc = TopicInfo | { name: string; deleted: true } | null;

const isLive = (doc: TopicDoc): doc is TopicInfo => doc !== null && !("deleted" in doc);
const clone = (info: TopicInfo): TopicInfo => ({ ...info, configs: { ...info.configs } });

function decodeTopic(bytes: Uint8Array, key: string): TopicDoc {
  try {
    const o = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    if (o.deleted === true && typeof o.name === "string") return { name: o.name, deleted: true };
    const { name, topicId, partitionCount, replicationFactor, configs } = o;
    if (typeof name === "string" && typeof topicId === "string" && typeof partitionCount === "number" && typeof replicationFactor === "number" && typeof configs === "object" && configs !== null) {
      return { name, topicId, partitionCount, replicationFactor, configs: Object.fromEntries(Object.entries(configs).map(([k, v]) => [k, String(v)])) };
    }
  } catch (e) {
    throw new StorageError("corrupt", `${key} is not JSON`, { cause: e });
  }
  throw new StorageError("corrupt", `${key} is not a topic`);
}

const encodeTopic = (doc: TopicDoc) => new TextEncoder().encode(JSON.stringify(doc));

export class Topics {
  private readonly cache: VersionedCache<TopicDoc>;
  private readonly target: CasTarget<TopicDoc>;
  private readonly checkedAt = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly keys: Keys,
    private readonly maxAgeMs: number,
  ) {
    this.cache = new VersionedCache(store, decodeTopic, null);
    this.target = { store, cache: this.cache, encode: encodeTopic };
  }

  async create(spec: TopicSpec): Promise<CreateTopicResult> {
    if (!Number.isInteger(spec.partitionCount) || spec.partitionCount < 1) return { errorCode: ErrorCodes.INVALID_PARTITIONS };
    const info: TopicInfo = { ...spec, configs: { ...spec.configs }, topicId: crypto.randomUUID() };
    return compareAndSwap<TopicDoc, CreateTopicResult>(this.target, this.key(spec.name), (current) =>
      isLive(current.value) ? { answer: { errorCode: ErrorCodes.TOPIC_ALREADY_EXISTS } } : { write: info, then: () => ({ errorCode: 0, topic: clone(info) }) },
    );
  }

  /** The topic's id if this call deleted it (the tombstone is written), else null. */
  async delete(name: string): Promise<string | null> {
    return compareAndSwap<TopicDoc, string | null>(this.target, this.key(name), (current) => {
      const doc = current.value;
      return isLive(doc) ? { write: { name, deleted: true }, then: () => doc.topicId } : { answer: null };
    });
  }

  /** The topic, from a copy at most maxAgeMs old unless `fresh`. */
  async get(name: string, fresh = false): Promise<TopicInfo | null> {
    const key = this.key(name);
    const known = this.cache.peek(key);
    const checked = this.checkedAt.get(key) ?? -Infinity;
    if (!fresh && known !== undefined && isLive(known.value) && performance.now() - checked < this.maxAgeMs) return clone(known.value);
    const now = performance.now();
    const loaded = await this.cache.load(key);
    this.checkedAt.set(key, now);
    return isLive(loaded.value) ? clone(loaded.value) : null;
  }

  async list(): Promise<TopicInfo[]> {
    const out: TopicInfo[] = [];
    const loads: Promise<void>[] = [];
    for await (const o of listAll(this.store, this.keys.topicsPrefix())) {
      if (!o.key.endsWith(".json")) continue;
      const known = this.cache.peek(o.key);
      if (known?.etag === o.etag) {
        if (isLive(known.value)) out.push(clone(known.value));
        continue;
      }
      loads.push(
        this.cache.load(o.key).then((v) => {
          if (isLive(v.value)) out.push(clone(v.value));
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
    return compareAndSwap<TopicDoc, ErrorCode>(this.target, this.key(name), (current) => {
      if (!isLive(current.value)) return { answer: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION };
      const next = apply(current.value);
      return typeof next === "number" ? { answer: next } : { write: next, then: () => ErrorCodes.NONE };
    });
  }

  private key(name: string): string {
    return this.keys.topic(name);
  }
}
