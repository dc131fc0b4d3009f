// What every upstream connection goes through before it carries a client request: ApiVersions (which
// Kafka answers before authentication), then, with SASL, the proxy's own SaslHandshake and
// SaslAuthenticate. With TLS, a refused TLS handshake fails the ApiVersions request. A failure to
// authenticate is logged once for each distinct reason until a connection succeeds again, however
// many client connections it closes. There is no re-authentication (KIP-368): an upstream with
// connections.max.reauth.ms closes a connection when its session ends, and with it the client
// connections bound to it, which reconnect.

import type { BrokerConnection } from "../client/connection.ts";
import { authenticate } from "../client/sasl.ts";
import { type BrokerVersions, brokerVersions } from "../client/versions.ts";
import type { Logger } from "../log.ts";
import { SaslAuthenticateApi } from "../protocol/generated/sasl-authenticate.ts";
import type { UpstreamSecurity } from "./upstream-security.ts";

export class UpstreamHandshake {
  /** Failure messages already logged. */
  private readonly logged = new Set<string>();

  constructor(
    private readonly security: UpstreamSecurity,
    private readonly log: Logger,
  ) {}

  async run(connection: BrokerConnection): Promise<BrokerVersions> {
    const { securityProtocol, sasl } = this.security;
    try {
      const versions = await brokerVersions(connection);
      if (sasl !== null) await authenticate(connection, sasl, Math.min(versions.get(SaslAuthenticateApi.apiKey)?.max ?? 0, SaslAuthenticateApi.maxVersion));
      this.logged.clear();
      return versions;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      if (securityProtocol !== "PLAINTEXT" && !this.logged.has(reason)) {
        this.logged.add(reason);
        this.log.error("upstream authentication failed: client connections through it are closed", { upstream: connection.name, securityProtocol, mechanism: sasl?.mechanism, user: sasl?.username, reason });
      }
      throw e;
    }
  }
}
