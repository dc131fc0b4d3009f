// A million request frames over thousands of raw connections: valid requests of every API and
// version the broker advertises, bit-flipped and truncated ones, random bytes, huge and negative
// length prefixes, and Produce requests whose record batches are bit-flipped (with the CRC made to
// match and without). Afterwards the broker still runs, its memory is back near where it was after
// warm-up, and kcat produces to and consumes from a new topic.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { KafkaClient } from "../../src/client/client.ts";
import { BrokerConnection } from "../../src/client/connection.ts";
import { check } from "../../src/client/errors.ts";
import { type BrokerVersions, brokerVersions } from "../../src/client/versions.ts";
import { CreateTopicsApi, DeleteTopicsApi } from "../../src/protocol/generated/index.ts";
import { ZERO_UUID } from "../../src/protocol/primitives.ts";
import { apiVersionsMs, rssMiB } from "../support/abuse.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { parseMetrics, sample } from "../support/prometheus.ts";
import { buildCorpus } from "./support/fuzz-frames.ts";
import { fuzz, type FuzzOptions, type FuzzStats } from "./support/fuzz-load.ts";
import { kcatConsume, kcatProduce } from "./support/kcat.ts";
import { makeRecords, runHeaders } from "./support/records.ts";
import { checkLog } from "./support/verify.ts";

const SEED = 0x5eed_f022;
const CONNECTIONS = 100;
const FRAMES = 1_000_000;
/**
 * The broker's RSS after 50,000 frames and an idle GC is ~72 MiB; it grows once, by ~20 MiB, over the
 * first few hundred thousand frames (JIT code, heap capacity, allocator pages) and then stays near
 * 100 MiB through 5 million. The baseline is taken once most of that has happened.
 */
const WARM_UP_FRAMES = 500_000;
/** Inline frames per connection script: 1 to this many, then a final frame or the sentinel. */
const MAX_INLINE_FRAMES = 64;
const FINAL_SHARE = 0.6;
/** Long enough that a broker busy with 100 scripts is not taken for one that stopped answering. */
const QUIET_MS = 1_000;
const WARM_UP_DEADLINE_MS = 90_000;
const FUZZ_DEADLINE_MS = 150_000;
/**
 * Bun collects garbage (and gives the memory back) only some seconds after the load stops: 5 to 11 s
 * after these runs. RSS is sampled each second this long after warm-up (the lowest sample is the
 * baseline), and after the fuzz until it is back within bounds or this many seconds passed.
 */
const BASELINE_SECONDS = 15;
const SETTLE_SECONDS = 30;
const MAX_RSS_GROWTH = 0.2;
const PRODUCE_TOPIC = "fuzz-produce";
const PARTITIONS = 3;

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker([], {}, { admin: true });
});
afterAll(async () => {
  if (broker.running()) expect(await broker.stop()).toBe(0);
});

async function advertisedVersions(): Promise<BrokerVersions> {
  const connection = await BrokerConnection.open({ host: "127.0.0.1", port: broker.port }, { clientId: "fuzz-setup", connectTimeoutMs: 10_000, requestTimeoutMs: 10_000, maxResponseBytes: 1 << 20 });
  try {
    return await brokerVersions(connection);
  } finally {
    connection.close();
  }
}

