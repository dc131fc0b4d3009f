import { decodeBatch } from "./decode.ts";
import { encodeBatch } from "./encode.ts";
import type { BatchHeader } from "./header.ts";

/**
 * The batch re-encoded with each record's offsetDelta set to its index, as Kafka rebuilds a
 * produced compressed batch whose inner offsets are not 0..n-1 rather than refusing it
 * (LogValidator: no in-place offset assignment). Keys, values, headers and timestamps are kept;
 * the codec, producer fields and transactional flag too. The result is CreateTime (a
 * LogAppendTime topic's append stamps it afterwards), record attributes 0, CRC recomputed.
 */
export function assignOffsetDeltas(batch: Uint8Array, header: BatchHeader): Uint8Array {
  const { records } = decodeBatch(batch, { verifyCrc: false });
  return encodeBatch(
    records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })),
    {
      codec: header.codec,
      transactional: header.isTransactional,
      partitionLeaderEpoch: header.partitionLeaderEpoch,
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      baseSequence: header.baseSequence,
    },
  );
}
