// The consumer protocol's opaque bytes (Kafka's ConsumerProtocolAssignment, every version starts
// with an int16 version and the assigned partitions), decoded for display.

import { Reader } from "../protocol/primitives.ts";

export interface AssignedTopic {
  topic: string;
  partitions: number[];
}

/** null when the bytes are not a consumer protocol assignment. */
export function decodeAssignment(bytes: Uint8Array): AssignedTopic[] | null {
  if (bytes.byteLength === 0) return [];
  try {
    const r = new Reader(bytes);
    r.int16();
    const topics = r.arrayLength();
    return Array.from({ length: Math.max(topics, 0) }, () => {
      const topic = r.string();
      const n = r.arrayLength();
      return { topic, partitions: Array.from({ length: Math.max(n, 0) }, () => r.int32()) };
    });
  } catch {
    return null;
  }
}
