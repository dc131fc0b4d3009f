// "FROM scratch": builds dist/tansu, assembles with scripts/rootfs.sh the tree Dockerfile.scratch
// copies into its empty image, runs the binary inside it (a new mount namespace with /proc mounted,
// as a container runtime provides, then chroot) on SQLite under the image's /tmp, and produces and
// consumes through it with kcat from outside over loopback. Needs root (CI runs as root).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { KCAT } from "./support/kcat.ts";
import { run, runOk } from "./support/run.ts";

const ROOT = join(import.meta.dir, "..", "..");
const BINARY = join(ROOT, "dist", "tansu");
const dir = mkdtempSync(join(tmpdir(), "tansu-scratch-"));
const rootfs = join(dir, "rootfs");
let broker: TestBroker;
/** The tree as assembled, before the broker writes to /tmp. */
let assembled: string[] = [];

function files(at: string): string[] {
  return readdirSync(at).flatMap((name) => {
    const path = join(at, name);
    return statSync(path).isDirectory() ? [`/${relative(rootfs, path)}/`, ...files(path)] : [`/${relative(rootfs, path)}`];
  });
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("the scratch test needs root (unshare -m, mount, chroot)");
  await runOk(["npm", "run", "--silent", "build"], { timeoutMs: 120_000 });
  await runOk(["bash", join(ROOT, "scripts", "rootfs.sh"), BINARY, rootfs]);
  assembled = files(rootfs);
  // the mount point a container runtime creates for /proc; not part of the image
  mkdirSync(join(rootfs, "proc"));
  const inside = 'mount -t proc proc "$0/proc" && exec chroot "$0" /tansu "$@"';
  broker = await startBroker(["--storage-engine", "sqlite:///tmp/tansu.db", "--num-partitions", "2"], {}, { admin: true, command: ["unshare", "-m", "sh", "-c", inside, rootfs] });
}, 180_000);

afterAll(async () => {
  if (broker !== undefined) expect(await broker.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

test("Dockerfile.scratch copies only the tree scripts/rootfs.sh assembles", () => {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile.scratch"), "utf8");
  const final = dockerfile.slice(dockerfile.indexOf("FROM scratch"));
  expect(final.match(/^(COPY|ADD) .*$/gm)).toEqual(["COPY --from=build /rootfs/ /"]);
  expect(dockerfile).toContain("bash scripts/rootfs.sh dist/tansu /rootfs");
  expect(final).toContain('ENTRYPOINT ["/tansu", "broker"]');
  expect(final).toMatch(/^EXPOSE 9092 8080$/m);
});

test("the tree holds the binary, what ldd lists, the CA bundle and /tmp — nothing else", async () => {
  const { stdout } = await runOk(["ldd", BINARY]);
  const libs = stdout.split("\n").flatMap((line) => {
    const m = /=> (\/\S+)/.exec(line) ?? /^\s*(\/\S+)/.exec(line);
    return m === null ? [] : [m[1]!];
  });
  expect(libs).toContain("/lib64/ld-linux-x86-64.so.2");
  const expected = new Set(["/tansu", "/etc/ssl/certs/ca-certificates.crt", "/tmp/", ...libs]);
  expect(assembled.filter((f) => !f.endsWith("/") || f === "/tmp/").sort()).toEqual([...expected].sort());
  expect(statSync(join(rootfs, "tmp")).mode & 0o7777).toBe(0o1777);
});

test("kcat produces to and consumes from the broker running in the empty root", async () => {
  const { logs, bootstrap, adminUrl } = broker;
  expect(logs()).toContain("storage=sqlite:///tmp/tansu.db");
  expect(await (await fetch(`${adminUrl}/ready`)).json()).toMatchObject({ status: "ready" });
  const lines = Array.from({ length: 20 }, (_, i) => `key-${i}\tvalue from outside ${i}`);
  await runOk([KCAT, "-b", bootstrap, "-P", "-t", "scratch", "-K", "\t", "-X", "acks=all"], { stdin: `${lines.join("\n")}\n` });
  const consumed = await runOk([KCAT, "-b", bootstrap, "-C", "-t", "scratch", "-o", "beginning", "-e", "-f", "%k\t%s\n"]);
  expect(consumed.stdout.trim().split("\n").sort()).toEqual([...lines].sort());
  const topic = (await (await fetch(`${adminUrl}/api/topics/scratch`)).json()) as { partitions: { highWatermark: number }[] };
  expect(topic.partitions.reduce((n, p) => n + p.highWatermark, 0)).toBe(20);
  // the SQLite file is inside the image's /tmp
  expect(statSync(join(rootfs, "tmp", "tansu.db")).size).toBeGreaterThan(0);
  expect((await run([KCAT, "-b", bootstrap, "-L", "-t", "scratch"])).stdout).toContain("2 partitions");
});
