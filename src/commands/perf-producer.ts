// One producer of `tansu perf produce`, shaped like Kafka's: records go round-robin over its
// partitions into one open batch per partition, closed once the next record would pass the batch
// size; a batch goes once closed or lingered, in a Produce request holding at most one batch per
// partition, with at most MAX_IN_FLIGHT requests per broker. Each connection's requests are
// handled in order, so an idempotent producer's sequences reach every partition in order.
// A record's latency runs from its append to its request's answer (acks=0: to the request being
// written, as there is no answer).

import { ClientError, type KafkaClient, type PartitionBatch, type PartitionLeader, produce, type ProducerIdentity, ProducerSequences } from "../client/index.ts";
import { MetadataApi } from "../protocol/generated/metadata.ts";
import { type Codec, encodeBatch, type RecordInput } from "../protocol/records/index.ts";

/** Kafka's max.in.flight.requests.per.connection default, also the most idempotence allows. */
const MAX_IN_FLIGHT = 5;
/** Kafka's max.request.size default. */
const MAX_REQUEST_BYTES = 1 << 20;
/** Kafka's buffer.memory default: appends wait while this much is unacknowledged. */
const BUFFER_BYTES = 32 << 20;
/** A record's bytes in a batch beyond its value, roughly: its length, attributes, deltas, key and value lengths, header count. */
const RECORD_OVERHEAD = 8;

export interface ProducerOptions {
  topic: string;
  partitions: readonly PartitionLeader[];
  acks: -1 | 0 | 1;
  compression: Codec;
  batchSize: number;
  lingerMs: number;
  /** An idempotent producer's id and epoch; null for a plain producer. */
  identity: ProducerIdentity | null;
}

/** Told the append times of each batch's records when it is acknowledged. */
export type Acknowledged = (appendedAt: readonly number[], now: number) => void;

