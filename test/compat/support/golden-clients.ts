// What each client does while the capturing proxy listens, for test/compat/golden.compat.ts:
// produce a few records with each codec (recording what was sent and the codec the batches must
// carry), consume them, ask for metadata and offsets, create and delete a topic.

import { expect } from "bun:test";
import { rmSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { librdkafkaCodec, librdkafkaCodecLabel } from "./librdkafka.ts";
import { kcatConsume, kcatMetadata, kcatProduce, kcatQuery } from "./kcat.ts";
import { python, type Script } from "./python.ts";
import { makeRecords, type RecordShape, runHeaders, type SentRecord, toJsonLines } from "./records.ts";

export const RECORDS = 20;

export interface Scenario {
  name: string;
  /** Produce scenarios: what was sent, the codec asked for and the codec the batches must carry. */
  sent?: { records: SentRecord[]; codec: string; expected: string };
  run(bootstrap: string): Promise<void>;
}

export interface GoldenClient {
  dir: string;
  description: string;
  scenarios: Scenario[];
  /** How a test name states a codec. */
  label(codec: string): string;
}

function produceScenario(codec: string, expected: string, index: number, shape: RecordShape, send: (bootstrap: string, records: SentRecord[]) => Promise<void>): Scenario {
  const name = `produce-${codec}`;
  const records = makeRecords(name, index, RECORDS, shape);
  return { name, sent: { records, codec, expected }, run: (bootstrap) => send(bootstrap, records) };
}

async function withRecordFile<T>(records: readonly SentRecord[], use: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "tansu-golden-"));
  try {
    const file = join(dir, "records.jsonl");
    writeFileSync(file, toJsonLines(records));
    return await use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pythonScenarios(script: Script, topic: string, codecs: readonly string[], effective: (codec: string) => string, shape: RecordShape, config: Record<string, boolean> = {}): Scenario[] {
  const produce = (codec: string, i: number) =>
    produceScenario(codec, effective(codec), i, shape, (bootstrap, records) =>
      withRecordFile(records, (file) => python(script, "produce", { bootstrap, topic, records: file, codec, acks: "all", config })).then(() => undefined),
    );
  const out = join(tmpdir(), `tansu-golden-${script}-${process.pid}.jsonl`);
  return [
    { name: "admin-create", run: (bootstrap) => python(script, "create", { bootstrap, topic, partitions: 1 }).then(() => undefined) },
    ...codecs.map(produce),
    {
      name: "consume",
      run: (bootstrap) => python(script, "consume", { bootstrap, topic, partitions: 1, expect: codecs.length * RECORDS, out }).finally(() => rmSync(out, { force: true })).then(() => undefined),
    },
    { name: "offsets", run: (bootstrap) => python(script, "offsets", { bootstrap, topic, partitions: 1, timestamps: [0, Date.now()] }).then(() => undefined) },
    { name: "admin-delete", run: (bootstrap) => python(script, "delete", { bootstrap, topic }).then(() => undefined) },
  ];
}

const KCAT_SHAPE: RecordShape = { perRecordHeaders: false, explicitTimestamps: false, nullHeaderValues: true, nullKeyAndValue: true };
const KCAT_CODECS = ["none", "gzip", "snappy", "lz4", "zstd"];

export const GOLDEN_CLIENTS: GoldenClient[] = [
  {
    dir: "kcat",
    description: "kcat 1.7.1 (librdkafka 2.0.2)",
    label: librdkafkaCodecLabel,
    scenarios: [
      ...KCAT_CODECS.map((codec, i) =>
        produceScenario(codec, librdkafkaCodec(codec), i, KCAT_SHAPE, async (bootstrap, records) => {
          const run = `produce-${codec}`;
          await kcatProduce(bootstrap, { topic: "golden-kcat", records, headers: runHeaders(run), codec, acks: "all" });
        }),
      ),
      {
        name: "consume",
        run: async (bootstrap) => {
          expect((await kcatConsume(bootstrap, "golden-kcat")).length).toBe(KCAT_CODECS.length * RECORDS);
        },
      },
      { name: "metadata", run: (bootstrap) => kcatMetadata(bootstrap).then(() => undefined) },
      { name: "query", run: (bootstrap) => kcatQuery(bootstrap, "golden-kcat", 1, Date.now() - 60_000).then(() => undefined) },
    ],
  },
  {
    dir: "kafka-python",
    description: "kafka-python 2.0.2",
    label: (codec) => codec,
    // gzip is the one codec kafka-python 2.0.2 has without extra Python modules
    scenarios: pythonScenarios("kafka_python_client.py", "golden-kafka-python", ["none", "gzip"], (codec) => codec, {
      perRecordHeaders: true,
      explicitTimestamps: true,
      nullHeaderValues: false,
      nullKeyAndValue: false,
    }),
  },
  {
    dir: "confluent-kafka",
    description: "confluent-kafka-python 1.7.0 (librdkafka 2.0.2), idempotent producer",
    label: librdkafkaCodecLabel,
    scenarios: pythonScenarios(
      "confluent_client.py",
      "golden-confluent-kafka",
      ["gzip", "snappy", "lz4", "zstd"],
      librdkafkaCodec,
      { perRecordHeaders: true, explicitTimestamps: true, nullHeaderValues: true, nullKeyAndValue: true },
      { "enable.idempotence": true },
    ),
  },
];
