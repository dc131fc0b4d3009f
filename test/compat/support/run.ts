// Runs a client program to completion with a deadline. A missing program throws (so its test fails).

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  timeoutMs?: number;
}

export async function run(cmd: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const proc = Bun.spawn([...cmd], {
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, timeoutMs);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  if (timedOut) throw new Error(`${cmd[0]} did not finish within ${timeoutMs} ms\nstderr: ${stderr.slice(-4000)}`);
  return { code, stdout, stderr };
}

/** Like run, but a non-zero exit is an error carrying the program's stderr. */
export async function runOk(cmd: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(cmd, options);
  if (result.code !== 0) {
    throw new Error(`${cmd.slice(0, 3).join(" ")} … exited ${result.code}\nstderr: ${result.stderr.slice(-4000)}\nstdout: ${result.stdout.slice(-2000)}`);
  }
  return result;
}
