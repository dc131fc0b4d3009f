// A producer without a client library: sends ready-made record batches as Produce requests (acks
// all, partition 0) over one connection with up to `window` requests in flight, as Java's producer
// (5) and kafkajs do, and resolves with the seconds until every one was answered without error.
// It builds no records, so the broker and its storage set the pace.

import { decodeResponse, encodeRequest } from "../../src/protocol/frame.ts";
import { FrameAssembler } from "../../src/protocol/frames.ts";
import { ProduceApi } from "../../src/protocol/generated/index.ts";

const VERSION = 9;

interface Writable {
  write(bytes: Uint8Array): number;
}

/** `tls`: connect with TLS, trusting `ca` and checking the name `serverName`. */
export async function produceBatches(port: number, topic: string, batches: readonly Uint8Array[], window = 8, tls?: { ca: string; serverName: string }): Promise<number> {
  const frames = batches.map((records, i) =>
    encodeRequest(ProduceApi, { apiKey: 0, apiVersion: VERSION, correlationId: i, clientId: "bench" }, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] }).slice(),
  );
  const responses = new FrameAssembler(1 << 20, 4, "response");
  let sent = 0;
  let answered = 0;
  // socket.write takes what the kernel takes; the rest waits for drain
  const unsent: Uint8Array[] = [];
  const flush = (s: Writable) => {
    while (unsent.length > 0) {
      const head = unsent[0]!;
      const n = s.write(head);
      if (n < head.length) {
        unsent[0] = head.subarray(Math.max(n, 0));
        return;
      }
      unsent.shift();
    }
  };
  const send = (s: Writable) => {
    while (sent < frames.length && sent - answered < window) unsent.push(frames[sent++]!);
    flush(s);
  };
  const { promise: done, resolve, reject } = Promise.withResolvers<void>();
  const t0 = performance.now();
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    tls,
    socket: {
      drain: flush,
      data(s, chunk) {
        const { frames: answers, error } = responses.push(chunk);
        if (error !== null) return reject(new Error(error));
        for (const frame of answers) {
          const r = decodeResponse(ProduceApi, VERSION, frame);
          const code = r.ok ? r.body.responses[0]?.partitionResponses[0]?.errorCode : undefined;
          if (code !== 0) return reject(new Error(r.ok ? `Produce answered error ${code}` : r.error.message));
          answered++;
        }
        send(s);
        if (answered === frames.length) resolve();
      },
      close() {
        if (answered < frames.length) reject(new Error("the broker closed the connection"));
      },
    },
  });
  send(socket);
  await done;
  const seconds = (performance.now() - t0) / 1000;
  socket.end();
  return seconds;
}
