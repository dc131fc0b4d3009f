// The Kafka protocol listeners on Bun's TCP server, plain or TLS, one per --listener-url entry. A
// connection beyond max.connections or max.connections.per.ip (counted over all listeners) is
// closed as it opens; a sweep closes idle connections and frames that take too long to arrive. A
// TLS connection whose handshake fails (a plaintext client, an untrusted or missing client
// certificate) is closed with one debug line. New TLS options take effect by listening again on the
// same port: established connections keep their session.

import type { TCPSocketListener, TLSOptions } from "bun";
import { ANONYMOUS_PRINCIPAL } from "../auth/authorizer.ts";
import { afterHandshake } from "../auth/tls-principal.ts";
import type { SaslSession } from "../auth/sasl-session.ts";
import type { Broker, Listener } from "../broker.ts";
import { type BrokerConfig, type Endpoint, type ListenerConfig, usesTls } from "../config.ts";
import { bindError } from "./bind-error.ts";
import { Connection } from "./connection.ts";
import { ConnectionLimits } from "./connection-limits.ts";
import { sweepOverdue } from "./liveness.ts";

export interface KafkaListener {
  /** The first listener's bound port. */
  readonly port: number;
  readonly listeners: readonly Listener[];
  /** New connections to the TLS listeners use `tls` from now on (until stop). */
  reloadTls(tls: TLSOptions): void;
  /**
   * Stops accepting and reading requests, answers those already read (long polls answer early),
   * writes their responses, then closes; connections still busy after `graceMs` are cut.
   */
  stop(graceMs?: number): Promise<void>;
}

/** What clients of a listener are told: its advertised address, else its own (0.0.0.0 → localhost); port 0 → the bound port. */
function advertise(l: ListenerConfig, boundPort: number): Endpoint {
  const a = l.advertised;
  if (a === null) {
    const host = l.endpoint.host === "0.0.0.0" || l.endpoint.host === "::" ? "localhost" : l.endpoint.host;
    return { host, port: boundPort };
  }
  return { host: a.host, port: a.port === 0 ? boundPort : a.port };
}

const hostPort = ({ host, port }: Endpoint) => `${host.includes(":") ? `[${host}]` : host}:${port}`;

/** "SSL://127.0.0.1:9093", as Kafka writes a listener. */
export const describeListener = (l: Listener) => `${l.securityProtocol}://${hostPort(l.endpoint)}`;

/**
 * `saslSession`: a new connection's SASL authentication, for SASL listeners (absent when none is
 * configured, so SASL's code is not loaded).
 */
export function listenKafka(config: BrokerConfig, broker: () => Broker, tls: TLSOptions | null = null, saslSession?: (broker: Broker) => SaslSession): KafkaListener {
  const connections = new Set<Connection>();
  const limits = new ConnectionLimits(config);
  let current = tls;
  const listen = (host: string, port: number, secure: boolean, listener: () => Listener) => Bun.listen<Connection>({
    hostname: host,
    port,
    tls: secure ? (current ?? undefined) : undefined,
    socket: {
      open(socket) {
        socket.setNoDelay(true);
        const b = broker();
        const peer = socket.remoteAddress;
        const l = listener();
        const sasl = l.securityProtocol === "SASL_PLAINTEXT" || l.securityProtocol === "SASL_SSL" ? saslSession?.(b) : undefined;
        socket.data = new Connection(socket, b, peer, l, sasl);
        const refused = limits.admit(peer);
        if (refused !== null) return socket.data.cut(refused, true);
        connections.add(socket.data);
        b.observer?.connectionOpened();
      },
      // only TLS sockets: open runs before the handshake, this once it has ended
      handshake(socket, success, error) {
        const log = broker().log;
        const { peer } = socket.data;
        const outcome = afterHandshake(socket, success, error, current?.requestCert === true);
        if ("refused" in outcome) {
          log.debug("TLS handshake failed", { peer, listener: describeListener(listener()), error: outcome.refused });
          return socket.terminate();
        }
        socket.data.principal = outcome.principal;
        if (outcome.principal !== ANONYMOUS_PRINCIPAL) log.debug("connection authenticated", { peer, principal: outcome.principal });
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
        limits.closed(socket.data.peer);
        broker().observer?.connectionClosed();
      },
      error(socket, error) {
        broker().log.debug("socket error", { peer: socket.remoteAddress, error: error.message });
      },
    },
  });
  /** Each listener's servers: the last one accepts; earlier ones (before a TLS reload) only serve their connections. */
  const servers: TCPSocketListener<Connection>[][] = [];
  const listeners: Listener[] = [];
  const stopAll = (closeActiveConnections: boolean) => {
    for (const s of servers.flat()) s.stop(closeActiveConnections);
  };
  if (tls === null && config.listeners.some((l) => usesTls(l.securityProtocol))) throw new Error("--listener-url: a TLS listener without TLS options");
  for (const [i, l] of config.listeners.entries()) {
    try {
      const server = listen(l.endpoint.host, l.endpoint.port, usesTls(l.securityProtocol), () => listeners[i]!);
      servers.push([server]);
      listeners.push({ securityProtocol: l.securityProtocol, endpoint: { host: l.endpoint.host, port: server.port }, advertised: advertise(l, server.port) });
    } catch (e) {
      stopAll(true);
      throw bindError(e, "--listener-url", l.endpoint.host, l.endpoint.port);
    }
  }
  const stopSweep = sweepOverdue(connections, config, (c, reason) => c.cut(reason, true));
  let stopped = false;
  return {
    port: listeners[0]!.endpoint.port,
    listeners,
    reloadTls(next) {
      if (stopped) return;
      current = next;
      for (const [i, listener] of listeners.entries()) {
        if (!usesTls(listener.securityProtocol)) continue;
        const own = servers[i]!;
        // the port is free only once the old server stops accepting; its connections stay
        own.at(-1)!.stop(false);
        try {
          own.push(listen(listener.endpoint.host, listener.endpoint.port, true, () => listener));
        } catch (e) {
          broker().log.error("TLS listener cannot listen again with the new certificate", { listener: describeListener(listener), error: bindError(e, "--listener-url", listener.endpoint.host, listener.endpoint.port).message });
        }
      }
    },
    async stop(graceMs = 10_000) {
      stopped = true;
      stopSweep();
      stopAll(false);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all([...connections].map((c) => c.drain())), grace]);
      clearTimeout(timer);
      stopAll(true);
    },
  };
}
