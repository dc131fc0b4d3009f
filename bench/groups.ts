// Consumer group formation (run by hand: bun bench/groups.ts [runs]).
// Time from the first JoinGroup (the group appearing in storage) to all members Stable (the group
// Stable with every member and every member's SyncGroup answered), for 1, 3 and 10 kafkajs
// consumers started at once, with group.initial.rebalance.delay.ms=0, on one broker and on three
// in-process brokers over one memory engine (consumer i talks only to broker i mod 3). With no
// initial delay the first member forms a generation alone; members already Stable learn of a
// rebalance from their next heartbeat, so kafkajs's heartbeatInterval (default 3000 ms) bounds
// the result: both the default and 100 ms are measured. Median of `runs` (default 3).

import { Kafka, logLevel } from "kafkajs";
import { parseGroup } from "../src/groups/coordinator.ts";
import { type Cluster, startCluster } from "../test/support/cluster.ts";

const RUNS = Number(process.argv[2] ?? 3);
const TOPIC = "bench";

interface Formation {
  ms: number;
  generations: number;
}

/** Resolves when the group first exists, and then when it is Stable with `members` members all synced. */
async function watch(cluster: Cluster, groupId: string, members: number): Promise<Formation> {
  const { engine } = cluster;
  await engine.waitForGroupChange(groupId, null, 60_000);
  const t0 = performance.now();
  for (let version: string | null = null; ; ) {
    const stored = await engine.getGroup(groupId);
    if (stored !== null) {
      const group = parseGroup(stored);
      if (group.state === "Stable" && group.members.length === members && group.pendingSync.length === 0) {
        return { ms: performance.now() - t0, generations: group.generationId };
      }
    }
    version = stored?.version ?? null;
    await engine.waitForGroupChange(groupId, version, 60_000);
  }
}

async function form(brokers: number, members: number, heartbeatInterval: number, run: number): Promise<Formation> {
  const cluster = await startCluster(brokers, ["--group-initial-rebalance-delay-ms", "0"]);
  const bootstrap = cluster.brokers.map((b) => cluster.bootstrap(b));
  const kafka = (i: number) => new Kafka({ clientId: `bench-${i}`, brokers: [bootstrap[i % brokers] ?? ""], logLevel: logLevel.NOTHING });
  const admin = kafka(0).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 30 }] });
  await admin.disconnect();
  const groupId = `bench-${brokers}-${members}-${heartbeatInterval}-${run}`;
  const consumers = Array.from({ length: members }, (_, i) => kafka(i).consumer({ groupId, heartbeatInterval, maxWaitTimeInMs: 100 }));
  await Promise.all(consumers.map((c) => c.connect()));
  const formed = watch(cluster, groupId, members);
  await Promise.all(
    consumers.map(async (c) => {
      await c.subscribe({ topic: TOPIC });
      await c.run({ eachMessage: async () => {} });
    }),
  );
  const result = await formed;
  await Promise.all(consumers.map((c) => c.disconnect()));
  await cluster.close();
  return result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

console.log(`kafkajs consumer group formation, initial rebalance delay 0, median of ${RUNS} runs`);
console.log("members  brokers  heartbeat ms  to Stable ms  generations");
for (const heartbeatInterval of [3000, 100]) {
  for (const brokers of [1, 3]) {
    for (const members of [1, 3, 10]) {
      const runs: Formation[] = [];
      for (let run = 0; run < RUNS; run++) runs.push(await form(brokers, members, heartbeatInterval, run));
      const ms = median(runs.map((r) => r.ms));
      const generations = median(runs.map((r) => r.generations));
      console.log(`${String(members).padStart(7)}  ${String(brokers).padStart(7)}  ${String(heartbeatInterval).padStart(12)}  ${ms.toFixed(0).padStart(12)}  ${String(generations).padStart(11)}`);
    }
  }
}
