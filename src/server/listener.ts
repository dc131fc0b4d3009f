// The Kafka protocol listener on Bun's TCP server.

import type { Broker } from "../broker.ts";
import type { Endpoint } from "../config.ts";
import { Connection } from "./connection.ts";

export interface KafkaListener {
  readonly port: number;
  /**
   * Stops accepting and reading requests, answers those already read (long polls answer early),
   * writes their responses, then closes; connections still busy after `graceMs` are cut.
   */
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
        const b = broker();
        socket.data = new Connection(socket, b, `${socket.remoteAddress}`);
        connections.add(socket.data);
        b.observer?.connectionOpened();
      },
      data(socket, chunk) {
        socket.data.onData(chunk);
      },
      drain(socket) {
        socket.data.onDrain();
      },
      close(socket) {
        socket.data.onClose();
        if (connections.delete(socket.data)) broker().observer?.connectionClosed();
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
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all([...connections].map((c) => c.drain())), grace]);
      clearTimeout(timer);
      server.stop(true);
    },
  };
}
