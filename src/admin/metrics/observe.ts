// Turns what the server reports into BrokerMetrics: requests and latency by API, Kafka error codes
// found anywhere in a response (every `errorCode` field, so handlers need not count their own
// per-partition errors), and the records and bytes that Produce stored and Fetch returned.

import type { FetchResponse } from "../../protocol/generated/fetch.ts";
import type { ProduceRequest, ProduceResponse } from "../../protocol/generated/produce.ts";
import type { ServerObserver } from "../../server/observer.ts";
import { recordCount } from "./batches.ts";
import type { BrokerMetrics } from "./registry.ts";

const PRODUCE = 0;
const FETCH = 1;
const UNKNOWN_SERVER_ERROR = -1;

function countErrors(value: unknown, metrics: BrokerMetrics): void {
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return;
  if (Array.isArray(value)) {
    for (const v of value) countErrors(v, metrics);
    return;
  }
  const fields = value as Record<string, unknown>;
  for (const key in fields) {
    const v = fields[key];
    if (key === "errorCode") {
      if (typeof v === "number" && v !== 0) metrics.countError(v);
    } else if (typeof v === "object") countErrors(v, metrics);
  }
}

/** Partitions answered NONE count; acks=0 (no response) means every partition was stored. */
function countProduced(request: ProduceRequest, response: ProduceResponse | null, metrics: BrokerMetrics): void {
  request.topicData.forEach((t, ti) => {
    const answers = response?.responses[ti]?.partitionResponses;
    t.partitionData.forEach((p, pi) => {
      if (p.records === null || (answers !== undefined && answers[pi]?.errorCode !== 0)) return;
      metrics.producedRecords += recordCount(p.records);
      metrics.producedBytes += p.records.byteLength;
    });
  });
}

function countFetched(response: FetchResponse, metrics: BrokerMetrics): void {
  for (const t of response.responses) {
    for (const p of t.partitions) {
      if (p.records === null || p.records.byteLength === 0) continue;
      metrics.fetchedRecords += recordCount(p.records);
      metrics.fetchedBytes += p.records.byteLength;
    }
  }
}

export function metricsObserver(metrics: BrokerMetrics): ServerObserver {
  return {
    connectionOpened() {
      metrics.connectionsOpen++;
      metrics.connectionsTotal++;
    },
    connectionClosed() {
      metrics.connectionsOpen--;
    },
    requestHandled(apiKey, apiName, version, request, response, seconds) {
      metrics.countRequest(apiKey, apiName, version, seconds);
      if (response === undefined) {
        metrics.countError(UNKNOWN_SERVER_ERROR);
        return;
      }
      countErrors(response, metrics);
      if (apiKey === PRODUCE) countProduced(request as ProduceRequest, response as ProduceResponse | null, metrics);
      else if (apiKey === FETCH && response !== null) countFetched(response as FetchResponse, metrics);
    },
  };
}