async function withClient<T>(use: (client: KafkaClient) => Promise<T>): Promise<T> {
  const client = await KafkaClient.connect(broker.bootstrap, { clientId: "fuzz-setup" });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

async function createTopic(name: string, partitions: number): Promise<void> {
  await withClient(async (client) => {
    const response = await client.request(CreateTopicsApi, () => ({
      topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 10_000,
      validateOnly: false,
    }));
    const result = response.topics.find((t) => t.name === name);
    check(result?.errorCode ?? -1, `create topic ${name}`, result?.errorMessage ?? null);
  });
}

/** Deletes every topic (the fuzzed requests create some too), so that stored records do not count as memory kept. */
async function deleteAllTopics(): Promise<string[]> {
  return withClient(async (client) => {
    const names = (await client.metadata(null)).topics.flatMap((t) => (t.name === null ? [] : [t.name]));
    if (names.length === 0) return names;
    await client.request(DeleteTopicsApi, () => ({ topics: names.map((name) => ({ name, topicId: ZERO_UUID })), topicNames: names, timeoutMs: 10_000 }));
    return names;
  });
}

async function openConnections(): Promise<number> {
  const text = await (await fetch(`${broker.adminUrl}/metrics`)).text();
  return sample(parseMetrics(text), "tansu_connections_open");
}

/** The broker's RSS each second while it idles, for up to `seconds` or until `enough` says stop. */
async function idleRss(seconds: number, enough: (mib: number) => boolean = () => false): Promise<number[]> {
  const samples: number[] = [];
  while (samples.length < seconds && !enough(samples[samples.length - 1] ?? Infinity)) {
    await Bun.sleep(1000);
    samples.push(rssMiB(broker.pid));
  }
  return samples;
}

const mib = (n: number) => n.toFixed(1);

function summary(s: FuzzStats): string {
  const kinds = Object.entries(s.byKind)
    .map(([k, n]) => `${k}=${n}`)
    .join(" ");
  return (
    `${s.frames} frames (${(s.bytes / 2 ** 20).toFixed(1)} MiB) on ${s.connections} connections in ${s.seconds.toFixed(1)} s; ` +
    `${s.responses} responses (${(s.responseBytes / 2 ** 20).toFixed(1)} MiB); closed by broker ${s.closedByBroker}, sentinel answered ${s.sentinelAnswered}, ` +
    `hung up ${s.hungUp}, quiet ${s.quiet}, connect failures ${s.connectFailures}\n  ${kinds}`
  );
}

describe("protocol fuzzing", () => {
  test(
    "a million valid, mutated and hostile frames leave the broker running, its memory where it was, and kcat working",
    async () => {
      const versions = await advertisedVersions();
      await createTopic(PRODUCE_TOPIC, PARTITIONS);
      const corpus = buildCorpus(versions, PRODUCE_TOPIC, PARTITIONS, SEED);
      console.log(`corpus: ${corpus.requests.length} sample requests of ${versions.size} APIs, ${corpus.produce.length} Produce v${corpus.produceVersions.min}-${corpus.produceVersions.max} requests`);
      const base: Omit<FuzzOptions, "frames" | "firstConnection" | "deadlineMs"> = {
        port: broker.port,
        corpus,
        seed: SEED,
        connections: CONNECTIONS,
        maxInlineFrames: MAX_INLINE_FRAMES,
        finalShare: FINAL_SHARE,
        quietMs: QUIET_MS,
      };

      const warmUp = await fuzz({ ...base, frames: WARM_UP_FRAMES, firstConnection: 0, deadlineMs: WARM_UP_DEADLINE_MS });
      console.log(`warm-up: ${summary(warmUp)}`);
      expect(broker.running()).toBe(true);
      await deleteAllTopics();
      const startRss = await idleRss(BASELINE_SECONDS);
      const baseline = Math.min(...startRss);
      await createTopic(PRODUCE_TOPIC, PARTITIONS);

      let peak = baseline;
      let slowestProbeMs = 0;
      let unansweredProbes = 0;
      let fuzzing = true;
      const probing = (async () => {
        while (fuzzing && broker.running()) {
          const ms = await apiVersionsMs(broker.port, 5_000);
          if (ms === null) unansweredProbes++;
          else slowestProbeMs = Math.max(slowestProbeMs, ms);
          await Bun.sleep(1000);
        }
      })();
      const stats = await fuzz({
        ...base,
        frames: FRAMES,
        firstConnection: warmUp.lastConnection + 1,
        deadlineMs: FUZZ_DEADLINE_MS,
        onTick: (s) => {
          if (broker.running()) peak = Math.max(peak, rssMiB(broker.pid));
          if (Math.round(s.seconds) % 15 === 0) console.log(`  ${s.seconds.toFixed(0)} s: ${s.frames} frames, ${s.connections} connections, RSS ${mib(broker.running() ? rssMiB(broker.pid) : 0)} MiB`);
        },
      });
      fuzzing = false;
      await probing;
      console.log(`fuzz: ${summary(stats)}`);
      console.log(`ApiVersions probes during the fuzz: slowest ${slowestProbeMs.toFixed(0)} ms, unanswered within 5 s: ${unansweredProbes}`);

      expect(broker.running()).toBe(true);
      expect(stats.badResponses).toEqual([]);
      expect(stats.connectFailures).toBe(0);
      expect(stats.frames).toBeGreaterThanOrEqual(FRAMES);
      expect(unansweredProbes).toBe(0);

      // the records the fuzz stored (in memory://) are not memory the broker should give back
      const afterFuzz = rssMiB(broker.pid);
      const deleted = await deleteAllTopics();
      const limit = baseline * (1 + MAX_RSS_GROWTH);
      const endRss = await idleRss(SETTLE_SECONDS, (rss) => rss <= limit);
      const end = Math.min(...endRss);
      console.log(
        `broker RSS (MiB): after warm-up ${mib(baseline)} (idle samples ${startRss.map(mib).join(", ")}), peak ${mib(peak)}, ` +
          `right after the fuzz ${mib(afterFuzz)}; after deleting ${deleted.length} topics and ${endRss.length} s idle ${mib(end)} (samples ${endRss.map(mib).join(", ")})`,
      );

      expect(broker.running()).toBe(true);
      expect((await fetch(`${broker.adminUrl}/health`)).status).toBe(200);
      expect(await openConnections()).toBe(0);
      expect(end).toBeLessThanOrEqual(limit);

      const topic = "after-fuzz";
      const records = makeRecords(topic, 0, 2_000, { perRecordHeaders: false, explicitTimestamps: false, nullHeaderValues: true, nullKeyAndValue: true });
      const window = await kcatProduce(broker.bootstrap, { topic, records, headers: runHeaders(topic), codec: "lz4", acks: "all" });
      const consumed = await kcatConsume(broker.bootstrap, topic);
      expect(checkLog(records, consumed, 1, new Map([[topic, window]]))).toEqual([]);
    },
    240_000,
  );

  test("no request the fuzz sent ended in an internal error", () => {
    // a handler that throws makes dispatch log "request failed" and close the connection; Kafka answers an error code
    const failures = broker
      .logs()
      .split("\n")
      .filter((line) => line.includes(" ERROR request failed "))
      .map((line) => line.replace(/^\S+ /, "").replace(/ client=\S+/, ""));
    const distinct = [...new Set(failures)].map((f) => `${failures.filter((x) => x === f).length}x ${f}`);
    expect(distinct).toEqual([]);
  });
});
