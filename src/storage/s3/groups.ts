// Consumer groups: one object per group holding its coordinator state, the state's version and the
// group's committed offsets, so deleting a group takes its offsets with it in one compare-and-swap.
// The version is ours (a fresh UUID per write), not the ETag, so offset commits do not disturb the
// coordinator's compare-and-swap on the state. A deleted group leaves a tombstone.

import type { CommittedOffset, GroupWriteResult, StoredGroup, TopicPartition } from "../engine.ts";
import { StorageError } from "../engine.ts";
import { compareAndSwap, remembering, type CasTarget } from "./cas.ts";
import type { Keys } from "./keys.ts";
import { listAll, type ObjectStore } from "./store.ts";
import { VersionedCache } from "./versioned.ts";
import { Watch } from "./watch.ts";

export interface GroupDoc {
  version: string | null;
  state: string | null;
  offsets: CommittedOffset[];
  /** Ids of the latest writes (see cas.ts). */
  writes: string[];
}

const ABSENT: GroupDoc = { version: null, state: null, offsets: [], writes: [] };

function decodeGroup(bytes: Uint8Array, key: string): GroupDoc {
  let o: { v?: unknown; version?: unknown; state?: unknown; offsets?: unknown; writes?: unknown };
  try {
    o = JSON.parse(new TextDecoder().decode(bytes)) as typeof o;
  } catch (e) {
    throw new StorageError("corrupt", `${key} is not JSON`, { cause: e });
  }
  const nullableString = (v: unknown) => v === null || typeof v === "string";
  if (o.v !== 1 || !nullableString(o.version) || !nullableString(o.state) || !Array.isArray(o.offsets) || !Array.isArray(o.writes)) throw new StorageError("corrupt", `${key} is not a group`);
  const offsets = (o.offsets as unknown[][]).map(([topic, partition, offset, leaderEpoch, metadata, commitTimestamp]) => ({
    topic: String(topic),
    partition: Number(partition),
    offset: Number(offset),
    leaderEpoch: Number(leaderEpoch),
    metadata: metadata === null ? null : String(metadata),
    commitTimestamp: Number(commitTimestamp),
  }));
  return { version: o.version as string | null, state: o.state as string | null, offsets, writes: o.writes.map(String) };
}

function encodeGroup(doc: GroupDoc): Uint8Array {
  const offsets = doc.offsets.map((o) => [o.topic, o.partition, o.offset, o.leaderEpoch, o.metadata, o.commitTimestamp]);
  return new TextEncoder().encode(JSON.stringify({ v: 1, version: doc.version, state: doc.state, offsets, writes: doc.writes }));
}

const same = (a: TopicPartition, b: TopicPartition) => a.topic === b.topic && a.partition === b.partition;

