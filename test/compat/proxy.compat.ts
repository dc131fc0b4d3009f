// `tansu proxy` in front of librdkafka's 3-broker mock cluster, with kcat 1.7.1, confluent-kafka-python
// 1.7.0 (librdkafka 2.0.2) and kafka-python 2.0.2: every broker a client is told is the proxy's;
// records round-trip over partitions led by all three upstream brokers; a group of three members
// splits the partitions; and an idempotent producer keeps going while upstream brokers go down, their
// partitions' leadership moves and they come back, with every acknowledged record read back once.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { type MockCluster, MOCK_CLUSTER_MISSING, mockClusterAvailable, startMockCluster } from "../support/mock-cluster.ts";
import { startProxy, type TestProxy } from "../proxy/support.ts";
import { kcatMetadata } from "./support/kcat.ts";
import { PYTHON } from "./support/python.ts";
import { runOk } from "./support/run.ts";

if (!mockClusterAvailable()) throw new Error(MOCK_CLUSTER_MISSING);

const SCRIPT = join(import.meta.dir, "python", "proxy_clients.py");
const PARTITIONS = 6;
/** createTopic's round-robin leaders: partition p on broker p % 3 + 1. */
const LEADERS = [1, 2, 3, 1, 2, 3];
const COUNT = 300;

/** [partition, offset, value] */
type Placed = [number, number, string];

interface RoundTrip {
  delivered: Placed[];
  errors: string[];
  remaining: number;
  consumed: Placed[];
}

let cluster: MockCluster;
let proxy: TestProxy;

beforeAll(async () => {
  cluster = await startMockCluster(3);
  for (const topic of ["proxy-kcat", "proxy-confluent", "proxy-kafka-python", "proxy-group", "proxy-outage"]) await cluster.createTopic(topic, PARTITIONS, 3);
  proxy = await startProxy(cluster.bootstrap);
});

afterAll(async () => {
  expect(await proxy?.stop()).toBe(0);
  await cluster?.stop();
});

async function python<T>(command: string, args: object, timeoutMs = 60_000): Promise<T> {
  const { stdout } = await runOk([PYTHON, SCRIPT, command, JSON.stringify(args)], { timeoutMs });
  const last = stdout.trimEnd().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`proxy_clients.py ${command} printed no JSON result:\n${stdout.slice(-2000)}`);
  }
}

const key = ([p, o]: Placed) => `${p}@${o}`;

/** Every record delivered was read back at its partition and offset, and each partition in the order produced. */
function expectRoundTrip(r: RoundTrip, run: string): void {
  expect({ errors: r.errors, remaining: r.remaining, delivered: r.delivered.length }).toEqual({ errors: [], remaining: 0, delivered: COUNT });
  expect(new Map(r.consumed.map((c) => [key(c), c[2]]))).toEqual(new Map(r.delivered.map((d) => [key(d), d[2]])));
  for (let p = 0; p < PARTITIONS; p++) {
    const seqs = r.consumed.filter((c) => c[0] === p).map((c) => Number(c[2].slice(run.length + 1)));
    expect(seqs).toEqual(Array.from({ length: COUNT / PARTITIONS }, (_, i) => p + i * PARTITIONS));
  }
}

test("kcat -L through the proxy lists three brokers, each at a proxy port, and leaders on all three", async () => {
  const metadata = await kcatMetadata(proxy.bootstrap);
  const nodePorts = proxy.nodePorts();
  const upstreamPorts = new Set(cluster.brokers.map((b) => b.port));
  expect(metadata.brokers.map((b) => b.id).sort()).toEqual([1, 2, 3]);
  for (const b of metadata.brokers) {
    const [host, port] = b.name.split(":");
    expect(host).toBe("127.0.0.1");
    expect(Number(port)).toBe(nodePorts.get(b.id)!);
    expect(upstreamPorts.has(Number(port))).toBe(false);
  }
  const partitions = metadata.topics.find((t) => t.topic === "proxy-kcat")?.partitions ?? [];
  expect(partitions.sort((a, b) => a.partition - b.partition).map((p) => p.leader)).toEqual(LEADERS);
});

