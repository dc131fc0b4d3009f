// Produce requests checked against topic schemas before they go upstream (--schema-registry). Every
// partition of a topic with a schema is checked as the broker checks it (validate-partition.ts).
// All valid: the client's own bytes go upstream. Otherwise the refused partitions are answered here
// (INVALID_RECORD with record_errors, as a broker answers) and the request is encoded again without
// them; the upstream's answer for the rest is merged in (validate-response.ts). A request whose
// every partition is refused is answered without the upstream. With acks=0 the refused partitions
// are dropped: Kafka gives such a producer no answer to carry the error.

import type { Logger } from "../log.ts";
import { decodeRequest, encodeRequest } from "../protocol/frame.ts";
import { ProduceApi, type ProduceRequest } from "../protocol/generated/produce.ts";
import type { RequestHeader } from "../protocol/header.ts";
import type { SchemaRejection } from "../schema/check-batch.ts";
import type { SchemaLookup, SchemaRegistry } from "../schema/registry.ts";
import { partitionRejection } from "./validate-partition.ts";
import { mergedResponse } from "./validate-response.ts";

export interface ProduceCheck {
  /** What goes upstream in the client's place (size prefix excluded); null when every partition was refused. */
  readonly request: Uint8Array | null;
  /** The client's response (size prefix included) from the upstream's, null when nothing went upstream. */
  respond(upstream: Uint8Array | null): Uint8Array;
}

/** A Produce request the proxy cannot read: its connection closes, as Kafka closes it. */
export class ProduceRequestError extends Error {
  override name = "ProduceRequestError";
}

export class ProduceValidator {
  constructor(
    private readonly schemas: SchemaRegistry,
    private readonly log: Logger,
  ) {}

  /** null: the request goes upstream as the client sent it. Waits only when a topic's schema is due for a check. */
  check(frame: Uint8Array): ProduceCheck | null | Promise<ProduceCheck | null> {
    const decoded = decodeRequest(frame, (apiKey) => (apiKey === ProduceApi.apiKey ? ProduceApi : undefined));
    if (!decoded.ok) {
      // a version outside the codec's is outside the proxy's too: the request is refused before it goes anywhere
      if (decoded.error.code === "unsupported-version") return null;
      throw new ProduceRequestError(`Produce request: ${decoded.error.message}`);
    }
    const request = decoded.body as ProduceRequest;
    const topics = [...new Set(request.topicData.map((t) => t.name))];
    const lookups = topics.map((topic) => this.schemas.lookup(topic));
    const checked = (found: readonly SchemaLookup[]) => this.checked(decoded.header, request, new Map(topics.map((topic, i) => [topic, found[i]!])));
    const cached: SchemaLookup[] = [];
    for (const lookup of lookups) {
      if (lookup instanceof Promise) return Promise.all(lookups).then(checked);
      cached.push(lookup);
    }
    return checked(cached);
  }

  private checked(header: RequestHeader, request: ProduceRequest, found: ReadonlyMap<string, SchemaLookup>): ProduceCheck | null {
    const refused = new Map<string, Map<number, SchemaRejection>>();
    for (const { name, partitionData } of request.topicData) {
      for (const { index, records } of partitionData) {
        const rejection = partitionRejection(found.get(name)!, records);
        if (rejection === null) continue;
        this.log.debug("produce refused by schema", { topic: name, partition: index, error: rejection.errorMessage });
        refused.set(name, (refused.get(name) ?? new Map<number, SchemaRejection>()).set(index, rejection));
      }
    }
    if (refused.size === 0) return null;
    const topicData = request.topicData
      .map((t) => ({ ...t, partitionData: t.partitionData.filter((p) => refused.get(t.name)?.has(p.index) !== true) }))
      .filter((t) => t.partitionData.length > 0);
    return {
      request: topicData.length === 0 ? null : encodeRequest(ProduceApi, header, { ...request, topicData }).subarray(4),
      respond: (upstream) => mergedResponse(request, header.apiVersion, header.correlationId, refused, upstream),
    };
  }
}
