// One client's balanced consumers on three broker processes over one SQLite file: three members,
// each bootstrapped on a different broker, split a 6-partition topic; every record is consumed once
// and committed; a member that leaves hands its partitions to the other two at once, one killed
// (no LeaveGroup) to the survivor within the session timeout; committed offsets outlive every
// broker and a rejoining consumer resumes from them.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { TestBroker } from "../../support/broker.ts";
import { checkPhase, consumedSinceMark, keyedRecords, splitEvenly } from "./group-checks.ts";
import type { GroupClient } from "./group-clients.ts";
import { startSqliteCluster, type SqliteCluster } from "./group-cluster.ts";
import { GroupMember } from "./group-member.ts";
import type { SentRecord } from "./records.ts";

const PARTITIONS = 6;
const FIRST = 3_000;
const AFTER_LEAVE = 600;
const AFTER_KILL = 300;
const RESUMED = 300;
const SESSION_TIMEOUT_MS = 6_000;
const HEARTBEAT_INTERVAL_MS = 500;
/** After the last expected record, how long to keep watching for duplicates. */
const LINGER_MS = 500;
const WAIT_MS = 20_000;
const TEST_MS = 45_000;
const BROKER_ARGS = ["--num-partitions", String(PARTITIONS), "--group-initial-rebalance-delay-ms", "0", "--group-min-session-timeout-ms", "1000"];

