// The README's tour, run as written on a PATH without Bun (a machine with only Node.js and npm after
// `npm install`): the broker from the first block, then every line of the second. The environment
// points them at a free loopback port instead of localhost:9092.

import { afterAll, expect, test } from "bun:test";
import { accessSync, constants, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");

function tourBlocks(): string[][] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const tour = readme.slice(readme.indexOf("## A short tour"), readme.indexOf("\n## ", readme.indexOf("## A short tour") + 1));
  return [...tour.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.split("\n").filter((l) => l.trim() !== ""));
}

function withoutBun(path: string): string {
  return path
    .split(":")
    .filter((dir) => {
      try {
        accessSync(join(dir, "bun"), constants.X_OK);
        return false;
      } catch {
        return true;
      }
    })
    .join(":");
}

const port = 20_000 + Math.floor(Math.random() * 20_000);
const env = { ...process.env, PATH: withoutBun(process.env.PATH ?? ""), LISTENER_URL: `tcp://127.0.0.1:${port}`, ADMIN_LISTENER_URL: "", BOOTSTRAP_SERVERS: `127.0.0.1:${port}` };
const run = (line: string) => Bun.spawn(["setsid", "sh", "-c", line], { cwd: ROOT, env, stdout: "pipe", stderr: "pipe" });
let broker: ReturnType<typeof run> | null = null;
afterAll(() => {
  if (broker !== null) process.kill(-broker.pid, "SIGTERM");
});

test("the README's tour works as written with only Node.js and npm on the PATH", async () => {
  const [start, tour] = tourBlocks();
  expect(start).toHaveLength(1);
  expect(Bun.spawnSync(["sh", "-c", "command -v bun"], { env }).exitCode).not.toBe(0);
  broker = run(start![0]!.replace(/#.*$/, ""));
  let log = "";
  // drained for the broker's whole life, so its log writes never fail
  void (async () => {
    for await (const chunk of broker.stderr) log += new TextDecoder().decode(chunk);
  })();
  for (let i = 0; i < 300 && !log.includes("broker listening"); i++) await Bun.sleep(50);
  expect(log).toContain(`listener=127.0.0.1:${port}`);
  const outputs: string[] = [];
  for (const line of tour!) {
    const p = run(line);
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    if (code !== 0) throw new Error(`${line} exited ${code}:\n${stderr}`);
    outputs.push(stdout);
  }
  expect(outputs.join("")).toContain("hello");
  expect(outputs.join("")).toContain("world");
  expect(outputs.join("")).toContain("orders");
}, 60_000);
