// One client connection's Produce requests when --produce-linger-ms is on. A request that may be
// coalesced (v3+, record batches; acks 1 or -1, since acks=0 gets no answer to share out; no
// transactionalId) goes to its lane (produce-batches.ts); any other goes on as sent. Requests in
// one lane reach the broker in the order sent; a request for another lane than the one before it
// waits until every earlier Produce of the connection is answered, so none overtakes another.

import type { Address } from "../client/address.ts";
import { decodeRequest } from "../protocol/frame.ts";
import { ProduceApi, type ProduceRequest } from "../protocol/generated/produce.ts";
import type { RequestPrefix } from "./peek.ts";
import type { ProduceBatches } from "./produce-batches.ts";

const AS_SENT = "as sent";

/** Record batches (magic 2) came with Produce v3. */
const FIRST_BATCH_VERSION = 3;

function coalescible(frame: Uint8Array, prefix: RequestPrefix): ProduceRequest | null {
  if (prefix.apiVersion < FIRST_BATCH_VERSION) return null;
  const decoded = decodeRequest(frame, (key) => (key === ProduceApi.apiKey ? ProduceApi : undefined));
  if (!decoded.ok) return null;
  const request = decoded.body as ProduceRequest;
  return request.acks !== 0 && request.transactionalId === null ? request : null;
}

export class ProduceClient {
  private readonly id: number;
  private lane: string | null = null;
  /** Settles once the connection's latest Produce has been handed on. */
  private handed: Promise<void> = Promise.resolve();
  private readonly unanswered = new Set<Promise<unknown>>();

  constructor(private readonly batches: ProduceBatches) {
    this.id = batches.newClient();
  }

  /** `asSent` forwards the request unchanged; resolves with the client's response frame, null for acks=0. */
  send(address: Address, frame: Uint8Array, prefix: RequestPrefix, asSent: () => Promise<Uint8Array | null>): Promise<Uint8Array | null> {
    const request = coalescible(frame, prefix);
    const lane = request === null ? AS_SENT : this.batches.laneKey(address, prefix.apiVersion, request);
    const earlier = this.lane !== null && this.lane !== lane ? [...this.unanswered] : [];
    this.lane = lane;
    const previous = this.handed;
    let handedOn!: () => void;
    this.handed = new Promise<void>((resolve) => (handedOn = resolve));
    const ready = earlier.length === 0 ? previous : previous.then(() => Promise.allSettled(earlier));
    const answer = ready.then(() => {
      try {
        return request === null ? asSent() : this.batches.produce(this.id, address, request, prefix);
      } finally {
        handedOn();
      }
    });
    this.unanswered.add(answer);
    const forget = () => this.unanswered.delete(answer);
    answer.then(forget, forget);
    return answer;
  }

  /** The connection has closed: its batches that have not gone are dropped. */
  withdraw(): void {
    this.batches.withdraw(this.id);
  }
}