interface Batch {
  partition: number;
  leader: number;
  openedAt: number;
  appendedAt: number[];
  bytes: number;
  closed: boolean;
}

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class PerfProducer {
  /** Per partition, its batches oldest first; only the last may be open. */
  private readonly queues = new Map<number, Batch[]>();
  private readonly inFlight = new Map<number, number>();
  private readonly sequences = new ProducerSequences();
  private readonly record: RecordInput;
  private readonly recordBytes: number;
  private waiters: Waiter[] = [];
  private next = 0;
  private pendingRecords = 0;
  private pendingBytes = 0;
  private drainQueued = false;
  private lingerTimer: ReturnType<typeof setTimeout> | null = null;
  private flushing = false;
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: ProducerOptions,
    private readonly acknowledged: Acknowledged,
    payload: Uint8Array,
  ) {
    for (const p of options.partitions) this.queues.set(p.partition, []);
    this.record = { key: null, value: payload };
    this.recordBytes = RECORD_OVERHEAD + payload.length;
  }

  append(now: number): void {
    const { partition, leader } = this.options.partitions[this.next++ % this.options.partitions.length]!;
    const queue = this.queues.get(partition)!;
    let batch = queue.at(-1);
    if (batch === undefined || batch.closed) {
      batch = { partition, leader, openedAt: now, appendedAt: [], bytes: 0, closed: false };
      queue.push(batch);
    }
    batch.appendedAt.push(now);
    batch.bytes += this.recordBytes;
    batch.closed = batch.bytes + this.recordBytes > this.options.batchSize;
    this.pendingRecords++;
    this.pendingBytes += this.recordBytes;
    if (!this.drainQueued) {
      this.drainQueued = true;
      setImmediate(() => {
        this.drainQueued = false;
        this.drain();
      });
    }
  }

  /** Resolves once unacknowledged records are back under the buffer size; null when they are. */
  room(): Promise<void> | null {
    if (this.failure === null && this.pendingBytes < BUFFER_BYTES) return null;
    return this.until(() => this.pendingBytes < BUFFER_BYTES);
  }

  /** Sends every batch at once and resolves when all are acknowledged. */
  async flush(): Promise<void> {
    this.flushing = true;
    this.drain();
    await this.until(() => this.pendingRecords === 0);
    if (this.options.acks !== 0) return;
    // Nothing answers an acks=0 Produce, but a broker answers a connection's requests in order:
    // the answer to one more request shows it has handled (stored, or refused) every batch before.
    const leaders = new Set(this.options.partitions.map((p) => p.leader));
    const none = { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };
    await Promise.all([...leaders].map((node) => this.client.request(MetadataApi, () => none, { node }))).catch((e: unknown) => {
      throw this.explain(e);
    });
  }

  /** A broker refuses an acks=0 batch by closing the connection: say so. */
  private explain(e: unknown): unknown {
    if (this.options.acks !== 0 || !(e instanceof ClientError) || e.code !== "closed") return e;
    return new ClientError("closed", `${e.message} (with acks=0 a broker closes the connection when it refuses a batch)`);
  }

  private until(ready: () => boolean): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure.error);
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ ready, resolve, reject }));
  }

  private drain(): void {
    if (this.failure !== null) return;
    const now = performance.now();
    for (;;) {
      const requests = new Map<number, { batches: Batch[]; bytes: number }>();
      for (const queue of this.queues.values()) {
        const head = queue[0];
        if (head === undefined || !(head.closed || this.flushing || now - head.openedAt >= this.options.lingerMs)) continue;
        if ((this.inFlight.get(head.leader) ?? 0) >= MAX_IN_FLIGHT) continue;
        const request = requests.get(head.leader) ?? { batches: [], bytes: 0 };
        if (request.batches.length > 0 && request.bytes + head.bytes > MAX_REQUEST_BYTES) continue;
        head.closed = true;
        queue.shift();
        request.batches.push(head);
        request.bytes += head.bytes;
        requests.set(head.leader, request);
      }
      if (requests.size === 0) break;
      for (const [leader, { batches }] of requests) this.send(leader, batches);
    }
    this.armLinger(now);
  }

  /** Wakes the producer when the oldest batch still lingering is due (one already due waits for an answer to make room). */
  private armLinger(now: number): void {
    if (this.lingerTimer !== null || this.flushing) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const queue of this.queues.values()) {
      const head = queue[0];
      if (head !== undefined && !head.closed && head.openedAt + this.options.lingerMs > now) oldest = Math.min(oldest, head.openedAt);
    }
    if (oldest === Number.POSITIVE_INFINITY) return;
    this.lingerTimer = setTimeout(
      () => {
        this.lingerTimer = null;
        this.drain();
      },
      Math.max(0, oldest + this.options.lingerMs - now),
    );
  }

  private send(leader: number, batches: readonly Batch[]): void {
    this.inFlight.set(leader, (this.inFlight.get(leader) ?? 0) + 1);
    const { topic, acks, compression, identity } = this.options;
    let encoded: PartitionBatch[];
    try {
      encoded = batches.map((b) => {
        const count = b.appendedAt.length;
        const producer = identity === null ? {} : { ...identity, baseSequence: this.sequences.take(b.partition, count) };
        return { partition: b.partition, leader, records: encodeBatch(new Array<RecordInput>(count).fill(this.record), { codec: compression, ...producer }) };
      });
    } catch (e) {
      return this.fail(e);
    }
    produce(this.client, topic, encoded, { acks }).then(
      () => {
        const now = performance.now();
        this.inFlight.set(leader, (this.inFlight.get(leader) ?? 1) - 1);
        for (const b of batches) {
          this.pendingRecords -= b.appendedAt.length;
          this.pendingBytes -= b.bytes;
          this.acknowledged(b.appendedAt, now);
        }
        const waiting = this.waiters;
        this.waiters = [];
        for (const w of waiting) {
          if (w.ready()) w.resolve();
          else this.waiters.push(w);
        }
        this.drain();
      },
      (e: unknown) => this.fail(e),
    );
  }

  private fail(error: unknown): void {
    if (this.failure !== null) return;
    this.failure = { error: this.explain(error) };
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    for (const w of this.waiters) w.reject(this.failure.error);
    this.waiters = [];
  }
}
