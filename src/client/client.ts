// A small Kafka client: a bootstrap broker, the brokers Metadata advertises, one negotiated
// connection per broker address, and requests at the highest version both sides know.

import type { ApiMessages } from "../protocol/api.ts";
import { MetadataApi, type MetadataResponse } from "../protocol/generated/metadata.ts";
import { SaslAuthenticateApi } from "../protocol/generated/sasl-authenticate.ts";
import { ZERO_UUID } from "../protocol/primitives.ts";
import { type Address, formatAddress, parseBootstrap } from "./address.ts";
import { BrokerConnection } from "./connection.ts";
import { ClientError } from "./errors.ts";
import { authenticate, type SaslCredentials } from "./sasl.ts";
import { type BrokerVersions, brokerVersions, negotiate } from "./versions.ts";

export interface ClientOptions {
  clientId?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxResponseBytes?: number;
  /** TLS to every broker (SSL and SASL_SSL); null: plaintext. */
  tls?: { ca?: string } | null;
  /** Authenticate every connection (SASL_PLAINTEXT and SASL_SSL); null: no SASL. */
  sasl?: SaslCredentials | null;
}

export interface RequestOptions {
  /** A node id from Metadata; the bootstrap broker when absent. */
  node?: number;
  /** The highest version to use, below the codec's own maximum. */
  maxVersion?: number;
  timeoutMs?: number;
}

interface Negotiated {
  connection: BrokerConnection;
  versions: BrokerVersions;
}

const DEFAULTS: Required<ClientOptions> = { clientId: "tansu-cli", connectTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxResponseBytes: 256 << 20, tls: null, sasl: null };

export class KafkaClient {
  private readonly pool = new Map<string, Promise<Negotiated>>();
  private readonly nodes = new Map<number, Address>();
  private controllerId = -1;

  private constructor(
    readonly bootstrap: Address,
    private readonly options: Required<ClientOptions>,
  ) {}

  /** Connects to the first bootstrap broker (`host:port[,host:port…]`) that answers ApiVersions. */
  static async connect(bootstrap: string | readonly Address[], options: ClientOptions = {}): Promise<KafkaClient> {
    const addresses = typeof bootstrap === "string" ? parseBootstrap(bootstrap) : bootstrap;
    if (addresses === null || addresses.length === 0) throw new ClientError("connect-failed", `bad bootstrap address ${JSON.stringify(bootstrap)}`);
    let failure: unknown;
    for (const address of addresses) {
      const client = new KafkaClient(address, { ...DEFAULTS, ...options });
      try {
        await client.broker(address);
        return client;
      } catch (e) {
        failure = e;
        await client.close();
      }
    }
    throw failure;
  }

  /** The controller from the last Metadata (admin requests go there), else the bootstrap broker. */
  get controller(): number | undefined {
    return this.nodes.has(this.controllerId) ? this.controllerId : undefined;
  }

  /** Sends a request built for the negotiated version. */
  async request<Request, Response>(api: ApiMessages<Request, Response>, build: (version: number) => Request, options: RequestOptions = {}): Promise<Response> {
    const { connection, version } = await this.negotiated(api, options);
    return connection.request(api, version, build(version), options.timeoutMs);
  }

  /** Sends a request the broker does not answer (Produce with acks=0); resolves once it is written. */
  async send<Request, Response>(api: ApiMessages<Request, Response>, build: (version: number) => Request, options: RequestOptions = {}): Promise<void> {
    const { connection, version } = await this.negotiated(api, options);
    return connection.send(api, version, build(version));
  }

  /** Metadata for the named topics (null: all); remembers the brokers it advertises. */
  async metadata(topics: readonly string[] | null, allowAutoTopicCreation = false): Promise<MetadataResponse> {
    const response = await this.request(MetadataApi, (version) => ({
      // v0 has no null: an empty list asks for all topics
      topics: topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ topicId: ZERO_UUID, name })),
      allowAutoTopicCreation,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }));
    for (const b of response.brokers) this.nodes.set(b.nodeId, { host: b.host, port: b.port });
    this.controllerId = response.controllerId;
    return response;
  }

  async close(): Promise<void> {
    const open = [...this.pool.values()];
    this.pool.clear();
    await Promise.all(open.map((p) => p.then((n) => n.connection.close(), () => {})));
  }

  private async negotiated(api: ApiMessages<unknown, unknown>, options: RequestOptions): Promise<{ connection: BrokerConnection; version: number }> {
    const address = options.node === undefined ? this.bootstrap : this.nodes.get(options.node);
    if (address === undefined) throw new ClientError("protocol", `broker ${options.node} is not in the cluster's metadata`);
    const { connection, versions } = await this.broker(address);
    const version = negotiate(api, versions, options.maxVersion);
    if (version === null) {
      const range = versions.get(api.apiKey);
      const has = range === undefined ? "none" : `v${range.min}–${range.max}`;
      throw new ClientError("unsupported-version", `${connection.name} does not support ${api.name} v${api.minVersion}–${Math.min(api.maxVersion, options.maxVersion ?? api.maxVersion)} (it has ${has})`);
    }
    return { connection, version };
  }

  private broker(address: Address): Promise<Negotiated> {
    const key = formatAddress(address);
    const existing = this.pool.get(key);
    if (existing !== undefined) return existing;
    const forget = () => {
      if (this.pool.get(key) === opening) this.pool.delete(key);
    };
    const opening = (async (): Promise<Negotiated> => {
      const connection = await BrokerConnection.open(address, { ...this.options, onClose: forget });
      try {
        const versions = await brokerVersions(connection);
        const sasl = this.options.sasl;
        if (sasl !== null) await authenticate(connection, sasl, Math.min(versions.get(SaslAuthenticateApi.apiKey)?.max ?? 0, SaslAuthenticateApi.maxVersion));
        return { connection, versions };
      } catch (e) {
        connection.close();
        throw e;
      }
    })();
    this.pool.set(key, opening);
    opening.catch(forget);
    return opening;
  }
}

export function connect(bootstrap: string | readonly Address[], options: ClientOptions = {}): Promise<KafkaClient> {
  return KafkaClient.connect(bootstrap, options);
}
