// Produce requests bound for one upstream broker with the same version, acks and timeout, coalesced:
// the first batch to wait starts the linger timer, and when it fires, or once maxBytes wait, the
// waiting batches go as few upstream requests as one batch per partition allows (produce-plan.ts),
// all on one upstream connection, whose broker handles them in the order sent. While a client's
// batch is in a merged batch not answered yet, its next batch for that partition waits: the merged
// batch may be refused for another client's records and its batch sent again (produce-split.ts).

import { ProduceApi, type ProduceRequest, type ProduceRequestTopicProduceData, type ProduceResponse } from "../protocol/generated/produce.ts";
import type { Part, ProduceEntry } from "./produce-entry.ts";
import { mergeBatches } from "./produce-merge.ts";
import { plan, type Slot } from "./produce-plan.ts";
import { splitAnswer } from "./produce-split.ts";
import { UpstreamResponseError } from "./rewrites.ts";
import type { Upstream } from "./upstream.ts";

export interface LaneSettings {
  readonly lingerMs: number;
  readonly maxBytes: number;
  readonly requestTimeoutMs: number;
}

export interface LaneRequest {
  readonly version: number;
  readonly acks: number;
  readonly timeoutMs: number;
}

const reason = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

export class ProduceLane {
  private queue: Part[] = [];
  private queuedBytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Streams (produce-entry.ts) with a batch in a merged batch not answered yet. */
  private readonly merging = new Map<string, number>();
  private sending = 0;

  constructor(
    private readonly request: LaneRequest,
    private readonly settings: LaneSettings,
    private readonly upstream: () => Promise<Upstream>,
    /** Runs when nothing waits or is in flight. */
    private readonly onIdle: () => void,
  ) {}

  produce(entry: ProduceEntry): void {
    if (entry.parts.length === 0) return;
    this.queue.push(...entry.parts);
    this.queuedBytes += entry.parts.reduce((n, p) => n + p.bytes, 0);
    if (this.queuedBytes >= this.settings.maxBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.settings.lingerMs);
  }

  /** Drops a client's batches that have not gone yet: its connection has closed. */
  withdraw(client: number): void {
    this.wait(this.queue.filter((p) => p.entry.client !== client));
    this.idleCheck();
  }

  close(e: Error): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const p of this.queue) p.entry.fail(e);
    this.wait([]);
  }

  private flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (;;) {
      const { slots, rest } = plan(this.queue, (p) => this.merging.has(p.stream), this.settings.maxBytes);
      this.wait(rest);
      if (slots.length === 0) break;
      void this.send(slots);
    }
  }

  private async send(slots: Slot[]): Promise<void> {
    this.sending++;
    const merged = slots.filter((s) => s.parts.length > 1).flatMap((s) => s.parts);
    for (const p of merged) this.merging.set(p.stream, (this.merging.get(p.stream) ?? 0) + 1);
    try {
      const body = this.requestBody(slots);
      const response = await roundTrip(await this.upstream(), this.request.version, body, this.settings.requestTimeoutMs);
      this.wait([...answer(slots, response), ...this.queue]);
    } catch (e) {
      // the failed clients' connections close: their batches still waiting go no further either
      const clients = new Set(slots.flatMap((s) => s.parts.map((p) => p.entry.client)));
      const dropped = this.queue.filter((p) => clients.has(p.entry.client));
      this.wait(this.queue.filter((p) => !clients.has(p.entry.client)));
      for (const p of [...slots.flatMap((s) => s.parts), ...dropped]) p.entry.fail(reason(e));
    } finally {
      for (const p of merged) {
        const n = this.merging.get(p.stream)! - 1;
        if (n === 0) this.merging.delete(p.stream);
        else this.merging.set(p.stream, n);
      }
      this.sending--;
      if (this.queue.length > 0) this.flush();
      this.idleCheck();
    }
  }

  private requestBody(slots: readonly Slot[]): ProduceRequest {
    const topics = new Map<string, ProduceRequestTopicProduceData>();
    for (const { topic, partition, parts } of slots) {
      const records = parts.length === 1 ? parts[0]!.records : mergeBatches(parts.map((p) => p.merge()!));
      const data = topics.get(topic) ?? { name: topic, partitionData: [] };
      topics.set(topic, data);
      data.partitionData.push({ index: partition, records });
    }
    const { acks, timeoutMs } = this.request;
    return { transactionalId: null, acks, timeoutMs, topicData: [...topics.values()] };
  }

  private wait(queue: Part[]): void {
    this.queue = queue;
    this.queuedBytes = queue.reduce((n, p) => n + p.bytes, 0);
  }

  private idleCheck(): void {
    if (this.queue.length === 0 && this.sending === 0) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.onIdle();
    }
  }
}

/** Sends a coalesced request, counted in the proxy's metrics as every request sent upstream is. */
async function roundTrip({ connection, metrics }: Upstream, version: number, body: ProduceRequest, timeoutMs: number): Promise<ProduceResponse> {
  metrics?.countRequest(ProduceApi.apiKey);
  const sent = performance.now();
  try {
    const response = await connection.request(ProduceApi, version, body, timeoutMs);
    metrics?.observeRoundTrip(ProduceApi.apiKey, (performance.now() - sent) / 1000);
    return response;
  } catch (e) {
    metrics?.countUpstreamError(ProduceApi.apiKey);
    throw e;
  }
}

/** Answers every slot's parts from the upstream response; returns the parts to send again. */
function answer(slots: readonly Slot[], response: ProduceResponse): Part[] {
  const answers = new Map(response.responses.flatMap((t) => t.partitionResponses.map((p) => [`${t.name}\u0000${p.index}`, p] as const)));
  const again: Part[] = [];
  for (const slot of slots) {
    const found = answers.get(`${slot.topic}\u0000${slot.partition}`);
    if (found === undefined) throw new UpstreamResponseError(`Produce response has no answer for ${slot.topic}-${slot.partition}`);
    again.push(...splitAnswer(slot.parts, found, response.throttleTimeMs));
  }
  return again;
}
