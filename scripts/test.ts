// Runs bun's test runner and closes with the line CI reads: `N passed, N failed`.
//   bun scripts/test.ts unit     every test/**/*.test.ts (needs nothing beyond npm)
//   bun scripts/test.ts compat   test/compat/*.compat.ts (kcat, Python clients, Ceph; see README)
// Extra arguments go to `bun test`. The exit code is bun's.

import { appendFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const [suite, ...extra] = process.argv.slice(2);
let files: string[];
if (suite === "unit") files = [];
else if (suite === "compat") {
  const dir = join(import.meta.dir, "..", "test", "compat");
  files = readdirSync(dir)
    .filter((f) => f.endsWith(".compat.ts"))
    .sort()
    .map((f) => `./test/compat/${f}`);
} else {
  console.error("usage: bun scripts/test.ts unit|compat [bun test arguments]");
  process.exit(2);
}

// bun's default per-test timeout (5 s) is below what end-to-end cases under injected faults may
// take on a loaded two-core machine; a hang still fails, just later
const child = Bun.spawn([process.execPath, "test", "--timeout=30000", ...files, ...extra], {
  cwd: join(import.meta.dir, ".."),
  stdout: "pipe",
  stderr: "pipe",
  env: process.env,
});

let passed: number | null = null;
let failed: number | null = null;
async function pump(stream: ReadableStream<Uint8Array>, out: NodeJS.WriteStream): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    out.write(chunk);
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const m = /^\s*(\d+) (pass|fail)$/.exec(line);
      if (m?.[2] === "pass") passed = Number(m[1]);
      if (m?.[2] === "fail") failed = Number(m[1]);
    }
  }
}
await Promise.all([pump(child.stdout, process.stdout), pump(child.stderr, process.stderr)]);
const code = await child.exited;
// a runner that died before its summary counts as one failure
const summary = passed === null || failed === null ? `${passed ?? 0} passed, ${Math.max(failed ?? 0, 1)} failed` : `${passed} passed, ${failed} failed`;
console.log(summary);
// CI sums the suites from this file to print one closing line
if (process.env.TEST_SUMMARY_FILE) appendFileSync(process.env.TEST_SUMMARY_FILE, `${summary}\n`);
process.exit(code === 0 && passed === null ? 1 : code);
