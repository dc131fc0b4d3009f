// The proxy port of each upstream node, its listener opened the first time an answer names the node.
// Node N listens on the bootstrap port + 1 + N, for N up to --max-node-id: a fixed range a
// deployment can open, and an address a client may cache across proxy restarts. With bootstrap port
// 0 (tests) each node gets a free port instead, remembered here. A node without a port (its id out
// of range, its port taken) is logged once and left out of every answer.

import { formatAddress } from "../client/address.ts";
import type { Endpoint } from "../config.ts";
import type { Logger } from "../log.ts";

/** The port rule: bootstrap port + 1 + node id. */
export const nodePort = (bootstrapPort: number, nodeId: number) => bootstrapPort + 1 + nodeId;

export interface NodePortsOptions {
  /** Where node listeners listen. */
  host: string;
  /** The bootstrap port as configured (0: every node takes a free port). */
  bootstrapPort: number;
  /** The host clients are told. */
  advertisedHost: string;
  /** The advertised bootstrap port node ports count from; null: tell clients each node's bound port. */
  advertisedBase: number | null;
  maxNodeId: number;
  /** Opens node `nodeId`'s listener on `port` (0: a free one) and returns the bound port; throws when it cannot. */
  listen(nodeId: number, port: number): number;
  log: Logger;
}

export class NodePorts {
  /** Per node id, the address clients are told. */
  private readonly open = new Map<number, Endpoint>();
  /** Nodes left out, so that each is logged once. */
  private readonly leftOut = new Set<number>();

  constructor(private readonly options: NodePortsOptions) {}

  /** The address clients are told for `nodeId`, or null when the node is left out. */
  advertised(nodeId: number): Endpoint | null {
    const known = this.open.get(nodeId);
    if (known !== undefined) return known;
    const { host, bootstrapPort, advertisedHost, advertisedBase, maxNodeId, listen, log } = this.options;
    if (nodeId < 0 || nodeId > maxNodeId) return this.leaveOut(nodeId, `node id ${nodeId} is outside 0..${maxNodeId} (--max-node-id)`);
    let bound: number;
    try {
      bound = listen(nodeId, bootstrapPort === 0 ? 0 : nodePort(bootstrapPort, nodeId));
    } catch (e) {
      return this.leaveOut(nodeId, e instanceof Error ? e.message : String(e));
    }
    this.leftOut.delete(nodeId);
    const endpoint = { host: advertisedHost, port: advertisedBase === null ? bound : nodePort(advertisedBase, nodeId) };
    this.open.set(nodeId, endpoint);
    log.info("proxy node listening", { node: nodeId, listener: formatAddress({ host, port: bound }), advertised: formatAddress(endpoint) });
    return endpoint;
  }

  private leaveOut(nodeId: number, reason: string): null {
    if (!this.leftOut.has(nodeId)) this.options.log.error("upstream node left out: clients are not told about it", { node: nodeId, reason });
    this.leftOut.add(nodeId);
    return null;
  }
}
