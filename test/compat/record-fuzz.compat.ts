// Damaged record batches against a real broker, read back by kafka-python 2.0.2 (whose record
// reader mirrors the Java client's and raises CorruptRecordException on what it cannot parse): a
// raw producer sends a few hundred batches in every codec, most with bits flipped or bytes set
// inside their records (CRC recomputed, so only record validation can catch them), the rest valid.
// The broker refuses what it must with Kafka's codes and stores the others; kafka-python then reads
// the whole topic from the beginning and gets exactly the records of the accepted batches.
//
// kafka-python reads only the codecs it has modules for (gzip here; snappy, lz4 and zstd with
// theirs): batches in the others go to a second topic, read back by the project's own client.
// Two things Kafka stores and kafka-python misreads are not sent to its topic: a record attributes
// byte ≥ 0x80 (kafka-python reads that int8 as a varint) and a header key that is not UTF-8
// (kafka-python decodes it strictly; Java does not).

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect, fetchRecords, type KafkaClient, topicPartitions } from "../../src/client/index.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { ProduceApi } from "../../src/protocol/generated/index.ts";
import { type Codec, CODECS, decodeBatch, encodeBatch, type KafkaRecord } from "../../src/protocol/records/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { damagedBatch, randomRecords } from "../protocol/records/damage.ts";
import { Prng } from "../protocol/records/helpers.ts";
import { python, kafkaPythonCodecs } from "./support/python.ts";

const BATCHES = 500;
const READABLE = "record-fuzz";
const OTHERS = "record-fuzz-other-codecs";
const readable = new Set(kafkaPythonCodecs());

let broker: TestBroker;
let client: KafkaClient;
beforeAll(async () => {
  broker = await startBroker(["--num-partitions", "1"]);
  client = await connect(broker.bootstrap);
  for (const topic of [READABLE, OTHERS]) await topicPartitions(client, topic, true);
});
afterAll(async () => {
  await client.close();
  if (broker.running()) expect(await broker.stop()).toBe(0);
});

/** A record as kafka-python's dump writes it: bytes as hex. */
interface Dumped {
  o: number;
  ts: number;
  k: string | null;
  v: string | null;
  h: [string, string | null][];
}

const hex = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString("hex"));

function dumped(r: KafkaRecord, offset: number): Dumped {
  return { o: offset, ts: r.timestamp, k: hex(r.key), v: hex(r.value), h: r.headers.map((h) => [h.key, hex(h.value)]) };
}

/** Whether kafka-python can read every record of a batch that decodes (see the header). */
function kafkaPythonReads(batch: Uint8Array): boolean {
  try {
    return decodeBatch(batch).records.every((r) => (r.attributes & 0x80) === 0 && r.headers.every((h) => !h.key.includes("\ufffd")));
  } catch {
    return true;
  }
}

function nextBatch(rng: Prng, codec: Codec): Uint8Array {
  if (rng.int(0, 3) === 0) return encodeBatch(randomRecords(rng), { codec });
  for (;;) {
    const { batch } = damagedBatch(rng, codec);
    if (!readable.has(codec) || kafkaPythonReads(batch)) return batch;
  }
}

async function produce(topic: string, batch: Uint8Array): Promise<{ errorCode: number; baseOffset: bigint }> {
  const response = await client.request(ProduceApi, () => ({ transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] }));
  return response.responses[0]!.partitionResponses[0]!;
}

test(`${BATCHES} damaged and valid batches in every codec; kafka-python reads exactly the accepted records`, async () => {
  const rng = new Prng(0xf022);
  const expected = new Map<string, Dumped[]>([
    [READABLE, []],
    [OTHERS, []],
  ]);
  const answers = new Map<number, number>();
  for (let i = 0; i < BATCHES; i++) {
    const codec = CODECS[i % CODECS.length]!;
    const topic = readable.has(codec) ? READABLE : OTHERS;
    const batch = nextBatch(rng, codec);
    const { errorCode, baseOffset } = await produce(topic, batch.slice());
    answers.set(errorCode, (answers.get(errorCode) ?? 0) + 1);
    if (errorCode !== ErrorCodes.NONE) continue;
    // the broker may re-number offsetDeltas; keys, values, headers and timestamps stay
    const records = decodeBatch(batch).records;
    expected.get(topic)!.push(...records.map((r, j) => dumped(r, Number(baseOffset) + j)));
  }
  // only record validation can refuse these (CRCs are right): malformed records, or compressed bytes that do not decompress
  expect([...answers.keys()].sort((a, b) => a - b)).toEqual([ErrorCodes.UNKNOWN_SERVER_ERROR, ErrorCodes.NONE, ErrorCodes.INVALID_RECORD]);
  expect(answers.get(ErrorCodes.NONE)).toBeGreaterThan(BATCHES / 4);
  expect(answers.get(ErrorCodes.INVALID_RECORD)).toBeGreaterThan(BATCHES / 4);

  const dir = mkdtempSync(join(tmpdir(), "tansu-record-fuzz-"));
  try {
    const out = join(dir, "dump.jsonl");
    const result = await python<{ dumped: number; end: number }>("kafka_python_client.py", "dump", { bootstrap: broker.bootstrap, topic: READABLE, out });
    const read = readFileSync(out, "utf8").trimEnd().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Dumped);
    expect(result.end).toBe(expected.get(READABLE)!.length);
    expect(read).toEqual(expected.get(READABLE)!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const { leader } = (await topicPartitions(client, OTHERS)).partitions[0]!;
  const own: Dumped[] = [];
  for (let offset = 0n; ; ) {
    const { records, positions } = await fetchRecords(client, OTHERS, [{ partition: 0, leader, offset }], { maxWaitMs: 100 });
    if (records.length === 0) break;
    own.push(...records.map((r) => dumped(r, r.offset)));
    offset = positions.get(0)!;
  }
  expect(own).toEqual(expected.get(OTHERS)!);
});
