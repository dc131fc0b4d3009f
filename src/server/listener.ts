// The Kafka protocol listener on Bun's TCP server. A connection beyond max.connections or
// max.connections.per.ip is closed as it opens; a sweep closes idle connections and frames that
// take too long to arrive.

import type { Broker } from "../broker.ts";
import type { BrokerConfig } from "../config.ts";
import { bindError } from "./bind-error.ts";
import { Connection } from "./connection.ts";

export interface KafkaListener {
  readonly port: number;
  /**
   * Stops accepting and reading requests, answers those already read (long polls answer early),
   * writes their responses, then closes; connections still busy after `graceMs` are cut.
   */
  stop(graceMs?: number): Promise<void>;
}

/** How often connections are checked for idleness and overdue frames, at most. */
const SWEEP_MS = 1000;

export function listenKafka(config: BrokerConfig, broker: () => Broker): KafkaListener {
  const connections = new Set<Connection>();
  const perIp = new Map<string, number>();
  const refusal = (peer: string): string | null => {
    const { maxConnections, maxConnectionsPerIp } = config;
    if (connections.size >= maxConnections) return `max.connections ${maxConnections} reached`;
    if ((perIp.get(peer) ?? 0) >= maxConnectionsPerIp) return `max.connections.per.ip ${maxConnectionsPerIp} reached for ${peer}`;
    return null;
  };
  const listen = () => Bun.listen<Connection>({
    hostname: config.listener.host,
    port: config.listener.port,
    socket: {
      open(socket) {
        socket.setNoDelay(true);
        const b = broker();
        const peer = socket.remoteAddress;
        socket.data = new Connection(socket, b, peer);
        const refused = refusal(peer);
        if (refused !== null) return socket.data.cut(refused, true);
        connections.add(socket.data);
        perIp.set(peer, (perIp.get(peer) ?? 0) + 1);
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
        if (!connections.delete(socket.data)) return;
        const peer = socket.data.peer;
        const n = (perIp.get(peer) ?? 1) - 1;
        if (n === 0) perIp.delete(peer);
        else perIp.set(peer, n);
        broker().observer?.connectionClosed();
      },
      error(socket, error) {
        broker().log.debug("socket error", { peer: socket.remoteAddress, error: error.message });
      },
    },
  });
  let server: ReturnType<typeof listen>;
  try {
    server = listen();
  } catch (e) {
    throw bindError(e, "--listener-url", config.listener.host, config.listener.port);
  }
  const { connectionsMaxIdleMs, requestFrameTimeoutMs } = config;
  const sweep = setInterval(
    () => {
      const now = performance.now();
      for (const c of connections) {
        const reason = c.overdue(now);
        if (reason !== null) c.cut(reason, true);
      }
    },
    Math.max(10, Math.min(SWEEP_MS, connectionsMaxIdleMs / 4, requestFrameTimeoutMs / 4)),
  );
  sweep.unref();
  return {
    port: server.port,
    async stop(graceMs = 10_000) {
      clearInterval(sweep);
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
