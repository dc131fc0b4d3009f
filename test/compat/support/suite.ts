// The round trip every client goes through: create a 3-partition topic, produce a run of records
// per codec and acks setting, consume everything from the beginning and check it record by
// record, ask ListOffsets for earliest, latest and by timestamp, delete the topic.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startBroker, type TestBroker } from "../../support/broker.ts";
import { kcatMetadata } from "./kcat.ts";
import { expectedEnds, offsetForTime, probeTimestamps } from "./offsets.ts";
import { type ConsumedRecord, type Header, makeRecords, type RecordShape, runHeaders, type SentRecord } from "./records.ts";
import { checkLog, type Window } from "./verify.ts";

export const PARTITIONS = 3;
export const RECORDS_PER_RUN = 10_000;
export const ACKS = ["0", "1", "all"] as const;

export interface ProduceRun {
  topic: string;
  records: readonly SentRecord[];
  /** For clients whose headers are per run (kcat -H). */
  headers: readonly Header[];
  codec: string;
  acks: string;
}

export interface OffsetsAnswer {
  earliest: number[];
  latest: number[];
  /** Timestamp → offset per partition (-1: no record at or after it). */
  times: Record<string, number[]>;
}

export interface ClientUnderTest {
  name: string;
  shape: RecordShape;
  codecs: readonly string[];
  /** The codec the client really sends when asked for `codec` (librdkafka quietly falls back to none). */
  effectiveCodec?(codec: string): string;
  /** How a test name states the codec, e.g. "lz4 (sent uncompressed: …)". */
  codecLabel?(codec: string): string;
  /** Broker flags, e.g. --num-partitions 3 for a client that cannot create topics. */
  brokerArgs: readonly string[];
  version(): Promise<string>;
  createTopic(bootstrap: string, topic: string, partitions: number): Promise<void>;
  produce(bootstrap: string, run: ProduceRun): Promise<{ delivered: number }>;
  /** Waits for `expect` records to be stored (acks=0 ones land late), then reads every partition to its end. */
  consume(bootstrap: string, topic: string, partitions: number, expect: number): Promise<ConsumedRecord[]>;
  offsets(bootstrap: string, topic: string, partitions: number, timestamps: readonly number[]): Promise<OffsetsAnswer>;
  deleteTopic(bootstrap: string, topic: string): Promise<void>;
  /** Who deletes the topic, for the test's name (kcat cannot). */
  deleteWith: string;
  /** Topic → partition count, from Metadata for all topics. */
  topics(bootstrap: string): Promise<Map<string, number>>;
}

/** "codecs: none, gzip, zstd; lz4 sent uncompressed" */
function codecsThatRan(client: ClientUnderTest): string {
  const effective = (c: string) => client.effectiveCodec?.(c) ?? c;
  const ran = [...new Set(client.codecs.map(effective))];
  const fellBack = client.codecs.filter((c) => effective(c) !== c);
  return `codecs: ${ran.join(", ")}${fellBack.length > 0 ? `; ${fellBack.join(", ")} sent uncompressed` : ""}`;
}

export function roundTripSuite(client: ClientUnderTest, expectedVersion: string): void {
  const label = (codec: string) => client.codecLabel?.(codec) ?? codec;
  describe(client.name, () => {
    let broker: TestBroker;
    const topic = `compat-${client.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`;
    const sent: SentRecord[] = [];
    const windows = new Map<string, Window>();
    let consumed: ConsumedRecord[] = [];

    beforeAll(async () => {
      broker = await startBroker([...client.brokerArgs]);
    });
    afterAll(async () => {
      expect(await broker.stop()).toBe(0);
    });

    test("is installed", async () => {
      expect(await client.version()).toContain(expectedVersion);
    });

    test(`creates a ${PARTITIONS}-partition topic`, async () => {
      await client.createTopic(broker.bootstrap, topic, PARTITIONS);
      expect((await client.topics(broker.bootstrap)).get(topic)).toBe(PARTITIONS);
    });

    let runIndex = 0;
    for (const codec of client.codecs) {
      for (const acks of ACKS) {
        const run = `${codec}-acks${acks}`;
        const records = makeRecords(run, runIndex++, RECORDS_PER_RUN, client.shape);
        test(`produces ${RECORDS_PER_RUN} records with ${label(codec)}, acks=${acks}`, async () => {
          const from = Date.now();
          const { delivered } = await client.produce(broker.bootstrap, { topic, records, headers: runHeaders(run), codec, acks });
          windows.set(run, { from, to: Date.now() });
          sent.push(...records);
          expect(delivered).toBe(records.length);
        });
      }
    }

    test(`consumes every record from the beginning of each partition (${codecsThatRan(client)})`, async () => {
      consumed = await client.consume(broker.bootstrap, topic, PARTITIONS, sent.length);
      expect(checkLog(sent, consumed, PARTITIONS, windows)).toEqual([]);
      expect(consumed.length).toBe(client.codecs.length * ACKS.length * RECORDS_PER_RUN);
      // every partition has records: keyed and null-key records both spread
      for (const ends of expectedEnds(consumed, PARTITIONS)) expect(ends.latest).toBeGreaterThan(0);
    });

    test("ListOffsets: earliest, latest and by timestamp", async () => {
      expect(consumed.length).toBeGreaterThan(0);
      const timestamps = probeTimestamps(consumed);
      const answer = await client.offsets(broker.bootstrap, topic, PARTITIONS, timestamps);
      const ends = expectedEnds(consumed, PARTITIONS);
      expect(answer.earliest).toEqual(ends.map((e) => e.earliest));
      expect(answer.latest).toEqual(ends.map((e) => e.latest));
      const want: Record<string, number[]> = {};
      for (const ts of timestamps) want[String(ts)] = ends.map((_, p) => offsetForTime(consumed, p, ts));
      expect(answer.times).toEqual(want);
    });

    test(`deletes the topic with ${client.deleteWith}; it leaves the metadata (and kcat -L)`, async () => {
      await client.deleteTopic(broker.bootstrap, topic);
      expect((await client.topics(broker.bootstrap)).has(topic)).toBe(false);
      expect((await kcatMetadata(broker.bootstrap)).topics.map((t) => t.topic)).not.toContain(topic);
    });
  });
}
