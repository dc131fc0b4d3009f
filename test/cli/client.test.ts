// The client against a fake broker that answers canned frames built with our codecs.

import { afterEach, describe, expect, test } from "bun:test";
import { BrokerConnection, ClientError, KafkaClient } from "../../src/client/index.ts";
import { encodeResponse } from "../../src/protocol/frame.ts";
import { ApiVersionsApi, CreateTopicsApi, defaultMetadataResponse, MetadataApi, type MetadataResponse } from "../../src/protocol/generated/index.ts";
import { FrameAssembler } from "../../src/protocol/frames.ts";
import { apiVersionsBody, type FakeBroker, fakeBroker, type FakeRequest, type Ranges } from "./fake-broker.ts";

const RANGES: Ranges = [
  [3, 0, 12],
  [18, 0, 4],
];

const fakes: FakeBroker[] = [];
const clients: KafkaClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const f of fakes.splice(0)) f.stop();
});

function start(ranges: Ranges, onRequest?: Parameters<typeof fakeBroker>[1]): FakeBroker {
  const fake = fakeBroker(ranges, onRequest);
  fakes.push(fake);
  return fake;
}

async function connect(fake: FakeBroker, requestTimeoutMs = 5_000): Promise<KafkaClient> {
  const client = await KafkaClient.connect(fake.bootstrap, { requestTimeoutMs });
  clients.push(client);
  return client;
}

function metadata(clusterId: string, brokers: MetadataResponse["brokers"] = []): MetadataResponse {
  return { ...defaultMetadataResponse(), clusterId, brokers, controllerId: brokers[0]?.nodeId ?? -1 };
}

async function rejection(p: Promise<unknown>): Promise<ClientError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ClientError) return e;
    throw e;
  }
  throw new Error("expected a ClientError");
}

describe("version negotiation", () => {
  test("uses the highest version both sides know, capped at the codec's", async () => {
    const fake = start(
      [
        [3, 0, 99],
        [18, 0, 4],
        [19, 2, 5],
      ],
      (r, c) => c.reply(r, MetadataApi, metadata("x")),
    );
    const client = await connect(fake);
    await client.metadata(null);
    expect(fake.requests.map((r) => [r.apiKey, r.apiVersion])).toEqual([
      [18, 4],
      [3, MetadataApi.maxVersion],
    ]);
    await client.request(MetadataApi, () => ({ topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }), { maxVersion: 7 });
    expect(fake.requests.at(-1)?.apiVersion).toBe(7);
  });

  test("an API the broker does not advertise is an unsupported-version error", async () => {
    const client = await connect(start(RANGES));
    const e = await rejection(client.request(CreateTopicsApi, () => ({ topics: [], timeoutMs: 1, validateOnly: false })));
    expect(e.code).toBe("unsupported-version");
    expect(e.message).toContain("CreateTopics");
  });

  test("a broker that knows an older ApiVersions answers v0 with UNSUPPORTED_VERSION; the client asks again at its version", async () => {
    const fake = start([
      [3, 0, 12],
      [18, 0, 2],
    ]);
    await connect(fake);
    expect(fake.requests.map((r) => [r.apiKey, r.apiVersion])).toEqual([
      [18, 4],
      [18, 2],
    ]);
  });
});

test("an ApiVersions refusal in neither our layout nor v0's (librdkafka's mock cluster) makes the client ask with v0", async () => {
  const asked: number[] = [];
  const frames = new FrameAssembler(1 << 20);
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(socket, chunk) {
        for (const frame of frames.push(chunk).frames) {
          const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
          const [version, correlationId] = [view.getInt16(2), view.getInt32(4)];
          asked.push(version);
          // the mock's answer to v4, byte for byte after the correlation id
          if (version > 0) socket.write(Uint8Array.of(0, 0, 0, 17, 0, 0, 0, correlationId, 0, 35, 1, 0, 18, 0, 0, 0, 2, 0, 0, 0, 0));
          else socket.write(encodeResponse(ApiVersionsApi, 0, correlationId, apiVersionsBody([[3, 0, 12], [18, 0, 3]])));
        }
      },
    },
  });
  try {
    const client = await KafkaClient.connect(`127.0.0.1:${server.port}`, { requestTimeoutMs: 2_000 });
    await client.close();
    expect(asked).toEqual([ApiVersionsApi.maxVersion, 0]);
  } finally {
    server.stop(true);
  }
});

