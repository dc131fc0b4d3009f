// kafka-python 2.0.2: KafkaAdminClient creates and deletes the topic; per-record headers and
// explicit timestamps (kafka-python refuses null header values and records with neither key nor
// value, so those shapes are left out); the codecs this installation can do (gzip always; snappy,
// lz4 and zstd only with their Python modules) under acks 0, 1 and all; KafkaConsumer with
// group_id=None and assign(); beginning_offsets, end_offsets and offsets_for_times.

import { pythonClient } from "./support/python-client.ts";
import { kafkaPythonCodecs } from "./support/python.ts";
import { roundTripSuite } from "./support/suite.ts";

roundTripSuite(
  pythonClient({
    name: "kafka-python",
    script: "kafka_python_client.py",
    codecs: kafkaPythonCodecs(),
    shape: { perRecordHeaders: true, explicitTimestamps: true, nullHeaderValues: false, nullKeyAndValue: false },
    brokerArgs: [],
    versionExpression: "__import__('kafka').__version__",
  }),
  "2.0.2",
);
