// Re-checks the request frames captured from kcat, kafka-python and confluent-kafka (stored by
// test/compat/golden.compat.ts under test/fixtures/golden/) without the clients: each decodes and
// re-encodes byte for byte, and each Produce request's batches decode to the stored records.

import { describe, expect, test } from "bun:test";
import { goldenClients, producedRecords, readGolden, reencodeRequest } from "../support/golden.ts";

const EXPECTED_CLIENTS = ["confluent-kafka", "kafka-python", "kcat"];

test("golden fixtures exist for every client", () => {
  expect(goldenClients()).toEqual(EXPECTED_CLIENTS);
});

for (const client of goldenClients()) {
  const { index, frame } = readGolden(client);
  describe(`golden requests from ${index.client}`, () => {
    test("the index lists frames", () => {
      expect(index.frames.length).toBeGreaterThan(0);
      expect(index.frames.some((f) => f.apiKey === 0)).toBe(true);
    });
    for (const f of index.frames) {
      test(`${f.api} v${f.apiVersion} (${f.file}) re-encodes byte for byte`, () => {
        const bytes = frame(f);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        expect(view.getInt32(0)).toBe(bytes.length - 4);
        expect([view.getInt16(4), view.getInt16(6)]).toEqual([f.apiKey, f.apiVersion]);
        expect(Buffer.compare(reencodeRequest(bytes), bytes)).toBe(0);
        if (f.records !== undefined) {
          const { codecs, records } = producedRecords(bytes);
          expect(codecs).toEqual(f.codecs ?? []);
          expect(records).toEqual(f.records);
        }
      });
    }
  });
}
