// What every handler may use: configuration, storage, logging and the broker's identity.

import type { Authorizer } from "./auth/authorizer.ts";
import type { BrokerConfig, Endpoint, SecurityProtocol } from "./config.ts";
import type { HandlerRegistry } from "./handlers/registry.ts";
import type { LakeSink } from "./lake/sink.ts";
import type { Logger } from "./log.ts";
import type { ClientQuotas } from "./quotas/manager.ts";
import type { SchemaRegistry } from "./schema/registry.ts";
import type { ServerObserver } from "./server/observer.ts";
import type { Engine } from "./storage/engine.ts";

/** One of the broker's listeners once bound. */
export interface Listener {
  readonly securityProtocol: SecurityProtocol;
  /** Where it listens, with the port it bound. */
  readonly endpoint: Endpoint;
  /** What a client that connected through this listener is told to connect to. */
  readonly advertised: Endpoint;
}

export interface Broker {
  readonly config: BrokerConfig;
  readonly engine: Engine;
  readonly log: Logger;
  /**
   * The address every broker reports as the only broker of the cluster: leader of every
   * partition, coordinator of every group and controller. Any broker over the same storage can
   * answer any request, so clients behind a load balancer see one broker. A client is told the
   * address of the listener it connected through; this is the first listener's.
   */
  readonly advertised: Endpoint;
  /** Every listener, in --listener-url's order; absent in handler tests. */
  readonly listeners?: readonly Listener[];
  /** Handlers by API key; ApiVersions is built from it. */
  readonly handlers: HandlerRegistry;
  /** Where a sink topic's produce waits for the lake tables; absent without --lake-url. */
  readonly lake?: LakeSink;
  /** Topic schemas produced records must fit; absent without --schema-registry. */
  readonly schemas?: SchemaRegistry;
  /** Told of connections and requests (metrics); absent when nothing listens. */
  readonly observer?: ServerObserver;
  /** Client quotas this broker enforces; absent where nothing enforces them (handler tests). */
  readonly quotas?: ClientQuotas;
  /** Checks every request against the stored ACLs; absent when no authorizer is configured (everything is allowed). */
  readonly authorizer?: Authorizer;
}
