// The codec librdkafka 2.0.2 (kcat, confluent-kafka) really puts in a batch, which depends on the
// broker's ApiVersions (rdkafka_msgset_writer.c rd_kafka_msgset_writer_select_caps and
// rdkafka_feature.c): a codec is used only if rd_kafka_broker_ApiVersion_supported(Produce, 0, v)
// finds a version ≤ v (v = 0 for gzip, snappy and lz4, 7 for zstd); lz4 also needs the LZ4 feature
// (FindCoordinator v0), zstd the ZSTD feature (Produce v7 and Fetch v10). Otherwise it quietly
// sends the batch uncompressed. Worked out from the broker's handler registry, so that test names
// say which codecs really ran.

import { handlerRegistry } from "../../../src/handlers/index.ts";

const PRODUCE = 0;
const FETCH = 1;
const FIND_COORDINATOR = 10;

function advertises(apiKey: number, version: number): boolean {
  const h = handlerRegistry().entry(apiKey);
  return h !== undefined && h.minVersion <= version && version <= h.maxVersion;
}

function produceUpTo(version: number): boolean {
  const h = handlerRegistry().entry(PRODUCE);
  return h !== undefined && h.minVersion <= version;
}

/** Why librdkafka 2.0.2 would not use `codec` with this broker, or null if it does. */
export function librdkafkaRefusal(codec: string): string | null {
  switch (codec) {
    case "none":
      return null;
    case "gzip":
    case "snappy":
      return produceUpTo(0) ? null : "the broker's Produce range lacks v0";
    case "lz4":
      if (!produceUpTo(0)) return "the broker's Produce range lacks v0";
      return advertises(FIND_COORDINATOR, 0) ? null : "the broker does not advertise FindCoordinator v0";
    case "zstd":
      return produceUpTo(7) && advertises(PRODUCE, 7) && advertises(FETCH, 10) ? null : "the broker lacks Produce v7 or Fetch v10";
    default:
      return `unknown codec ${codec}`;
  }
}

/** The codec librdkafka 2.0.2 sends when asked for `codec`. */
export function librdkafkaCodec(codec: string): string {
  return librdkafkaRefusal(codec) === null ? codec : "none";
}

/** "lz4" or "lz4 (sent uncompressed: …)", for test names. */
export function librdkafkaCodecLabel(codec: string): string {
  const why = librdkafkaRefusal(codec);
  return why === null ? codec : `${codec} (sent uncompressed: ${why})`;
}
