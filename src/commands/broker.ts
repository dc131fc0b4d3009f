// `tansu broker`: the Kafka listener over one storage engine, and the admin side-port (loaded only
// when enabled).

import type { BrokerMetrics } from "../admin/index.ts";
import type { AdminServer } from "../admin/server.ts";
import type { Broker } from "../broker.ts";
import type { BrokerConfig } from "../config.ts";
import { handlerRegistry } from "../handlers/index.ts";
import { createLogger, type Logger } from "../log.ts";
import { ClientQuotas } from "../quotas/manager.ts";
import { describeListener, listenKafka } from "../server/listener.ts";
import type { ServerObserver } from "../server/observer.ts";
import type { LakeProgress } from "../lake/progress.ts";
import type { SinkCommits } from "../lake/sink.ts";
import type { LakeStore } from "../lake/store.ts";
import type { Engine } from "../storage/engine.ts";
import { openEngineWaiting } from "../storage/open.ts";
import { engineWhenOpen } from "../storage/when-open.ts";
import { unauthenticatedExposure } from "../auth/exposure.ts";
import { CleanerCheckpoints } from "../retention/dirty.ts";
import { CleanupProgress } from "../retention/progress.ts";
import { sweepRetention } from "../retention/sweep.ts";
import { every } from "../server/periodic.ts";
import { transactionContext } from "../transactions/context.ts";
import { sweepTransactions } from "../transactions/sweep.ts";

export interface RunningBroker {
  readonly broker: Broker;
  readonly port: number;
  /** null when the admin listener is disabled. */
  readonly adminPort: number | null;
  stop(): Promise<void>;
}

// a 0 ms timer, not setImmediate: immediates run before the event loop polls its sockets, the
// timer after, so a client that is already waiting is read before storage opens
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The storage URL without credentials or options, for logs before the engine has described itself. */
const storageDescription = (url: URL) => `${url.protocol}//${url.host}${url.pathname}`;

/** The TLS listeners' files, loaded (a bad one fails the start, naming it) and then watched; loaded only when a listener uses TLS. */
async function openTls(config: BrokerConfig, log: Logger) {
  if (config.tls === null) return null;
  const files = config.tls;
  const tls = await import("../auth/tls.ts");
  const loaded = await tls.loadTls(files);
  return {
    options: tls.serverTlsOptions(loaded),
    /** The admin port's https:// serves the same certificate (as loaded at start). */
    admin: { cert: loaded.cert, key: loaded.key },
    watch: (apply: (options: ReturnType<typeof tls.serverTlsOptions>) => void) => tls.watchTls(files, loaded, config.tlsCheckIntervalMs, log, (m) => apply(tls.serverTlsOptions(m))),
  };
}

/** What only some brokers use (SASL and its cryptography, ACLs), loaded only by them. */
async function securityParts(config: BrokerConfig) {
  const sasl = config.listeners.some((l) => l.securityProtocol === "SASL_PLAINTEXT" || l.securityProtocol === "SASL_SSL");
  return {
    sasl: sasl ? await import("../auth/sasl-session.ts") : null,
    acls: config.authorizer === null ? null : { ...(await import("../auth/acl-authorizer.ts")), ...(await import("../auth/acl-gate.ts")) },
  };
}

/** Topics with tansu.lake.format are exported under --lake-url (the lake code loads only then). */
async function startLake(url: URL, store: LakeStore, broker: Broker, sink: SinkCommits, progress: LakeProgress | undefined): Promise<() => void> {
  const { startLakeExport } = await import("../lake/exporter.ts");
  broker.log.info("lake export on", { lake: url.href });
  return startLakeExport({ engine: broker.engine, log: broker.log, config: broker.config, schemas: broker.schemas, store, sink, progress });
}

/**
 * Starts the listener over the engine `config.storageEngine` names, or over `shared`, an engine
 * already open (several brokers in one process over one store); the broker then leaves it open when
 * it stops.
 */
