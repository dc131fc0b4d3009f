// Client processes for the benchmarks (kcat and the like): each must exit 0 within a time limit.

const LIMIT_MS = 300_000;

/** Runs `argv` to its exit, its stdout discarded; throws unless it exits 0 within the limit. */
export async function run(argv: readonly string[]): Promise<void> {
  const p = Bun.spawn([...argv], { stdout: "ignore", stderr: "inherit" });
  const timer = setTimeout(() => p.kill("SIGKILL"), LIMIT_MS);
  const code = await p.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}${p.signalCode === null ? "" : ` (${p.signalCode})`}`);
}

/** Seconds from starting every run at once until the last has exited. */
export async function timedRuns(runs: readonly (readonly string[])[]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(runs.map(run));
  return (performance.now() - t0) / 1000;
}

/** The sum of a topic's partitions' end offsets (kcat -Q at timestamp -1: the latest offset). */
export async function endOffsets(bootstrap: string, topic: string, partitions: number): Promise<number> {
  const query = Array.from({ length: partitions }, (_, p) => ["-t", `${topic}:${p}:-1`]).flat();
  const p = Bun.spawn(["kcat", "-Q", "-b", bootstrap, ...query], { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(p.stdout).text();
  if ((await p.exited) !== 0) throw new Error(`kcat -Q ${topic} on ${bootstrap} failed`);
  const offsets = [...out.matchAll(/offset (\d+)/g)].map((m) => Number(m[1]));
  if (offsets.length !== partitions) throw new Error(`kcat -Q ${topic} on ${bootstrap}: ${JSON.stringify(out)}`);
  return offsets.reduce((a, b) => a + b, 0);
}
