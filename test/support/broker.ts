// Starts a real broker process (`bun src/main.ts broker`) on a free loopback port for tests.

import { join } from "node:path";
import type { Subprocess } from "bun";

export interface TestBroker {
  readonly port: number;
  /** "127.0.0.1:PORT" */
  readonly bootstrap: string;
  /** Everything the broker wrote to stderr so far. */
  logs(): string;
  /** SIGTERM, then wait for exit; returns the exit code. */
  stop(): Promise<number>;
}

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

export async function startBroker(args: string[] = [], env: Record<string, string> = {}): Promise<TestBroker> {
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(
    [process.execPath, MAIN, "broker", "--listener-url", "tcp://127.0.0.1:0", "--admin-listener-url", "", "--storage-engine", "memory://", ...args],
    { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, LOG_LEVEL: "info", ...env } },
  );
  let log = "";
  const decoder = new TextDecoder();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start:\n${log}`)), 15_000);
    void (async () => {
      for await (const chunk of proc.stderr) {
        log += decoder.decode(chunk, { stream: true });
        const m = /broker listening listener=[^ ]*:(\d+)/.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      }
      clearTimeout(timer);
      reject(new Error(`broker exited before listening:\n${log}`));
    })();
  });
  return {
    port,
    bootstrap: `127.0.0.1:${port}`,
    logs: () => log,
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
      const code = await proc.exited;
      clearTimeout(timer);
      return code;
    },
  };
}
