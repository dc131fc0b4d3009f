// `tansu topic|cat` usage errors: one line on stderr and exit 2, before any connection is made;
// --help prints usage and exits 0; an unreachable broker is one line and exit 1.

import { describe, expect, test } from "bun:test";
import { tansu } from "./run.ts";

describe("usage errors exit 2 with one line", () => {
  test.each([
    [["topic"], "tansu: topic: missing subcommand (create, list, describe or delete); see tansu topic --help"],
    [["topic", "rename", "x"], 'tansu: topic: unknown subcommand "rename" (create, list, describe or delete)'],
    [["topic", "create"], "tansu: topic create: missing NAME"],
    [["topic", "create", "t", "--bogus", "1"], "tansu: unknown flag --bogus"],
    [["topic", "create", "t", "--partitions", "0"], "tansu: --partitions: 0 is outside 1..2147483647"],
    [["topic", "create", "t", "--config", "retention.ms"], 'tansu: --config: expected KEY=VALUE, got "retention.ms"'],
    [["topic", "create", "t", "--config"], "tansu: --config needs a value"],
    [["topic", "list", "extra"], 'tansu: topic list: unexpected argument "extra"'],
    [["topic", "describe"], "tansu: topic describe: missing NAME"],
    [["topic", "delete", "a", "b"], 'tansu: topic delete: unexpected argument "b"'],
    [["cat"], "tansu: cat: missing subcommand (produce or consume); see tansu cat --help"],
    [["cat", "produce"], "tansu: cat produce: missing TOPIC"],
    [["cat", "produce", "t", "f", "g"], 'tansu: cat produce: unexpected argument "g"'],
    [["cat", "consume", "t", "--max-messages", "many"], 'tansu: --max-messages: not an integer: "many"'],
    [["cat", "consume", "t", "--partition"], "tansu: --partition needs a value"],
    [["cat", "consume", "t", "--from-beginning=maybe"], 'tansu: --from-beginning: expected true or false, got "maybe"'],
    [["topic", "list", "--bootstrap-server", "nohost"], 'tansu: --bootstrap-server: expected host:port[,host:port…], got "nohost"'],
  ])("tansu %p", async (args, message) => {
    const run = await tansu(args);
    expect(run.stderr).toBe(`${message}\n`);
    expect(run.stdout).toBe("");
    expect(run.code).toBe(2);
  });

  test("BOOTSTRAP_SERVERS is checked like the flag, and named", async () => {
    const run = await tansu(["topic", "list"], { env: { BOOTSTRAP_SERVERS: "a:b" } });
    expect(run.stderr).toBe('tansu: BOOTSTRAP_SERVERS: expected host:port[,host:port…], got "a:b"\n');
    expect(run.code).toBe(2);
  });
});

describe("help", () => {
  test.each([
    [["--help"], "usage: tansu <command>"],
    [["topic", "--help"], "usage: tansu topic <subcommand>"],
    [["topic", "create", "--help"], "usage: tansu topic <subcommand>"],
    [["cat", "--help"], "usage: tansu cat <subcommand>"],
    [["cat", "consume", "-h"], "usage: tansu cat <subcommand>"],
  ])("tansu %p prints usage and exits 0", async (args, first) => {
    const run = await tansu(args);
    expect(run.stdout.startsWith(first)).toBe(true);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });
});

describe("runtime failures exit 1 with one line", () => {
  test("no broker listening", async () => {
    const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = server.port;
    server.stop(true);
    const run = await tansu(["topic", "list"], { env: { BOOTSTRAP_SERVERS: `127.0.0.1:${port}` } });
    expect(run.stderr).toBe(`tansu: connect to 127.0.0.1:${port}: connection refused (ECONNREFUSED)\n`);
    expect(run.code).toBe(1);
  });

  test("a missing input file", async () => {
    const run = await tansu(["cat", "produce", "t", "/nonexistent/records.txt"]);
    expect(run.stderr).toBe("tansu: cannot read /nonexistent/records.txt: no such file\n");
    expect(run.code).toBe(1);
  });
});

describe("tansu broker: one line, exit 2 for bad configuration, 1 for a failure at run time", () => {
  test("a listener port already in use names the address", async () => {
    const taken = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const run = await tansu(["broker", "--storage-engine", "memory://", "--admin-listener-url", "", "--listener-url", `tcp://127.0.0.1:${taken.port}`]);
      expect(run.stderr.trim().split("\n").at(-1)).toBe(`tansu: --listener-url: 127.0.0.1:${taken.port} is already in use`);
      expect(run.code).toBe(1);
    } finally {
      taken.stop(true);
    }
  });

  test("an admin port already in use names the address", async () => {
    const taken = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const run = await tansu(["broker", "--storage-engine", "memory://", "--listener-url", "tcp://127.0.0.1:0", "--admin-listener-url", `http://127.0.0.1:${taken.port}`]);
      expect(run.stderr.trim().split("\n").at(-1)).toBe(`tansu: --admin-listener-url: 127.0.0.1:${taken.port} is already in use`);
      expect(run.code).toBe(1);
    } finally {
      taken.stop(true);
    }
  });

  test.each([
    [["--storage-engine", "s3:/"], {}, 'tansu: --storage-engine: no bucket in "s3:/" (use s3://bucket or s3://bucket/prefix)'],
    [["--listener-url", "tcp://127.0.0.1:99999"], {}, 'tansu: --listener-url: port 99999 is out of range (0..65535) in "tcp://127.0.0.1:99999"'],
    [[], { NODE_ID: "x" }, 'tansu: NODE_ID: not an integer: "x"'],
  ])("broker %p %p is refused before anything listens", async (args, env, message) => {
    const run = await tansu(["broker", ...args], { env });
    expect(run.stderr).toBe(`${message}\n`);
    expect(run.code).toBe(2);
  });
});