test("confluent-kafka produces to partitions led by all three brokers and consumes every record back, in order", async () => {
  const r = await python<RoundTrip>("confluent_roundtrip", { bootstrap: proxy.bootstrap, topic: "proxy-confluent", partitions: PARTITIONS, count: COUNT, run: "confluent" });
  expectRoundTrip(r, "confluent");
});

test("kafka-python produces to partitions led by all three brokers and consumes every record back, in order", async () => {
  const r = await python<RoundTrip>("kafka_python_roundtrip", { bootstrap: proxy.bootstrap, topic: "proxy-kafka-python", partitions: PARTITIONS, count: COUNT, run: "kafka-python" });
  expectRoundTrip(r, "kafka-python");
});

interface GroupRun {
  /** Per member, its partitions once the group was stable. */
  assignments: number[][];
  /** Per member, its partitions once every record was read. */
  final: number[][];
  remaining: number;
  /** [member, partition, offset, value] */
  consumed: [number, number, number, string][];
}

test("a consumer group of three confluent-kafka members splits the partitions and reads every record once", async () => {
  const r = await python<GroupRun>("confluent_group", { bootstrap: proxy.bootstrap, topic: "proxy-group", partitions: PARTITIONS, count: COUNT, run: "group", group: "proxy-compat-group" }, 120_000);
  expect(r.remaining).toBe(0);
  expect(r.assignments.every((a) => a.length > 0)).toBe(true);
  expect(r.assignments.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
  expect(r.final).toEqual(r.assignments);
  expect(r.consumed.map(([, , , v]) => v).sort()).toEqual(Array.from({ length: COUNT }, (_, i) => `group-${i}`).sort());
  for (const [member, partition] of r.consumed) expect(r.assignments[member]).toContain(partition);
});

interface OutageRun {
  produced: number;
  acked: Placed[];
  errors: string[];
  remaining: number;
}

/** The outage producer: its acknowledgements as they come, per partition, and its final answer. */
class OutageProducer {
  private readonly proc: Subprocess<"pipe", "pipe", "pipe">;
  private readonly acks = new Array<number>(PARTITIONS).fill(0);
  private readonly errors: string[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly lastLine: Promise<string>;
  private readonly stderr: Promise<string>;

  constructor(args: object) {
    this.proc = Bun.spawn([PYTHON, SCRIPT, "confluent_outage", JSON.stringify(args)], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    this.stderr = new Response(this.proc.stderr).text();
    this.lastLine = this.read();
  }

  private async read(): Promise<string> {
    const decoder = new TextDecoder();
    let buffered = "";
    let last = "";
    for await (const chunk of this.proc.stdout) {
      buffered += decoder.decode(chunk, { stream: true });
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        last = line;
        const event = JSON.parse(line) as { p?: number; error?: string };
        if (event.p !== undefined) this.acks[event.p]! += 1;
        if (event.error !== undefined) this.errors.push(event.error);
      }
      for (const wake of this.waiters) wake();
    }
    for (const wake of this.waiters) wake();
    return buffered === "" ? last : buffered;
  }

  /** Acknowledgements so far, per partition. */
  counts(): number[] {
    return [...this.acks];
  }

  /** Waits until `done(acks per partition)` holds; fails naming `what` after `timeoutMs` or if the producer exits. */
  async until(what: string, done: (acks: number[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.counts())) {
      if (this.proc.exitCode !== null) throw new Error(`the producer exited (${this.proc.exitCode}) before ${what}:\n${(await this.stderr).slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms: acks per partition ${JSON.stringify(this.counts())}, delivery errors ${JSON.stringify(this.errors.slice(0, 5))}\nproxy log:\n${proxy.logs().slice(-3000)}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, 200);
        this.waiters.add(wake);
      });
    }
  }

  kill(): void {
    this.proc.kill("SIGKILL");
  }

  /** "stop" on stdin; the producer waits for what it still has in flight (up to a minute) and answers. */
  async stop(): Promise<OutageRun> {
    this.proc.stdin.write("stop\n");
    await this.proc.stdin.end();
    const kill = setTimeout(() => this.proc.kill("SIGKILL"), 90_000);
    const [last, code, stderr] = await Promise.all([this.lastLine, this.proc.exited, this.stderr]);
    clearTimeout(kill);
    if (code !== 0) throw new Error(`the producer exited ${code}:\n${stderr.slice(-2000)}`);
    return JSON.parse(last) as OutageRun;
  }
}

/** The partitions createTopic gave broker `id`, and the others. */
function ledBy(id: number): [number[], number[]] {
  const led = LEADERS.flatMap((leader, p) => (leader === id ? [p] : []));
  return [led, LEADERS.flatMap((leader, p) => (leader === id ? [] : [p]))];
}

/** Records acknowledged on each of `partitions` after `mark`, at least `n`. */
const ackedSince = (mark: number[], partitions: number[], n: number) => (acks: number[]) => partitions.every((p) => acks[p]! >= mark[p]! + n);

test("a confluent-kafka producer rides out upstream brokers going down, leadership moving and brokers coming back", async () => {
  const topic = "proxy-outage";
  const producer = new OutageProducer({ bootstrap: proxy.bootstrap, topic, partitions: PARTITIONS, run: "outage" });
  /** Takes broker `id` down and waits while the producer goes on through the other brokers. */
  const down = async (id: number, others: number[]) => {
    await cluster.down(id);
    await producer.until(`acknowledgements from the other brokers while broker ${id} is down`, ackedSince(producer.counts(), others, 40));
  };
  try {
    await producer.until("acknowledgement on every partition", ackedSince(producer.counts(), [0, 1, 2, 3, 4, 5], 1));

    const [ledBy2, notBy2] = ledBy(2);
    await down(2, notBy2);
    for (const [i, p] of ledBy2.entries()) await cluster.setLeader(topic, p, i === 0 ? 1 : 3);
    await producer.until(`acknowledgements on partitions ${ledBy2} after their leadership moved off broker 2`, ackedSince(producer.counts(), ledBy2, 5));
    await cluster.up(2);
    for (const p of ledBy2) await cluster.setLeader(topic, p, 2);
    await producer.until(`acknowledgements on partitions ${ledBy2} once broker 2 is up and leads them again`, ackedSince(producer.counts(), ledBy2, 5));

    // the mock keeps a down broker's leadership: its partitions wait for it to come back
    const [ledBy3, notBy3] = ledBy(3);
    await down(3, notBy3);
    await cluster.up(3);
    await producer.until(`acknowledgements on partitions ${ledBy3} once broker 3 is up again`, ackedSince(producer.counts(), ledBy3, 5));
  } catch (e) {
    producer.kill();
    throw e;
  } finally {
    await cluster.up(2);
    await cluster.up(3);
  }
  const run = await producer.stop();
  expect({ errors: run.errors, remaining: run.remaining }).toEqual({ errors: [], remaining: 0 });
  expect(run.acked.length).toBe(run.produced);

  const { consumed } = await python<{ consumed: Placed[] }>("confluent_consume", { bootstrap: proxy.bootstrap, topic, partitions: PARTITIONS });
  const read = new Map(consumed.map((c) => [key(c), c[2]]));
  expect(run.acked.filter((a) => read.get(key(a)) !== a[2])).toEqual([]);
  // idempotence: nothing written twice, and each partition in the order produced
  expect(consumed.length).toBe(run.acked.length);
  for (let p = 0; p < PARTITIONS; p++) {
    const seqs = consumed.filter((c) => c[0] === p).map((c) => Number(c[2].slice("outage-".length)));
    expect(seqs).toEqual(seqs.toSorted((a, b) => a - b));
  }
});
