// Connections to the upstream cluster, each through upstream-handshake.ts as it opens. Shared
// ones: at most --upstream-connections per upstream broker address, opened on first use, each
// carrying the requests of many clients (the proxy's own correlation ids tell them apart); clients
// take turns among them. Dedicated ones: one client's alone, for clients whose requests wait in the
// broker (see client-connection.ts), closed by that client.

import { type Address, formatAddress } from "../client/address.ts";
import { BrokerConnection } from "../client/connection.ts";
import { ClientError } from "../client/errors.ts";
import type { Logger } from "../log.ts";
import { proxyVersions, type ProxyVersions } from "./api-versions.ts";
import type { ProxyConfig } from "./config.ts";
import type { ProxyInstruments } from "./instruments.ts";
import type { ProxyMetrics } from "./metrics.ts";
import { UpstreamHandshake } from "./upstream-handshake.ts";

export interface Upstream {
  readonly connection: BrokerConnection;
  /** What clients bound to this connection may use. */
  readonly versions: ProxyVersions;
  /** Where requests on this connection are counted and timed; null without the admin port. */
  readonly metrics: ProxyMetrics | null;
  /** `listener` runs once the connection has closed; the function returned forgets it. */
  onClose(listener: () => void): () => void;
}

const CLIENT_ID = "tansu-proxy";
/** Responses are bounded by what clients ask for (a Fetch's maxBytes), not by the proxy. */
const MAX_RESPONSE_BYTES = 1 << 30;

export class UpstreamPool {
  /** Per address, its connections (undefined: not open). */
  private readonly slots = new Map<string, (Promise<Upstream> | undefined)[]>();
  private readonly turns = new Map<string, number>();
  private bootstrapTurn = 0;
  private readonly dedicatedOnes = new Set<Promise<Upstream>>();
  private closed = false;
  private readonly handshake: UpstreamHandshake;

  constructor(
    private readonly config: ProxyConfig,
    private readonly log: Logger,
    private readonly instruments: ProxyInstruments | null = null,
  ) {
    this.handshake = new UpstreamHandshake(config.upstreamSecurity, log);
  }

  /** One of `address`'s connections, each in turn. */
  acquire(address: Address): Promise<Upstream> {
    if (this.closed) return Promise.reject(new ClientError("closed", "the proxy is stopping"));
    const key = formatAddress(address);
    const slots = this.slots.get(key) ?? new Array<Promise<Upstream> | undefined>(this.config.upstreamConnections).fill(undefined);
    this.slots.set(key, slots);
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, (turn + 1) % slots.length);
    const existing = slots[turn];
    if (existing !== undefined) return existing;
    const opening = this.open(address, "shared", () => {
      if (slots[turn] === opening) slots[turn] = undefined;
    });
    slots[turn] = opening;
    return opening;
  }

  /** A new connection to `address` for one client only; the client closes it. */
  dedicated(address: Address): Promise<Upstream> {
    if (this.closed) return Promise.reject(new ClientError("closed", "the proxy is stopping"));
    const opening = this.open(address, "dedicated", () => this.dedicatedOnes.delete(opening));
    this.dedicatedOnes.add(opening);
    return opening;
  }

  /** A connection to one of --upstream's brokers: each in turn, until one answers. */
  async bootstrap(): Promise<Upstream> {
    const { upstream } = this.config;
    const first = this.bootstrapTurn;
    this.bootstrapTurn = (first + 1) % upstream.length;
    const failures: string[] = [];
    for (let i = 0; i < upstream.length; i++) {
      try {
        return await this.acquire(upstream[(first + i) % upstream.length]!);
      } catch (e) {
        failures.push(e instanceof Error ? e.message : String(e));
      }
    }
    throw new ClientError("connect-failed", `no upstream bootstrap broker answered: ${failures.join("; ")}`);
  }

  /** Closes every upstream connection; acquire() fails from now on. */
  close(): void {
    this.closed = true;
    const open = [...[...this.slots.values()].flat(), ...this.dedicatedOnes];
    this.slots.clear();
    this.dedicatedOnes.clear();
    for (const p of open) p?.then((u) => u.connection.close(), () => {});
  }

  private async open(address: Address, kind: "shared" | "dedicated", forget: () => void): Promise<Upstream> {
    const name = formatAddress(address);
    const listeners = new Set<() => void>();
    let ready = false;
    const onClose = () => {
      forget();
      // a dedicated connection closes with its client; one that never got ready was reported by its opener
      if (ready && !this.closed) (kind === "shared" ? this.log.info : this.log.debug)("upstream connection closed", { upstream: name, kind });
      if (ready) this.instruments?.readiness.closed();
      for (const l of listeners) l();
      listeners.clear();
    };
    const { connectTimeoutMs, requestTimeoutMs } = this.config;
    let connection: BrokerConnection;
    try {
      connection = await BrokerConnection.open(address, { clientId: CLIENT_ID, connectTimeoutMs, requestTimeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES, tls: this.config.upstreamSecurity.tls, onClose });
    } catch (e) {
      forget();
      this.instruments?.readiness.failed();
      throw e;
    }
    try {
      const versions = proxyVersions(await this.handshake.run(connection));
      if (this.closed) throw new ClientError("closed", "the proxy is stopping");
      ready = true;
      this.instruments?.readiness.opened();
      this.log.debug("upstream connection open", { upstream: name, kind });
      return {
        connection,
        versions,
        metrics: this.instruments?.metrics ?? null,
        onClose(listener) {
          if (connection.closed) queueMicrotask(listener);
          else listeners.add(listener);
          return () => listeners.delete(listener);
        },
      };
    } catch (e) {
      connection.close();
      this.instruments?.readiness.failed();
      throw e;
    }
  }
}
