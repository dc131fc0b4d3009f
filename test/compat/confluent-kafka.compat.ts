// confluent-kafka-python 1.7.0 (librdkafka 2.0.2): AdminClient creates and deletes the topic;
// per-record headers and explicit timestamps; every codec under acks 0, 1 and all; Consumer.assign
// from OFFSET_BEGINNING; get_watermark_offsets and offsets_for_times.

import { librdkafkaCodec, librdkafkaCodecLabel } from "./support/librdkafka.ts";
import { pythonClient } from "./support/python-client.ts";
import { roundTripSuite } from "./support/suite.ts";

roundTripSuite(
  pythonClient({
    name: "confluent-kafka",
    script: "confluent_client.py",
    codecs: ["none", "gzip", "snappy", "lz4", "zstd"],
    effectiveCodec: librdkafkaCodec,
    codecLabel: librdkafkaCodecLabel,
    shape: { perRecordHeaders: true, explicitTimestamps: true, nullHeaderValues: true, nullKeyAndValue: true },
    // auto-created topics get 1 partition, so a 3-partition topic proves CreateTopics worked
    brokerArgs: [],
    versionExpression: "__import__('confluent_kafka').version()[0]",
  }),
  "1.7.0",
);