/** Polls `check` every 50 ms; fails at once without members or when one exits unasked, and after `timeoutMs`. */
async function waitUntil(what: string, members: readonly GroupMember[], check: () => boolean | Promise<boolean>, timeoutMs = WAIT_MS): Promise<number> {
  if (members.length === 0) throw new Error(`waiting for ${what}: no members are running (an earlier step failed)`);
  const since = performance.now();
  for (;;) {
    const failed = members.map((m) => m.failure()).find((f) => f !== null);
    if (failed !== undefined) throw new Error(`waiting for ${what}: ${failed}`);
    if (await check()) return performance.now() - since;
    if (performance.now() - since > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${members.map((m) => m.describe()).join("\n")}`);
    await Bun.sleep(50);
  }
}

export function groupSuite(client: GroupClient): void {
  const slug = client.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
  const topic = `groups-${slug}`;
  const group = `${slug}-consumers`;

  describe(`${client.name}: balanced consumers on three brokers over one SQLite file`, () => {
    let cluster: SqliteCluster | undefined;
    let members: GroupMember[] = [];
    const started: GroupMember[] = [];
    let ends: number[] = Array<number>(PARTITIONS).fill(0);

    const brokers = (): SqliteCluster => {
      if (cluster === undefined) throw new Error("the brokers did not start");
      return cluster;
    };
    const broker = (i: number): TestBroker => {
      const running = brokers().brokers;
      const b = running[i % running.length];
      if (b === undefined) throw new Error("no broker running");
      return b;
    };
    const join = (i: number, name: string): GroupMember => {
      const m = new GroupMember(name, client.member(broker(i).bootstrap, { group, topic, name, sessionTimeoutMs: SESSION_TIMEOUT_MS, heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS }));
      started.push(m);
      return m;
    };
    /** Produces through broker `via`; what the members consume from now on is checked against it. */
    const produce = async (name: string, count: number, via: number) => {
      for (const m of members) m.mark();
      const sent = keyedRecords(name, count);
      await client.produce(broker(via).bootstrap, topic, sent);
      return sent;
    };
    /** The members consume each record of `sent` exactly once, and nothing else. */
    const consumeExactly = async (sent: readonly SentRecord[]) => {
      await waitUntil(`${sent.length} records consumed`, members, () => consumedSinceMark(members) >= sent.length);
      await Bun.sleep(LINGER_MS);
      const result = checkPhase(members, sent, ends);
      expect(result.problems).toEqual([]);
      ends = result.ends;
    };
    const committedAreEnds = (via: number) =>
      waitUntil(`committed offsets [${ends.join(",")}]`, members, async () => (await client.committed(broker(via).bootstrap, group, topic, PARTITIONS)).join() === ends.join());
    const expectDescribed = async (via: number) => {
      const described = await client.describe(broker(via).bootstrap, group, topic);
      expect({ state: described.state, protocolType: described.protocol_type }).toEqual({ state: "Stable", protocolType: "consumer" });
      const held = (name: string, partitions: readonly number[]) => `${name} [${partitions.join(",")}]`;
      expect(described.members.map((m) => held(m.client_id, m.partitions)).sort()).toEqual(members.map((m) => held(m.name, m.partitions)).sort());
    };

    beforeAll(async () => {
      cluster = await startSqliteCluster(3, BROKER_ARGS);
    });
    afterAll(async () => {
      await Promise.all(started.map((m) => m.kill()));
      await cluster?.close();
    });

    test("is installed", async () => {
      expect(await client.version()).toContain(client.expectedVersion);
    });

    test(`three members, each on its own broker, split ${PARTITIONS} partitions 2/2/2 without overlap (topic made with ${client.createsTopicWith}; ${client.adminWith} describes the group)`, async () => {
      await client.createTopic(broker(0).bootstrap, topic, PARTITIONS);
      members = [0, 1, 2].map((i) => join(i, `member-${i + 1}`));
      await waitUntil("2/2/2 partitions", members, () => splitEvenly(members, PARTITIONS) && members.every((m) => m.partitions.length === 2));
      await expectDescribed(1);
    }, TEST_MS);

    test(`each of ${FIRST} keyed records is consumed exactly once, by the member holding its partition`, async () => {
      await consumeExactly(await produce("first", FIRST, 1));
      expect(ends.every((e) => e > 0)).toBe(true);
    }, TEST_MS);

    test(`the group commits what it consumed: OffsetFetch through ${client.adminWith} answers the end offsets`, async () => {
      await committedAreEnds(2);
    }, TEST_MS);

    // a departure noticed only by the session expiring would take most of the session timeout
    test(`a member that leaves (SIGTERM: commit, LeaveGroup) hands its partitions to the other two in under half the ${SESSION_TIMEOUT_MS} ms session timeout`, async () => {
      const leaving = members.pop();
      const since = performance.now();
      expect(await leaving?.stop()).toBe(0);
      await waitUntil("3/3 partitions", members, () => splitEvenly(members, PARTITIONS) && members.every((m) => m.partitions.length === 3));
      expect(performance.now() - since).toBeLessThan(SESSION_TIMEOUT_MS / 2);
      await expectDescribed(0);
    }, TEST_MS);

    test(`the other two consume ${AFTER_LEAVE} more records exactly once and commit them`, async () => {
      await consumeExactly(await produce("after-leave", AFTER_LEAVE, 2));
      await committedAreEnds(1);
    }, TEST_MS);

    test(`a member killed without leaving (SIGKILL) loses its partitions to the survivor within the session timeout`, async () => {
      const killed = members.pop();
      const since = performance.now();
      await killed?.kill();
      await waitUntil("all 6 partitions on the survivor", members, () => splitEvenly(members, PARTITIONS));
      expect(performance.now() - since).toBeLessThan(SESSION_TIMEOUT_MS + 3 * HEARTBEAT_INTERVAL_MS);
      await expectDescribed(2);
    }, TEST_MS);

    test(`the survivor consumes ${AFTER_KILL} more records exactly once and commits them`, async () => {
      await consumeExactly(await produce("after-kill", AFTER_KILL, 1));
      await committedAreEnds(2);
    }, TEST_MS);

    test(`committed offsets outlive every broker; a member rejoining on a new broker reads only the ${RESUMED} records produced meanwhile`, async () => {
      for (const m of members.splice(0)) expect(await m.stop()).toBe(0);
      expect(await brokers().stopAll()).toEqual([0, 0, 0]);
      await brokers().start();
      expect(await client.committed(broker(0).bootstrap, group, topic, PARTITIONS)).toEqual(ends);
      const sent = await produce("resumed", RESUMED, 0);
      // checked from its first record: a member that re-read older ones would show them
      members = [join(0, "member-rejoining")];
      await consumeExactly(sent);
      expect(splitEvenly(members, PARTITIONS)).toBe(true);
      await committedAreEnds(0);
    }, TEST_MS);
  });
}
