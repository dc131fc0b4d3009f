// One client's Produce request on its way through a lane (produce-lane.ts): a part per partition,
// each answered on its own, perhaps from different upstream requests, and the client's response, in
// its own version and under its own correlation id, once every part is.

import { encodeResponse } from "../protocol/frame.ts";
import { ProduceApi, type ProduceRequest, type ProduceResponsePartitionProduceResponse } from "../protocol/generated/produce.ts";
import type { RequestPrefix } from "./peek.ts";
import { type MergeableBatch, mergeable } from "./produce-merge.ts";

export type PartitionAnswer = ProduceResponsePartitionProduceResponse;

export interface Part {
  readonly entry: ProduceEntry;
  readonly topic: string;
  readonly partition: number;
  /** The partition's records as the client sent them. */
  readonly records: Uint8Array | null;
  /** The batch's records, read when it first meets another batch; null: sent as it came, never merged. */
  merge(): MergeableBatch | null;
  /** From now on sent as it came. */
  alone(): void;
  readonly bytes: number;
  /** The client and partition: a client's batches for one partition reach the broker in the order sent. */
  readonly stream: string;
}

export class ProduceEntry {
  readonly parts: Part[] = [];
  readonly response: Promise<Uint8Array>;
  private readonly answers = new Map<Part, PartitionAnswer>();
  private throttleTimeMs = 0;
  private resolve!: (frame: Uint8Array) => void;
  private reject!: (e: Error) => void;

  constructor(
    readonly client: number,
    private readonly request: ProduceRequest,
    private readonly prefix: RequestPrefix,
  ) {
    this.response = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    for (const topic of request.topicData) {
      for (const { index, records } of topic.partitionData) {
        const bytes = records?.length ?? 0;
        let merge: MergeableBatch | null | undefined;
        this.parts.push({
          entry: this,
          topic: topic.name,
          partition: index,
          records,
          merge: () => (merge === undefined ? (merge = mergeable(records)) : merge),
          alone: () => (merge = null),
          bytes,
          stream: `${client}\u0000${topic.name}\u0000${index}`,
        });
      }
    }
    if (this.parts.length === 0) this.respond();
  }

  answer(part: Part, answer: PartitionAnswer, throttleTimeMs: number): void {
    this.answers.set(part, { ...answer, index: part.partition });
    this.throttleTimeMs = Math.max(this.throttleTimeMs, throttleTimeMs);
    if (this.answers.size === this.parts.length) this.respond();
  }

  fail(e: Error): void {
    this.reject(e);
  }

  private respond(): void {
    let next = 0;
    const responses = this.request.topicData.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitionData.map(() => this.answers.get(this.parts[next++]!)!),
    }));
    const { apiVersion, correlationId } = this.prefix;
    this.resolve(encodeResponse(ProduceApi, apiVersion, correlationId, { responses, throttleTimeMs: this.throttleTimeMs, nodeEndpoints: [] }));
  }
}
