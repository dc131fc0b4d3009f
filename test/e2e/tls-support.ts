// What TLS tests need besides certificates: each listener's bound port from the broker's start line,
// and a bare TLS handshake that reports the certificate the broker presented.

import tls from "node:tls";
import { type BaseOptions, Consumer, Producer, stringDeserializers, stringSerializers } from "@platformatic/kafka";

export interface BoundListener {
  securityProtocol: string;
  port: number;
}

/** The listeners in `listeners=SSL://127.0.0.1:PORT,…` of the broker's "broker listening" line. */
export function boundListeners(logs: string): BoundListener[] {
  const field = /broker listening .*?\blisteners=(\S+)/.exec(logs)?.[1];
  if (field === undefined) throw new Error(`no listeners= in the broker's log:\n${logs}`);
  return field.split(",").map((l) => {
    const m = /^([A-Z_]+):\/\/.*:(\d+)$/.exec(l);
    if (m === null) throw new Error(`not a listener: ${l}`);
    return { securityProtocol: m[1]!, port: Number(m[2]) };
  });
}

/** The one port of `securityProtocol` among the broker's listeners. */
export function portOf(logs: string, securityProtocol: string): number {
  const ports = boundListeners(logs).filter((l) => l.securityProtocol === securityProtocol);
  if (ports.length !== 1) throw new Error(`expected one ${securityProtocol} listener, found ${ports.length}`);
  return ports[0]!.port;
}

export type Handshake = { ok: true; serial: string; subject: string } | { ok: false; error: string };

/** Completes a TLS handshake with 127.0.0.1:port (as "localhost") and says what certificate the server showed, or why it failed. */
export function handshake(port: number, options: tls.ConnectionOptions = {}): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ...options }, () => {
      const cert = socket.getPeerCertificate();
      // TLS 1.3: the server checks a client certificate after the client's handshake ends, so wait for its verdict
      socket.setTimeout(300, () => {
        socket.end();
        resolve({ ok: true, serial: cert.serialNumber, subject: String(cert.subject.CN ?? "") });
      });
    });
    socket.on("data", () => {});
    socket.on("error", (e) => resolve({ ok: false, error: e.message }));
    socket.on("close", () => resolve({ ok: false, error: "closed" }));
  });
}

/** Waits up to `ms` for `logs()` to satisfy `ok` (a broker's log arrives through a pipe, a little after the event). */
export async function logged(logs: () => string, ok: (log: string) => boolean, ms = 2000): Promise<string> {
  for (const until = Date.now() + ms; !ok(logs()) && Date.now() < until; ) await Bun.sleep(20);
  return logs();
}

/** Produces two keyed records to `topic` with @platformatic/kafka and reads them back in a group, with `base`'s connection options. */
export async function platformaticRoundTrip(base: BaseOptions, topic: string): Promise<string[]> {
  const producer = new Producer({ ...base, serializers: stringSerializers });
  await producer.send({ messages: [{ topic, key: "a", value: "alpha" }, { topic, key: "b", value: "beta" }] });
  await producer.close();
  const consumer = new Consumer({ ...base, groupId: `${topic}-group`, deserializers: stringDeserializers });
  const stream = await consumer.consume({ topics: [topic], mode: "earliest", maxWaitTime: 100 });
  const seen: string[] = [];
  for await (const message of stream) {
    seen.push(message.value);
    if (seen.length === 2) break;
  }
  await stream.close();
  await consumer.close();
  return seen;
}