describe("framing and correlation", () => {
  test("responses split into single bytes and joined in one chunk are reassembled", async () => {
    const pending: { r: FakeRequest; write: (b: Uint8Array) => void }[] = [];
    const fake = start(RANGES, (r, c) => {
      pending.push({ r, write: c.write });
      if (pending.length < 3) return;
      const frames = pending.map(({ r }) => encodeResponse(MetadataApi, r.apiVersion, r.correlationId, metadata(`cluster-${r.correlationId}`)));
      // the first frame a byte at a time, the other two in one write
      void (async () => {
        for (const b of frames[0]!) {
          c.write(Uint8Array.of(b));
          await Bun.sleep(1);
        }
        c.write(Buffer.concat([frames[1]!, frames[2]!]));
      })();
    });
    const client = await connect(fake);
    const responses = await Promise.all([client.metadata(null), client.metadata(null), client.metadata(null)]);
    const ids = fake.requests.filter((r) => r.apiKey === 3).map((r) => `cluster-${r.correlationId}`);
    expect(responses.map((m) => m.clusterId)).toEqual(ids);
  });

  test("pipelined requests answered out of order each get their own response", async () => {
    const held: FakeRequest[] = [];
    const fake = start(RANGES, (r, c) => {
      held.push(r);
      if (held.length === 4) for (const h of held.reverse()) c.reply(h, MetadataApi, metadata(`cluster-${h.correlationId}`));
    });
    const client = await connect(fake);
    const responses = await Promise.all([1, 2, 3, 4].map(() => client.metadata(null)));
    // all four were on the wire before the first answer
    expect(held).toHaveLength(4);
    const sent = fake.requests.filter((r) => r.apiKey === 3).map((r) => `cluster-${r.correlationId}`);
    expect(responses.map((m) => m.clusterId)).toEqual(sent);
  });

  test("a response with a correlation id nobody waits for closes the connection as a protocol error", async () => {
    const fake = start(RANGES, (r, c) => c.reply({ ...r, correlationId: r.correlationId + 1000 }, MetadataApi, metadata("x")));
    const client = await connect(fake);
    const e = await rejection(client.metadata(null));
    expect(e.code).toBe("protocol");
    expect(e.message).toContain("correlation id");
  });

  test("a response body that does not decode fails that request as a protocol error", async () => {
    const fake = start(RANGES, (r, c) => {
      const frame = new Uint8Array(8);
      new DataView(frame.buffer).setInt32(0, 4);
      new DataView(frame.buffer).setInt32(4, r.correlationId);
      // a Metadata v12 body cannot be empty
      c.write(frame);
    });
    const client = await connect(fake);
    const e = await rejection(client.metadata(null));
    expect(e.code).toBe("protocol");
    expect(e.message).toContain("Metadata v12");
  });
});

describe("failures", () => {
  test("connection refused is connect-failed", async () => {
    const fake = start(RANGES);
    fake.stop();
    const e = await rejection(KafkaClient.connect(fake.bootstrap));
    expect(e.code).toBe("connect-failed");
    expect(e.message).toBe(`connect to ${fake.bootstrap}: connection refused (ECONNREFUSED)`);
  });

  test("a bad bootstrap address is connect-failed", async () => {
    expect((await rejection(KafkaClient.connect("no-port"))).code).toBe("connect-failed");
  });

  test("no response within the timeout is a timeout; the late response is dropped and the connection goes on", async () => {
    let first: (() => void) | undefined;
    const fake = start(RANGES, (r, c) => {
      if (first === undefined) first = () => c.reply(r, MetadataApi, metadata("late"));
      else c.reply(r, MetadataApi, metadata("on time"));
    });
    const client = await connect(fake, 100);
    const started = performance.now();
    const e = await rejection(client.metadata(null));
    expect(e.code).toBe("timeout");
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    first?.();
    expect((await client.metadata(null)).clusterId).toBe("on time");
  });

  test("the broker closing the connection fails what waits on it with closed; later requests reconnect", async () => {
    let closed = false;
    const fake = start(RANGES, (r, c) => {
      if (!closed) {
        closed = true;
        c.close();
      } else c.reply(r, MetadataApi, metadata("again"));
    });
    const client = await connect(fake);
    const e = await rejection(client.metadata(null));
    expect(e.code).toBe("closed");
    expect((await client.metadata(null)).clusterId).toBe("again");
    expect(fake.requests.filter((r) => r.apiKey === 18)).toHaveLength(2);
  });

  test("a closed connection rejects at once", async () => {
    const fake = start(RANGES);
    const [host, port] = fake.bootstrap.split(":");
    const connection = await BrokerConnection.open({ host: host!, port: Number(port) }, { clientId: "t", connectTimeoutMs: 1000, requestTimeoutMs: 1000, maxResponseBytes: 1 << 20 });
    connection.close();
    const e = await rejection(connection.request(MetadataApi, 1, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }));
    expect(e.code).toBe("closed");
  });
});

describe("leaders", () => {
  test("requests for a node go to the address Metadata advertises for it", async () => {
    const leader = start(RANGES, (r, c) => c.reply(r, MetadataApi, metadata("from the leader")));
    const bootstrap = start(RANGES, (r, c) => c.reply(r, MetadataApi, metadata("from bootstrap", [{ nodeId: 7, host: "127.0.0.1", port: leader.port, rack: null }])));
    const client = await connect(bootstrap);
    await client.metadata(null);
    expect(client.controller).toBe(7);
    const build = () => ({ topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    expect((await client.request(MetadataApi, build, { node: 7 })).clusterId).toBe("from the leader");
    expect(leader.requests.map((r) => r.apiKey)).toEqual([18, 3]);
    const e = await rejection(client.request(MetadataApi, build, { node: 8 }));
    expect(e.code).toBe("protocol");
  });
});
