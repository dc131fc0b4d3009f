// The three clients of the compat group tests as balanced consumers: kcat -G (librdkafka's
// KafkaConsumer, auto-commit), confluent-kafka-python Consumer.subscribe and kafka-python
// KafkaConsumer.subscribe (both committing after every batch and on revoke). kcat has no way to ask
// for a group's offsets or description, so confluent-kafka's AdminClient and Consumer do that for it.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MemberCommand, MemberEvent } from "./group-member.ts";
import { KCAT, kcatProduce } from "./kcat.ts";
import { PYTHON, python, pythonCommand, type Script } from "./python.ts";
import { type SentRecord, toJsonLines } from "./records.ts";
import { run, runOk } from "./run.ts";

export interface GroupDescription {
  state: string;
  protocol_type: string;
  protocol: string;
  members: { client_id: string; partitions: number[] }[];
}

export interface MemberSettings {
  group: string;
  topic: string;
  /** The member's client id. */
  name: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
}

export interface GroupClient {
  name: string;
  /** Part of what version() prints. */
  expectedVersion: string;
  version(): Promise<string>;
  /** How createTopic makes the topic, for the test's name. */
  createsTopicWith: string;
  createTopic(bootstrap: string, topic: string, partitions: number): Promise<void>;
  produce(bootstrap: string, topic: string, records: readonly SentRecord[]): Promise<void>;
  member(bootstrap: string, settings: MemberSettings): MemberCommand;
  /** Which client asks for committed offsets and the group's description, for test names. */
  adminWith: string;
  /** OffsetFetch: each partition's committed offset, -1 for none. */
  committed(bootstrap: string, group: string, topic: string, partitions: number): Promise<number[]>;
  /** ListGroups/DescribeGroups as the client reports them. */
  describe(bootstrap: string, group: string, topic: string): Promise<GroupDescription>;
}

interface PythonEvent {
  assigned?: number[];
  revoked?: number[];
  p?: number;
  o?: number;
  k?: string | null;
  v?: string | null;
}

/** The `group` command's stdout: one JSON event a line, its result last. */
function parsePythonEvent(line: string, stream: "stdout" | "stderr"): MemberEvent | null {
  if (stream === "stderr" || !line.startsWith("{")) return null;
  const e = JSON.parse(line) as PythonEvent;
  if (e.assigned !== undefined) return { kind: "assigned", partitions: e.assigned };
  if (e.revoked !== undefined) return { kind: "revoked", partitions: e.revoked };
  if (e.p !== undefined && e.o !== undefined) return { kind: "record", record: { partition: e.p, offset: e.o, key: e.k ?? null, value: e.v ?? null } };
  return null;
}

const pythonAdmin = (script: Script) => ({
  async committed(bootstrap: string, group: string, topic: string, partitions: number): Promise<number[]> {
    return (await python<{ committed: number[] }>(script, "committed", { bootstrap, group, topic, partitions }, 30_000)).committed;
  },
  describe: (bootstrap: string, group: string, topic: string) => python<GroupDescription>(script, "describe", { bootstrap, group, topic }, 30_000),
});

function pythonGroupClient(name: string, script: Script, expectedVersion: string, versionExpression: string, admin: string): GroupClient {
  return {
    name,
    expectedVersion,
    async version() {
      const { stdout, stderr } = await run([PYTHON, "-c", `print(${versionExpression})`]);
      return stdout + stderr;
    },
    createsTopicWith: `${admin}.create_topics`,
    async createTopic(bootstrap, topic, partitions) {
      await python(script, "create", { bootstrap, topic, partitions }, 30_000);
    },
    async produce(bootstrap, topic, records) {
      const dir = mkdtempSync(join(tmpdir(), "tansu-groups-"));
      try {
        const file = join(dir, "records.jsonl");
        writeFileSync(file, toJsonLines(records));
        const r = await python<{ delivered: number; errors: string[] }>(script, "produce", { bootstrap, topic, records: file, codec: "none", acks: "all", config: {} });
        if (r.delivered !== records.length) throw new Error(`${name} delivered ${r.delivered} of ${records.length}: ${JSON.stringify(r.errors)}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    member: (bootstrap, s) => ({
      argv: pythonCommand(script, "group", { bootstrap, group: s.group, topic: s.topic, name: s.name, session_timeout_ms: s.sessionTimeoutMs, heartbeat_interval_ms: s.heartbeatIntervalMs }),
      parse: parsePythonEvent,
    }),
    adminWith: name,
    ...pythonAdmin(script),
  };
}

/** kcat's stderr on a rebalance: "% Group g rebalanced (memberid …): assigned: t [0], t [1]". */
const REBALANCED = /^% Group .* rebalanced \(memberid [^)]*\): (assigned|revoked): (.*)$/;

function parseKcat(line: string, stream: "stdout" | "stderr"): MemberEvent | null {
  if (stream === "stderr") {
    const m = REBALANCED.exec(line);
    if (m === null) return null;
    const partitions = [...(m[2] ?? "").matchAll(/\[(\d+)\]/g)].map((p) => Number(p[1]));
    return m[1] === "assigned" ? { kind: "assigned", partitions } : { kind: "revoked", partitions };
  }
  const f = line.split("\t");
  if (f.length !== 4) throw new Error(`kcat -G printed an unexpected line: ${JSON.stringify(line.slice(0, 200))}`);
  return { kind: "record", record: { partition: Number(f[0]), offset: Number(f[1]), key: f[2] ?? null, value: f[3] ?? null } };
}

const kcat: GroupClient = {
  name: "kcat -G",
  expectedVersion: "Version 1.7.1",
  async version() {
    const { stdout, stderr } = await run([KCAT, "-V"]);
    return stdout + stderr;
  },
  createsTopicWith: "kcat -L -t (auto-created with the broker's --num-partitions)",
  async createTopic(bootstrap, topic) {
    await runOk([KCAT, "-b", bootstrap, "-L", "-t", topic], { timeoutMs: 30_000 });
  },
  async produce(bootstrap, topic, records) {
    await kcatProduce(bootstrap, { topic, records, headers: [], codec: "none", acks: "all" });
  },
  member: (bootstrap, s) => ({
    // -o beginning would apply to every assignment, overriding committed offsets: an empty group
    // starts from the beginning through auto.offset.reset instead. kcat sets -X properties on the
    // topic configuration when it has one of that name, so auto.commit.interval.ms cannot be
    // lowered: it auto-commits every 5 s, and when partitions are revoked or it closes.
    argv: [
      KCAT,
      "-b",
      bootstrap,
      "-G",
      s.group,
      "-u",
      ...["client.id=" + s.name, "auto.offset.reset=earliest", `session.timeout.ms=${s.sessionTimeoutMs}`, `heartbeat.interval.ms=${s.heartbeatIntervalMs}`, "fetch.wait.max.ms=100"].flatMap((c) => ["-X", c]),
      "-f",
      "%p\\t%o\\t%k\\t%s\\n",
      s.topic,
    ],
    parse: parseKcat,
  }),
  adminWith: "confluent-kafka",
  ...pythonAdmin("confluent_client.py"),
};

export const GROUP_CLIENTS: readonly GroupClient[] = [
  kcat,
  pythonGroupClient("confluent-kafka", "confluent_client.py", "1.7.0", "__import__('confluent_kafka').version()[0]", "AdminClient"),
  pythonGroupClient("kafka-python", "kafka_python_client.py", "2.0.2", "__import__('kafka').__version__", "KafkaAdminClient"),
];
