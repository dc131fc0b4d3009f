// A laptop default (plaintext on 0.0.0.0, no authorizer) is fine until the port is reachable by
// others: the broker says so once at start when a listener beyond loopback authenticates nobody.

import type { ListenerConfig } from "../config.ts";

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$/i;

/** The listeners that accept anyone from beyond loopback: no SASL, and no client certificates required. */
export function unauthenticatedExposure(listeners: readonly Pick<ListenerConfig, "securityProtocol" | "endpoint">[], mutualTls: boolean): string[] {
  return listeners
    .filter((l) => !LOOPBACK.test(l.endpoint.host))
    .filter((l) => l.securityProtocol === "PLAINTEXT" || (l.securityProtocol === "SSL" && !mutualTls))
    .map((l) => `${l.securityProtocol} ${l.endpoint.host}:${l.endpoint.port}`);
}
