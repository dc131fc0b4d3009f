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

// kafka-python (Debian's python3-kafka) mirrors the Java client's record batch code; without its
// optional codec modules it handles gzip and uncompressed batches.
const PYTHON = "/usr/bin/python3";
const hasKafkaPython = Bun.spawnSync([PYTHON, "-c", "import kafka.record.default_records"], { stderr: "ignore" }).exitCode === 0;

const PY_BUILD = `
import sys
from kafka.record.default_records import DefaultRecordBatchBuilder
codec = int(sys.argv[1])
b = DefaultRecordBatchBuilder(magic=2, compression_type=codec, is_transactional=False,
    producer_id=4242, producer_epoch=3, base_sequence=17, batch_size=1 << 24)
for i in range(200):
    key = None if i % 5 == 0 else ("key-%d" % i).encode()
    value = None if i % 7 == 0 else ('{"n": %d, "text": "%s"}' % (i, "x" * (i % 40))).encode()
    headers = [("h%d" % j, ("v%d" % j).encode()) for j in range(i % 3)]
    b.append(i, timestamp=1700000000000 + i * 3 - (i % 4) * 50, key=key, value=value, headers=headers)
sys.stdout.write(bytes(b.build()).hex())
`;

const PY_READ = `
import sys, json
from kafka.record.default_records import DefaultRecordBatch
batch = DefaultRecordBatch(bytes.fromhex(sys.stdin.read()))
assert batch.validate_crc()
out = {"baseOffset": batch.base_offset, "codec": batch.compression_type, "records": []}
for r in batch:
    out["records"].append([r.offset, r.timestamp, r.key.decode() if r.key is not None else None,
        r.value.decode() if r.value is not None else None, [[k, v.decode()] for k, v in r.headers]])
print(json.dumps(out))
`;

describe.skipIf(!hasKafkaPython).each([["none", 0], ["gzip", 1]] as const)("kafka-python batches (%s)", (codec, id) => {
  test("theirs validate and decode with ours", () => {
    const built = Bun.spawnSync([PYTHON, "-c", PY_BUILD, String(id)]);
    expect(built.exitCode).toBe(0);
    const batch = Uint8Array.from(Buffer.from(built.stdout.toString(), "hex"));
    const header = validateBatch(batch);
    expect(header.codec).toBe(codec);
    expect([header.producerId, header.producerEpoch, header.baseSequence, header.recordCount]).toEqual([4242, 3, 17, 200]);
    const { records } = decodeBatch(batch);
    const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
    expect(text(records[0]!.key)).toBeNull();
    expect(text(records[14]!.value)).toBeNull();
    expect(text(records[13]!.value)).toBe(`{"n": 13, "text": "${"x".repeat(13)}"}`);
    expect(records[13]!.timestamp).toBe(T0 + 13 * 3 - 50);
    expect(records[13]!.headers).toEqual([{ key: "h0", value: bytes("v0") }]);
  });

  test("ours validate and decode with theirs", () => {
    const inputs = jsonValues(200).map((value, i) => ({
      key: i % 5 === 0 ? null : bytes(`key-${i}`),
      value: i % 7 === 0 ? null : value,
      headers: i % 3 === 0 ? [{ key: "h", value: bytes(`v${i}`) }] : [],
      timestamp: T0 + i - (i % 4) * 50,
    }));
    const batch = encodeBatch(inputs, { codec, baseOffset: 500 });
    const read = Bun.spawnSync([PYTHON, "-c", PY_READ], { stdin: Buffer.from(batch.toHex()) });
    expect(read.stderr.toString()).toBe("");
    const theirs = JSON.parse(read.stdout.toString()) as { baseOffset: number; codec: number; records: [number, number, string | null, string | null, [string, string][]][] };
    expect(theirs.baseOffset).toBe(500);
    expect(theirs.codec).toBe(id);
    expect(theirs.records).toEqual(
      inputs.map((r, i) => [
        500 + i,
        r.timestamp,
        r.key === null ? null : new TextDecoder().decode(r.key),
        r.value === null ? null : new TextDecoder().decode(r.value),
        r.headers.map((h) => [h.key, new TextDecoder().decode(h.value!)]),
      ]),
    );
  });
});
