import { describe, expect, test } from "bun:test";
import { createRecordsBatch, readRecordsBatch, Reader } from "@platformatic/kafka";
import { CODECS, decodeBatch, encodeBatch, validateBatch } from "../../../src/protocol/records/index.ts";
import { bytes, jsonValues } from "./helpers.ts";

// @platformatic/kafka (a dev dependency for client tests) has its own record batch code and
// wasm-compiled snappy/lz4: an independent encoder and decoder to check against.

const T0 = 1_700_000_000_000;

describe.each(CODECS)("@platformatic/kafka batches (%s)", (codec) => {
  test("theirs validate and decode with ours", () => {
    const values = jsonValues(50);
    const messages = values.map((value, i) => ({
      topic: "t",
      partition: 0,
      key: Buffer.from(`key-${i}`),
      value: Buffer.from(value),
      headers: new Map([[Buffer.from("h"), Buffer.from(`hv-${i}`)]]),
      timestamp: BigInt(T0 + i),
    }));
    const batch = new Uint8Array(createRecordsBatch(messages, { compression: codec }).buffer);
    const header = validateBatch(batch);
    expect(header.codec).toBe(codec);
    const { records } = decodeBatch(batch);
    expect(records.map((r) => r.value)).toEqual(values);
    expect(records[7]!.key).toEqual(bytes("key-7"));
    expect(records[7]!.headers).toEqual([{ key: "h", value: bytes("hv-7") }]);
    expect(records[7]!.timestamp).toBe(T0 + 7);
  });

  test("ours decode with theirs", () => {
    const values = jsonValues(50);
    const batch = encodeBatch(
      values.map((value, i) => ({ key: bytes(`key-${i}`), value, headers: [{ key: "h", value: bytes("x") }], timestamp: T0 - i })),
      { codec, baseOffset: 77 },
    );
    const theirs = readRecordsBatch(Reader.from(Buffer.from(batch)));
    expect(theirs.firstOffset).toBe(77n);
    expect(theirs.records.length).toBe(50);
    const third = theirs.records[3]!;
    const value: Uint8Array = new Uint8Array(third.value!);
    expect(value).toEqual(values[3]!);
    expect(third.timestampDelta).toBe(-3n);
    expect(third.headers.map(([k, v]) => [new TextDecoder().decode(k!), new TextDecoder().decode(v!)])).toEqual([["h", "x"]]);
  });
});
