// The Kafka protocol listener on Bun's TCP server.

import type { Broker } from "../broker.ts";
import type { Endpoint } from "../config.ts";
import { Connection } from "./connection.ts";

export interface KafkaListener {
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish (long polls answer early), then closes. */
  stop(graceMs?: number): Promise<void>;
}

export function listenKafka(endpoint: Endpoint, broker: () => Broker): KafkaListener {
  const connections = new Set<Connection>();
  const server = Bun.listen<Connection>({
    hostname: endpoint.host,
    port: endpoint.port,
    socket: {
      open(socket) {
        socket.setNoDelay(true);
        socket.data = new Connection(socket, broker(), `${socket.remoteAddress}`);
        connections.add(socket.data);
      },
      data(socket, chunk) {
        socket.data.onData(chunk);
      },
      drain(socket) {
        socket.data.onDrain();
      },
      close(socket) {
        socket.data.onClose();
        connections.delete(socket.data);
      },
      error(socket, error) {
        broker().log.debug("socket error", { peer: socket.remoteAddress, error: error.message });
      },
    },
  });
  return {
    port: server.port,
    async stop(graceMs = 10_000) {
      server.stop(false);
      for (const c of connections) c.interrupt();
      const idle = Promise.all([...connections].map((c) => c.idle()));
      await Promise.race([idle, Bun.sleep(graceMs)]);
      server.stop(true);
    },
  };
}
