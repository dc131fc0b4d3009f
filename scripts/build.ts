// `npm run build`: dist/tansu, the broker and the CLI in one executable. It is compiled twice: the
// first binary starts brokers (memory:// and sqlite://, the admin port on) that answer one
// ApiVersions request while BUN_BYTECODE_ORDER_OUT records the order their functions first ran in;
// the second lays its bytecode out in that order, so a start reads a few contiguous pages of the
// executable instead of pages scattered over every module it embeds.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeRequest } from "../src/protocol/frame.ts";
import { ApiVersionsApi } from "../src/protocol/generated/api-versions.ts";

const root = join(import.meta.dir, "..");
const binary = join(root, "dist", "tansu");
const COMPILE = ["build", "--compile", "--minify", "--bytecode", "--format=esm", "--splitting", "--compile-jit-policy=50", "src/main.ts", "src/storage/sqlite/writer-thread.ts", "--outfile", binary];

async function compile(extra: string[]): Promise<void> {
  const p = Bun.spawn([process.execPath, ...COMPILE, ...extra], { cwd: root, stdout: "ignore", stderr: "inherit" });
  if ((await p.exited) !== 0) throw new Error("bun build failed");
}

const apiVersions = encodeRequest(ApiVersionsApi, { apiKey: 18, apiVersion: 0, correlationId: 1, clientId: "build" }, { clientSoftwareName: "", clientSoftwareVersion: "" }).slice();

/** Resolves once the server has sent a whole response frame to one ApiVersions request. */
async function answerApiVersions(port: number): Promise<void> {
  const { promise, resolve } = Promise.withResolvers<void>();
  let received = 0;
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(_socket, chunk) {
        received += chunk.length;
        if (received >= 4) resolve();
      },
    },
  });
  socket.write(apiVersions);
  await promise;
  socket.end();
}

/** Reads the broker's log until the admin port is up (the last step of a start); returns the Kafka port. */
async function started(stderr: ReadableStream<Uint8Array>): Promise<number> {
  const decoder = new TextDecoder();
  let log = "";
  for await (const chunk of stderr) {
    log += decoder.decode(chunk, { stream: true });
    const port = /broker listening listener=127\.0\.0\.1:(\d+)/.exec(log)?.[1];
    if (port !== undefined && log.includes("admin listening")) return Number(port);
  }
  throw new Error(`the broker exited before it started:\n${log}`);
}

/** One start of the first binary over `storage`, writing the functions it ran to `order`. */
async function recordOrder(storage: string, order: string): Promise<void> {
  const argv = [binary, "broker", "--listener-url", "tcp://127.0.0.1:0", "--storage-engine", storage, "--admin-listener-url", "http://127.0.0.1:0"];
  const broker = Bun.spawn(argv, { stdout: "ignore", stderr: "pipe", env: { ...process.env, BUN_BYTECODE_ORDER_OUT: order } });
  try {
    await answerApiVersions(await started(broker.stderr));
  } finally {
    broker.kill("SIGTERM");
  }
  if ((await broker.exited) !== 0) throw new Error(`recording the start-up order over ${storage} failed`);
}

const dir = mkdtempSync(join(tmpdir(), "tansu-build-"));
try {
  await compile([]);
  const orders = [join(dir, "memory.order"), join(dir, "sqlite.order")];
  await recordOrder("memory://", orders[0]!);
  await recordOrder(`sqlite://${join(dir, "order.db")}`, orders[1]!);
  await compile([`--bytecode-order=${orders.join(",")}`]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
