// The record batch that stores a transaction marker. Kafka's control record: key = version i16 (0)
// + type i16 (0 ABORT, 1 COMMIT); value = version i16 (0) + coordinatorEpoch i32. The batch is
// transactional and control, one record, no sequence; clients skip it when they read.

import { encodeBatch } from "../protocol/records/index.ts";
import type { AppendBatch, TxnMarker } from "./engine.ts";

export const ABORT_MARKER = 0;
export const COMMIT_MARKER = 1;

export function controlBatch(marker: TxnMarker, timestamp: number): AppendBatch {
  const key = new Uint8Array(4);
  new DataView(key.buffer).setInt16(2, marker.commit ? COMMIT_MARKER : ABORT_MARKER);
  const value = new Uint8Array(6);
  new DataView(value.buffer).setInt32(2, marker.coordinatorEpoch);
  const bytes = encodeBatch([{ key, value, timestamp }], {
    transactional: true,
    control: true,
    producerId: marker.producerId,
    producerEpoch: marker.producerEpoch,
    baseSequence: -1,
  });
  return {
    bytes,
    meta: {
      recordCount: 1,
      baseTimestamp: timestamp,
      maxTimestamp: timestamp,
      producerId: marker.producerId,
      producerEpoch: marker.producerEpoch,
      baseSequence: -1,
      isTransactional: true,
      isControl: true,
      verificationGuard: marker.verificationGuard,
    },
  };
}