export async function startBroker(config: BrokerConfig, log: Logger = createLogger(config.logLevel), shared?: Engine): Promise<RunningBroker> {
  const tls = await openTls(config, log);
  const security = await securityParts(config);
  // before listening: a bad --lake-url (its S3 settings) fails the start like any other setting
  const lakeStore = config.lakeUrl === null ? undefined : await (await import("../lake/open-store.ts")).openLakeStore(config.lakeUrl, process.env);
  const registry = config.schemaRegistry;
  const schemas = registry === null ? undefined : await (await import("../schema/registry.ts")).openSchemaRegistry(registry, log, config.schemaRegistryCheckIntervalMs, process.env);
  let instrument = (engine: Engine) => engine;
  let observer: ServerObserver | undefined;
  let metrics: BrokerMetrics | undefined;
  if (config.adminListener !== null) {
    const m = await import("../admin/index.ts");
    const brokerMetrics = new m.BrokerMetrics();
    metrics = brokerMetrics;
    instrument = (engine) => m.instrumentEngine(engine, brokerMetrics);
    observer = m.metricsObserver(brokerMetrics);
  }
  // The listener comes first and storage opens one event-loop turn later: a client that connected
  // at once gets its ApiVersions answered while storage opens; requests that need storage wait.
  const openingStore = shared !== undefined ? Promise.resolve(shared) : nextTurn().then(() => openEngineWaiting(config.storageEngine, config.waitForStorage, log, storageDescription(config.storageEngine)));
  // the bootstrap user exists before any request reaches storage (SASL looks credentials up there)
  const opening = openingStore.then(async (e) => {
    if (config.adminUser !== null) await (await import("../auth/admin-user.ts")).ensureAdminUser(e, config.adminUser, log);
    return e;
  });
  const engine = engineWhenOpen(opening.then(instrument), storageDescription(config.storageEngine));
  const { acls, sasl } = security;
  const authorizer = acls === null || config.authorizer === null ? undefined : new acls.StoredAclAuthorizer(engine, log, config.authorizer);
  const handlers = handlerRegistry(acls === null || authorizer === undefined ? undefined : acls.untilAclsLoaded(authorizer.loaded));
  const saslSession = sasl === null ? undefined : (b: Broker) => new sasl.SaslSession({
    mechanisms: config.saslEnabledMechanisms,
    reauthMs: config.connectionsMaxReauthMs,
    credentials: (user) => b.engine.scramCredentials(user),
    now: Date.now,
  });
  const listener = listenKafka(config, () => broker, tls?.options ?? null, saslSession);
  const [first] = listener.listeners;
  const sink = config.lakeUrl === null ? undefined : new (await import("../lake/sink.ts")).SinkCommits();
  const lakeProgress = config.lakeUrl === null ? undefined : new (await import("../lake/progress.ts")).LakeProgress();
  const broker: Broker = { config, engine, log, advertised: first!.advertised, listeners: listener.listeners, handlers, observer, schemas, quotas: new ClientQuotas(engine, log), authorizer, lake: sink };
  // listener= and advertised= name the first listener; listeners= and advertisedListeners= all of them
  const plainOnly = listener.listeners.length === 1 && first!.securityProtocol === "PLAINTEXT";
  log.info("broker listening", {
    listener: `${first!.endpoint.host}:${first!.endpoint.port}`,
    advertised: `${broker.advertised.host}:${broker.advertised.port}`,
    listeners: plainOnly ? undefined : listener.listeners.map(describeListener).join(","),
    advertisedListeners: plainOnly ? undefined : listener.listeners.map((l) => describeListener({ ...l, endpoint: l.advertised })).join(","),
    storage: engine.description,
    schemas: registry?.href,
    cluster: config.clusterId,
    node: config.nodeId,
    // since the process started (performance's time origin)
    startMs: performance.now().toFixed(1),
  });
  let opened: Engine;
  try {
    opened = await opening;
  } catch (e) {
    await listener.stop(0);
    throw e;
  }
  log.info("storage open", { storage: opened.description, startMs: performance.now().toFixed(1) });
  const exposed = unauthenticatedExposure(listener.listeners, config.tls?.ca != null);
  if (exposed.length > 0) log.warn("listening beyond loopback without authentication: anyone who reaches these listeners may use the broker (use sasl+tcp://, sasl+tls:// or --tls-ca)", { listeners: exposed.join(",") });
  // after the Kafka listener: a scaled-to-zero broker's first client should not wait for it
  let admin: AdminServer | null = null;
  const cleanup = new CleanupProgress();
  const checkpoints = new CleanerCheckpoints();
  if (config.adminListener !== null && metrics !== undefined) {
    try {
      admin = (await import("../admin/server.ts")).startAdmin(config.adminListener, { config, engine, metrics, cleanup, authorizer, lake: lakeProgress }, log, config.adminTls ? tls?.admin : undefined);
    } catch (e) {
      await listener.stop(0);
      if (shared === undefined) await opened.close();
      throw e;
    }
  }
  // the compiled binary starts with the JIT held back (package.json's build), so run-once start-up
  // code is not compiled; from here on, hot request paths tier up as usual
  Bun.unsafe.setJITPolicy(1);
  // requests other than ApiVersions wait until the ACLs are first read (auth/acl-gate.ts)
  authorizer?.start();
  const stopTransactionSweep = every(config.transactionAbortTimedOutTransactionCleanupIntervalMs, "transaction sweep", log, () => sweepTransactions(transactionContext(broker), config));
  const stopTlsWatch = tls?.watch((options) => listener.reloadTls(options));
  const stopLakeExport = config.lakeUrl === null || lakeStore === undefined || sink === undefined ? undefined : await startLake(config.lakeUrl, lakeStore, broker, sink, lakeProgress);
  const stopRetentionSweep = every(config.logRetentionCheckIntervalMs, "retention sweep", log, () => sweepRetention({ engine, log, config, progress: admin === null ? undefined : cleanup, checkpoints }));
  let stopping: Promise<void> | undefined;
  return {
    broker,
    port: listener.port,
    adminPort: admin?.port ?? null,
    stop() {
      stopping ??= (async () => {
        stopTransactionSweep();
        stopRetentionSweep();
        stopLakeExport?.();
        stopTlsWatch?.();
        authorizer?.stop();
        await listener.stop();
        await admin?.stop();
        if (shared === undefined) await opened.close();
        log.info("broker stopped");
      })();
      return stopping;
    },
  };
}
