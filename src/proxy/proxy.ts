// `tansu proxy`'s listeners: the bootstrap port, whose clients reach any upstream bootstrap broker
// that answers, and one port per upstream node (node-ports.ts), whose clients reach that node at the
// address the upstream last gave for it. Every broker address a client is told is the proxy's.

import type { TCPSocketListener } from "bun";
import { type Address, formatAddress } from "../client/address.ts";
import { ClientError } from "../client/errors.ts";
import type { Endpoint } from "../config.ts";
import type { Logger } from "../log.ts";
import { bindError } from "../server/bind-error.ts";
import { ConnectionLimits } from "../server/connection-limits.ts";
import { sweepOverdue } from "../server/liveness.ts";
import type { Advertise } from "./advertise.ts";
import { ClientConnection, type ProxyContext, type Route } from "./client-connection.ts";
import type { ProxyConfig } from "./config.ts";
import type { ProxyInstruments } from "./instruments.ts";
import { NodePorts } from "./node-ports.ts";
import { ProduceBatches } from "./produce-batches.ts";
import { UpstreamPool } from "./upstream.ts";
import type { ProduceValidator } from "./validate-produce.ts";

export interface RunningProxy {
  /** The bootstrap port as bound. */
  readonly port: number;
  /** What clients are told for the bootstrap port. */
  readonly advertised: Endpoint;
  stop(): void;
}

/** The listener's own address when none is advertised (0.0.0.0 → localhost); port 0 → the bound port. */
function advertisedBootstrap(config: ProxyConfig, boundPort: number): Endpoint {
  const { listener, advertisedListener } = config;
  const host = advertisedListener?.host ?? (listener.host === "0.0.0.0" || listener.host === "::" ? "localhost" : listener.host);
  const port = advertisedListener === null || advertisedListener.port === 0 ? boundPort : advertisedListener.port;
  return { host, port };
}

/**
 * `produceValidator`: Produce requests' schema checks (--schema-registry), or null. `instruments`:
 * what the admin side-port reads, or null without it.
 */
export function startProxy(config: ProxyConfig, log: Logger, produceValidator: ProduceValidator | null, instruments: ProxyInstruments | null): RunningProxy {
  const pool = new UpstreamPool(config, log, instruments);
  const upstreamNodes = new Map<number, Address>();
  const connections = new Set<ClientConnection>();
  const limits = new ConnectionLimits(config);
  const stopSweep = sweepOverdue(connections, config, (c, reason) => c.cut(reason));
  const servers: TCPSocketListener<ClientConnection>[] = [];
  const { produceLingerMs, produceBatchMaxBytes, requestTimeoutMs } = config;
  const produceBatches = produceLingerMs === 0 ? null : new ProduceBatches({ lingerMs: produceLingerMs, maxBytes: produceBatchMaxBytes, requestTimeoutMs }, (address) => pool.dedicated(address));
  const listen = (port: number, route: Route) => {
    const server = Bun.listen<ClientConnection>({
      hostname: config.listener.host,
      port,
      socket: {
        open(socket) {
          socket.setNoDelay(true);
          socket.data = new ClientConnection(socket, route, context, socket.remoteAddress);
          const refused = limits.admit(socket.data.peer);
          if (refused !== null) return socket.data.cut(refused);
          connections.add(socket.data);
          instruments?.metrics.clientOpened();
        },
        data: (socket, chunk) => socket.data.onData(chunk),
        drain: (socket) => socket.data.onDrain(),
        close(socket) {
          socket.data.onClose();
          if (!connections.delete(socket.data)) return;
          limits.closed(socket.data.peer);
          instruments?.metrics.clientClosed();
        },
        error: (socket, error) => log.debug("client socket error", { peer: socket.remoteAddress, error: error.message }),
      },
    });
    servers.push(server);
    return server.port;
  };
  const advertise: Advertise = (nodeId, upstream) => {
    const before = upstreamNodes.get(nodeId);
    if (before === undefined || formatAddress(before) !== formatAddress(upstream)) {
      log.info("upstream node", { node: nodeId, upstream: formatAddress(upstream), was: before === undefined ? undefined : formatAddress(before) });
      upstreamNodes.set(nodeId, upstream);
    }
    return nodePorts.advertised(nodeId);
  };
  const context: ProxyContext = {
    config,
    log,
    advertise,
    produceValidator,
    produceBatches,
    bind(route) {
      if (route.kind === "bootstrap") return pool.bootstrap();
      const address = upstreamNodes.get(route.nodeId);
      if (address === undefined) return Promise.reject(new ClientError("connect-failed", `upstream node ${route.nodeId} has no known address`));
      return pool.acquire(address);
    },
    dedicated: (address) => pool.dedicated(address),
  };
  const { host } = config.listener;
  let boundPort: number;
  try {
    boundPort = listen(config.listener.port, { kind: "bootstrap" });
  } catch (e) {
    throw bindError(e, "--listener-url", host, config.listener.port);
  }
  const advertised = advertisedBootstrap(config, boundPort);
  const nodePorts = new NodePorts({
    host,
    bootstrapPort: config.listener.port,
    advertisedHost: advertised.host,
    advertisedBase: config.listener.port === 0 ? null : advertised.port,
    maxNodeId: config.maxNodeId,
    log,
    listen(nodeId, port) {
      try {
        return listen(port, { kind: "node", nodeId });
      } catch (e) {
        throw bindError(e, `node ${nodeId}'s port`, host, port);
      }
    },
  });
  instruments?.readiness.start(() => pool.bootstrap());
  return {
    port: boundPort,
    advertised,
    stop() {
      stopSweep();
      instruments?.readiness.stop();
      for (const s of servers) s.stop(true);
      for (const c of connections) c.cut("the proxy is stopping");
      produceBatches?.close(new ClientError("closed", "the proxy is stopping"));
      pool.close();
    },
  };
}