export class Groups {
  private readonly cache: VersionedCache<GroupDoc>;
  private readonly target: CasTarget<GroupDoc>;
  private readonly watch: Watch;
  /** Offset commits of one group from this broker go one at a time instead of racing each other. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly keys: Keys,
    pollMs: number,
  ) {
    this.cache = new VersionedCache(store, decodeGroup, ABSENT, (key, before, after) => {
      if ((before?.value.version ?? null) !== after.value.version) this.watch.notify(key);
    });
    this.target = {
      store,
      cache: this.cache,
      encode: encodeGroup,
      stamp: (doc, writeId) => ({ ...doc, writes: remembering(doc.writes, writeId) }),
      landed: (doc, writeId) => doc.writes.includes(writeId),
    };
    this.watch = new Watch(pollMs, (key) => this.cache.load(key));
  }

  async get(groupId: string): Promise<StoredGroup | null> {
    return stored(groupId, (await this.cache.load(this.keys.group(groupId))).value);
  }

  put(groupId: string, state: string, expectedVersion: string | null): Promise<GroupWriteResult> {
    return compareAndSwap<GroupDoc, GroupWriteResult>(this.target, this.keys.group(groupId), ({ value }) => {
      if (value.version !== expectedVersion) return { answer: { ok: false, current: stored(groupId, value) } };
      const version = crypto.randomUUID();
      return { write: { ...value, version, state }, then: () => ({ ok: true, version }) };
    });
  }

  delete(groupId: string, expectedVersion: string): Promise<boolean> {
    return compareAndSwap<GroupDoc, boolean>(this.target, this.keys.group(groupId), ({ value }) =>
      value.version !== expectedVersion || value.state === null ? { answer: false } : { write: { ...ABSENT, writes: value.writes }, then: () => true },
    );
  }

  async list(): Promise<StoredGroup[]> {
    const docs = await this.all();
    return docs.flatMap(([groupId, doc]) => stored(groupId, doc) ?? []);
  }

  async wait(groupId: string, sinceVersion: string | null, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const key = this.keys.group(groupId);
    if ((await this.cache.load(key)).value.version !== sinceVersion) return;
    const changed = new AbortController();
    const waiting = this.watch.wait([key], timeoutMs, signal === undefined ? changed.signal : AbortSignal.any([signal, changed.signal]));
    // A write through this broker may have landed while the load was out.
    if (this.cache.peek(key)?.value.version !== sinceVersion) changed.abort();
    await waiting;
  }

  commit(groupId: string, offsets: readonly CommittedOffset[]): Promise<void> {
    return this.serially(groupId, () =>
      this.rewriteOffsets(groupId, (current) => [...current.filter((c) => !offsets.some((o) => same(o, c))), ...offsets.map((o) => ({ ...o }))]),
    );
  }

  async fetch(groupId: string, partitions: readonly TopicPartition[] | null): Promise<CommittedOffset[]> {
    const { offsets } = (await this.cache.load(this.keys.group(groupId))).value;
    const found = partitions === null ? offsets : partitions.flatMap((p) => offsets.filter((o) => same(o, p)));
    return found.map((o) => ({ ...o }));
  }

  deleteOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<void> {
    return this.serially(groupId, () => this.rewriteOffsets(groupId, (current) => current.filter((o) => !partitions.some((p) => same(o, p)))));
  }

  /** Removes every group's committed offsets of `topic`. */
  async removeTopic(topic: string): Promise<void> {
    const docs = await this.all();
    await Promise.all(
      docs
        .filter(([, doc]) => doc.offsets.some((o) => o.topic === topic))
        .map(([groupId]) => this.serially(groupId, () => this.rewriteOffsets(groupId, (current) => current.filter((o) => o.topic !== topic)))),
    );
  }

  get waiters(): number {
    return this.watch.waiters;
  }

  close(): void {
    this.watch.close();
  }

  private rewriteOffsets(groupId: string, change: (current: CommittedOffset[]) => CommittedOffset[]): Promise<void> {
    return compareAndSwap<GroupDoc, void>(this.target, this.keys.group(groupId), ({ value }) => {
      const offsets = change(value.offsets);
      if (offsets.length === value.offsets.length && offsets.every((o, i) => o === value.offsets[i])) return { answer: undefined };
      return { write: { ...value, offsets }, then: () => undefined };
    });
  }

  private async all(): Promise<[string, GroupDoc][]> {
    const loads: Promise<[string, GroupDoc]>[] = [];
    for await (const o of listAll(this.store, this.keys.groupsPrefix())) {
      if (!o.key.endsWith(".json")) continue;
      const known = this.cache.peek(o.key);
      const groupId = this.keys.groupId(o.key);
      loads.push(known?.etag === o.etag ? Promise.resolve([groupId, known.value]) : this.cache.load(o.key).then((v) => [groupId, v.value]));
    }
    return Promise.all(loads);
  }

  private serially<T>(groupId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(groupId) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => {});
    this.queues.set(groupId, tail);
    void tail.then(() => {
      if (this.queues.get(groupId) === tail) this.queues.delete(groupId);
    });
    return run;
  }
}

function stored(groupId: string, doc: GroupDoc): StoredGroup | null {
  return doc.version === null || doc.state === null ? null : { groupId, version: doc.version, state: doc.state };
}
