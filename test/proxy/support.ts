// Starts `bun src/main.ts proxy` in front of an upstream cluster on a free loopback port for tests,
// and reads back the ports it logged.

import { join } from "node:path";
import type { Subprocess } from "bun";

export interface TestProxy {
  /** The bootstrap port. */
  readonly port: number;
  /** "127.0.0.1:PORT" */
  readonly bootstrap: string;
  /** The admin side-port's base URL ("http://127.0.0.1:PORT"), null unless asked for. */
  readonly adminUrl: string | null;
  /** Everything the proxy wrote to stderr so far. */
  logs(): string;
  /** Node id → the port its listener bound, as logged. */
  nodePorts(): Map<number, number>;
  /** SIGTERM, then wait for exit; returns the exit code. */
  stop(): Promise<number>;
}

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

export interface ProxyOptions {
  /** Serve the admin side-port on a free loopback port (adminUrl). */
  admin?: boolean;
}

/** `upstream`: "host:port[,host:port…]"; `args` come after the defaults, so they win. */
export async function startProxy(upstream: string, args: string[] = [], options: ProxyOptions = {}): Promise<TestProxy> {
  const admin = options.admin === true ? ["--admin-listener-url", "http://127.0.0.1:0"] : [];
  const defaults = ["--upstream", `kafka://${upstream}`, "--listener-url", "tcp://127.0.0.1:0", "--admin-listener-url", "", ...admin];
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn([process.execPath, MAIN, "proxy", ...defaults, ...args], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, LOG_LEVEL: "info" },
  });
  let log = "";
  const decoder = new TextDecoder();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy did not start:\n${log}`)), 15_000);
    void (async () => {
      for await (const chunk of proc.stderr) {
        log += decoder.decode(chunk, { stream: true });
        const m = /proxy listening listener=\S*:(\d+)/.exec(log);
        if (m && (admin.length === 0 || log.includes("admin listening"))) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      }
      clearTimeout(timer);
      reject(new Error(`proxy exited before listening:\n${log}`));
    })();
  });
  const adminPort = /admin listening listener=\S*:(\d+)/.exec(log)?.[1];
  return {
    port,
    bootstrap: `127.0.0.1:${port}`,
    adminUrl: adminPort === undefined ? null : `http://127.0.0.1:${adminPort}`,
    logs: () => log,
    nodePorts: () => new Map([...log.matchAll(/proxy node listening node=(\d+) listener=\S*:(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])])),
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
      const code = await proc.exited;
      clearTimeout(timer);
      return code;
    },
  };
}
