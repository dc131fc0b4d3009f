import { describe, expect, test } from "bun:test";
import { CODECS, decodeBatch, encodeBatch, filterRecords, readBatchHeader, recordSpans, setBaseOffset } from "../../../src/protocol/records/index.ts";

const text = (s: string) => new TextEncoder().encode(s);

function batch(codec: (typeof CODECS)[number]): Uint8Array {
  const records = Array.from({ length: 9 }, (_, i) => ({
    key: i % 4 === 3 ? null : text(`k${i % 3}`),
    value: i === 5 ? null : text(`value-${i}-${"x".repeat(i * 40)}`),
    headers: i % 2 === 0 ? [{ key: "h", value: text(`${i}`) }] : [],
    timestamp: 1_700_000_000_000 + i * 1000 - (i === 4 ? 5000 : 0),
  }));
  const bytes = encodeBatch(records, { codec, producerId: 42, producerEpoch: 3, baseSequence: 17 });
  setBaseOffset(bytes, 1000);
  return bytes;
}

describe("filterRecords", () => {
  for (const codec of CODECS) {
    test(`${codec}: kept records are byte-identical, at their offsets; the header keeps all but count, length and CRC`, () => {
      const original = batch(codec);
      const spans = recordSpans(original);
      expect(spans.spans.map((s) => s.offset)).toEqual([1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008]);
      expect(spans.spans.map((s) => s.valueIsNull)).toEqual([false, false, false, false, false, true, false, false, false]);
      expect(spans.spans.map((s) => s.keyLength)).toEqual([2, 2, 2, -1, 2, 2, 2, -1, 2]);
      expect(spans.spans[4]!.timestamp).toBe(1_700_000_000_000 - 1000);
      const filtered = filterRecords(original, (_, i) => i % 3 !== 0);
      if (filtered === null) throw new Error("nothing kept");
      const before = decodeBatch(original);
      const after = decodeBatch(filtered); // the CRC is checked
      expect(after.records).toEqual(before.records.filter((_, i) => i % 3 !== 0));
      const h0 = readBatchHeader(original);
      const h1 = readBatchHeader(filtered);
      expect({ ...h1, crc: 0, batchLength: 0, recordCount: 0 }).toEqual({ ...h0, crc: 0, batchLength: 0, recordCount: 0 });
      expect(h1.recordCount).toBe(6);
      expect(h1.codec).toBe(codec);
      expect(filterRecords(original, () => true)).toBe(original);
      expect(filterRecords(original, () => false)).toBeNull();
    });
  }
});
