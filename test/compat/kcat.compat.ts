// kcat 1.7.1 (librdkafka 2.0.2): every codec under acks 0, 1 and all; assign-style consumption with
// -C -o beginning -e; ListOffsets through -Q; metadata through -L. kcat cannot create topics (the
// broker auto-creates them with 3 partitions) nor delete them (confluent-kafka's AdminClient does),
// and its -H headers and send-time timestamps apply to a whole run.

import { KCAT, kcatConsume, kcatMetadata, kcatProduce, kcatQuery, kcatAwaitTotal } from "./support/kcat.ts";
import { librdkafkaCodec, librdkafkaCodecLabel } from "./support/librdkafka.ts";
import { python } from "./support/python.ts";
import { run, runOk } from "./support/run.ts";
import { type ClientUnderTest, roundTripSuite } from "./support/suite.ts";

const kcat: ClientUnderTest = {
  name: "kcat",
  shape: { perRecordHeaders: false, explicitTimestamps: false, nullHeaderValues: true, nullKeyAndValue: true },
  codecs: ["none", "gzip", "snappy", "lz4", "zstd"],
  effectiveCodec: librdkafkaCodec,
  codecLabel: librdkafkaCodecLabel,
  brokerArgs: ["--num-partitions", "3"],
  async version() {
    const { stdout, stderr } = await run([KCAT, "-V"]);
    return stdout + stderr;
  },
  async createTopic(bootstrap, topic) {
    // -L -t asks Metadata for the topic, which auto-creates it (with the broker's --num-partitions)
    await runOk([KCAT, "-b", bootstrap, "-L", "-t", topic], { timeoutMs: 30_000 });
  },
  async produce(bootstrap, r) {
    await kcatProduce(bootstrap, { topic: r.topic, records: r.records, headers: r.headers, codec: r.codec, acks: r.acks });
    return { delivered: r.records.length };
  },
  async consume(bootstrap, topic, partitions, expect) {
    await kcatAwaitTotal(bootstrap, topic, partitions, expect);
    return kcatConsume(bootstrap, topic);
  },
  async offsets(bootstrap, topic, partitions, timestamps) {
    const times: Record<string, number[]> = {};
    for (const ts of timestamps) times[String(ts)] = await kcatQuery(bootstrap, topic, partitions, ts);
    return { earliest: await kcatQuery(bootstrap, topic, partitions, -2), latest: await kcatQuery(bootstrap, topic, partitions, -1), times };
  },
  deleteWith: "confluent-kafka's AdminClient",
  async deleteTopic(bootstrap, topic) {
    await python("confluent_client.py", "delete", { bootstrap, topic });
  },
  async topics(bootstrap) {
    const metadata = await kcatMetadata(bootstrap);
    return new Map(metadata.topics.map((t) => [t.topic, t.partitions.length]));
  },
};

roundTripSuite(kcat, "Version 1.7.1");
