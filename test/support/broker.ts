// Starts a real broker process (`bun src/main.ts broker`, or another command such as the compiled
// binary) on a free loopback port for tests.

import { join } from "node:path";
import type { Subprocess } from "bun";

export interface TestBroker {
  readonly port: number;
  /** "127.0.0.1:PORT" */
  readonly bootstrap: string;
  /** The admin side-port's base URL ("http://127.0.0.1:PORT"), null unless asked for. */
  readonly adminUrl: string | null;
  readonly pid: number;
  /** Everything the broker wrote to stderr so far. */
  logs(): string;
  /** Whether the process has neither exited nor been killed by a signal. */
  running(): boolean;
  /** SIGTERM, then wait for exit; returns the exit code. */
  stop(): Promise<number>;
  /** Sends `signal` and waits for exit; returns the exit code (or the signal's number + 128). */
  kill(signal: NodeJS.Signals): Promise<number>;
}

export interface BrokerOptions {
  /** Serve the admin side-port on a free loopback port (adminUrl). */
  admin?: boolean;
  /** What runs before `broker` (default: this Bun with src/main.ts). */
  command?: string[];
}

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

export async function startBroker(args: string[] = [], env: Record<string, string> = {}, options: BrokerOptions = {}): Promise<TestBroker> {
  const command = options.command ?? [process.execPath, MAIN];
  const admin = options.admin === true ? ["--admin-listener-url", "http://127.0.0.1:0"] : [];
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(
    [...command, "broker", "--listener-url", "tcp://127.0.0.1:0", "--admin-listener-url", "", "--storage-engine", "memory://", ...admin, ...args],
    { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, LOG_LEVEL: "info", ...env } },
  );
  let log = "";
  const decoder = new TextDecoder();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start:\n${log}`)), 15_000);
    void (async () => {
      for await (const chunk of proc.stderr) {
        log += decoder.decode(chunk, { stream: true });
        const m = /broker listening listener=\S*:(\d+)/.exec(log);
        if (m && (admin.length === 0 || log.includes("admin listening"))) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      }
      clearTimeout(timer);
      reject(new Error(`broker exited before listening:\n${log}`));
    })();
  });
  const adminPort = /admin listening listener=\S*:(\d+)/.exec(log)?.[1];
  const kill = async (signal: NodeJS.Signals) => {
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    const code = await proc.exited;
    clearTimeout(timer);
    return code;
  };
  return {
    port,
    bootstrap: `127.0.0.1:${port}`,
    adminUrl: adminPort === undefined ? null : `http://127.0.0.1:${adminPort}`,
    pid: proc.pid,
    logs: () => log,
    running: () => proc.exitCode === null && proc.signalCode === null,
    stop: () => kill("SIGTERM"),
    kill,
  };
}
