// An s3:// schema registry end to end: schemas as objects in the project's test S3 server, a broker
// process reading them (HEAD for ETags every 50 ms, GET on change), kafkajs producing.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { type EncodedRecord, SCHEMA_FIXTURES } from "../support/schema-fixtures.ts";
import { type S3Server, startS3Server } from "../support/s3-server/index.ts";

const CHECK_MS = 50;
const [avro, json] = SCHEMA_FIXTURES;
let s3: S3Server;
let s3Client: S3Client;
let broker: TestBroker;
let producer: Producer;

beforeAll(async () => {
  s3 = startS3Server({ buckets: ["schemas"], accessKeyId: "test-key" });
  const credentials = { accessKeyId: "test-key", secretAccessKey: "test-secret" };
  s3Client = new S3Client({ endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials, requestChecksumCalculation: "WHEN_REQUIRED" });
  await put("topics/s3-orders.avsc", avro!.schema);
  broker = await startBroker(["--schema-registry", "s3://schemas/topics", "--schema-registry-check-interval-ms", String(CHECK_MS)], {
    AWS_ENDPOINT: s3.endpoint,
    AWS_ALLOW_HTTP: "true",
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: "us-east-1",
  });
  const kafka = new Kafka({ clientId: "schema-s3", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  producer = kafka.producer();
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  expect(await broker.stop()).toBe(0);
  s3Client.destroy();
  await s3.stop();
});

const put = (key: string, body: string) => s3Client.send(new PutObjectCommand({ Bucket: "schemas", Key: key, Body: body }));
const send = (records: readonly EncodedRecord[]) => producer.send({ topic: "s3-orders", acks: -1, messages: records.map((r) => ({ key: r.key, value: r.value })) });
const outcome = (p: Promise<unknown>) => p.then(() => "stored", (e: unknown) => (e as { type?: string }).type ?? String(e));

test("records are checked against the schema object; a replaced or deleted object is picked up", async () => {
  expect(await outcome(send([avro!.record(1), avro!.record(2)]))).toBe("stored");
  expect(await outcome(send([avro!.record(3), avro!.invalid[0]!.record]))).toBe("INVALID_RECORD");
  await put("topics/s3-orders.avsc", avro!.changedSchema);
  await Bun.sleep(CHECK_MS * 3);
  expect(await outcome(send([avro!.changedRecord(4)]))).toBe("stored");
  expect(await outcome(send([avro!.record(5)]))).toBe("INVALID_RECORD");
  await s3Client.send(new DeleteObjectCommand({ Bucket: "schemas", Key: "topics/s3-orders.avsc" }));
  await put("topics/s3-orders.json", json!.schema);
  await Bun.sleep(CHECK_MS * 3);
  expect(await outcome(send([json!.record(6)]))).toBe("stored");
  expect(await outcome(send([avro!.record(7)]))).toBe("INVALID_RECORD");
  expect(s3.stats.get("HeadObject 200")).toBeGreaterThan(0);
  expect(s3.stats.get("GetObject 200")).toBe(3);
});
