// librdkafka's mock cluster as a real multi-broker Kafka-protocol upstream for tests: the launcher
// (mock-cluster.c) runs as a child process on loopback ports and takes one command per stdin line.
// Brokers are node ids 1..N in bootstrap order. A broker taken down closes its connections and
// refuses new ones on the same port until it is brought up; its partitions keep their leader.

import type { Subprocess } from "bun";
import { type Address, connect, formatAddress, parseBootstrap } from "../../src/client/index.ts";
import { MockClusterError, mockClusterLauncher } from "./mock-cluster-launcher.ts";

export { MOCK_CLUSTER_MISSING, MockClusterError, mockClusterAvailable } from "./mock-cluster-launcher.ts";

export interface MockBroker extends Address {
  id: number;
}

export interface MockCluster {
  /** "127.0.0.1:PORT,…" */
  readonly bootstrap: string;
  readonly brokers: readonly MockBroker[];
  down(id: number): Promise<void>;
  up(id: number): Promise<void>;
  /** Leaders go round-robin over the brokers (the mock alone picks them at random). */
  createTopic(name: string, partitions: number, replication: number): Promise<void>;
  setLeader(topic: string, partition: number, id: number): Promise<void>;
  /** Ends the launcher (EOF on its stdin) and waits for it to exit. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export async function startMockCluster(brokers = 3): Promise<MockCluster> {
  const proc: Subprocess<"pipe", "pipe", "pipe"> = Bun.spawn([await mockClusterLauncher(), String(brokers)], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  const stderr = new Response(proc.stderr).text();
  const lines = new Lines(proc.stdout);
  const failed = async (what: string) => {
    proc.kill("SIGKILL");
    await proc.exited;
    return new MockClusterError(`mock cluster: ${what}\n${await stderr}`);
  };
  const timer = setTimeout(() => proc.kill("SIGKILL"), START_TIMEOUT_MS);
  const first = await lines.next();
  clearTimeout(timer);
  const addresses = first === null ? null : parseBootstrap(first);
  if (addresses === null) throw await failed(`no bootstrap list within ${START_TIMEOUT_MS} ms, got ${JSON.stringify(first)}`);
  const bootstrap = addresses.map(formatAddress).join(",");

  let queue: Promise<unknown> = Promise.resolve();
  const command = (line: string): Promise<void> => {
    const done = queue.then(async () => {
      proc.stdin.write(`${line}\n`);
      await proc.stdin.flush();
      const answer = await lines.next();
      if (answer !== "ok") throw answer === null ? await failed(`exited during ${line}`) : new MockClusterError(`mock cluster: ${line}: ${answer}`);
    });
    queue = done.catch(() => {});
    return done;
  };
  const topic = (name: string) => {
    if (!TOPIC_NAME.test(name)) throw new MockClusterError(`mock cluster: bad topic name ${JSON.stringify(name)}`);
    return name;
  };

  const stop = async () => {
    await queue;
    proc.stdin.end();
    const kill = setTimeout(() => proc.kill("SIGKILL"), 5_000);
    await proc.exited;
    clearTimeout(kill);
  };
  let nodes: MockBroker[];
  try {
    nodes = await nodeIds(bootstrap, addresses);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    bootstrap,
    brokers: nodes,
    down: (id) => command(`down ${id}`),
    up: (id) => command(`up ${id}`),
    async createTopic(name, partitions, replication) {
      await command(`topic ${topic(name)} ${partitions} ${replication}`);
      for (let p = 0; p < partitions; p++) await command(`leader ${name} ${p} ${nodes[p % nodes.length]!.id}`);
    },
    async setLeader(name, partition, id) {
      await command(`leader ${topic(name)} ${partition} ${id}`);
    },
    stop,
  };
}

/** The node id Metadata gives each bootstrap address. */
async function nodeIds(bootstrap: string, addresses: readonly Address[]): Promise<MockBroker[]> {
  const client = await connect(bootstrap, { clientId: "mock-cluster", connectTimeoutMs: 5_000, requestTimeoutMs: 5_000 });
  try {
    const { brokers } = await client.metadata([]);
    return addresses.map((a) => {
      const node = brokers.find((b) => b.host === a.host && b.port === a.port);
      if (node === undefined) throw new MockClusterError(`mock cluster: Metadata does not list ${formatAddress(a)}`);
      return { id: node.nodeId, host: a.host, port: a.port };
    });
  } finally {
    await client.close();
  }
}

/** The launcher's stdout, a line at a time; null once it closes. */
class Lines {
  private buffered = "";
  private readonly decoder = new TextDecoder();
  private readonly chunks: AsyncIterator<Uint8Array>;

  constructor(stream: AsyncIterable<Uint8Array>) {
    this.chunks = stream[Symbol.asyncIterator]();
  }

  async next(): Promise<string | null> {
    for (;;) {
      const end = this.buffered.indexOf("\n");
      if (end >= 0) {
        const line = this.buffered.slice(0, end);
        this.buffered = this.buffered.slice(end + 1);
        return line;
      }
      const { done, value } = await this.chunks.next();
      if (done) return null;
      this.buffered += this.decoder.decode(value, { stream: true });
    }
  }
}
