// Benchmark servers as child processes: the broker (or the raw sink), its port, CPU and memory.

import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Server {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

const CLK_TCK = 100;
const ROOT = join(import.meta.dir, "..", "..");

/** The command line of a broker on a free loopback port with the admin port off. */
export function brokerArgv(storage: string, extra: readonly string[] = []): string[] {
  return [process.execPath, join(ROOT, "src/main.ts"), "broker", "--storage-engine", storage, "--listener-url", "tcp://127.0.0.1:0", "--admin-listener-url", "", "--log-level", "info", ...extra];
}

/** Starts a server that logs `listening listener=HOST:PORT` on stderr, and waits for that line. */
export async function startServer(argv: readonly string[], env: Record<string, string> = {}): Promise<Server> {
  const proc = Bun.spawn([...argv], { stdout: "ignore", stderr: "pipe", env: { ...process.env, ...env } });
  let log = "";
  const port = await new Promise<number>((resolve, reject) => {
    // keep draining stderr for the server's whole life, so its log writes never block or fail
    void (async () => {
      for await (const chunk of proc.stderr) {
        log += new TextDecoder().decode(chunk);
        const m = /listening listener=[^ ]*:(\d+)/.exec(log);
        if (m) resolve(Number(m[1]));
      }
      reject(new Error(`${argv.join(" ")} did not start: ${log}`));
    })();
  });
  return {
    pid: proc.pid,
    port,
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

export function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) / 1024;
}
