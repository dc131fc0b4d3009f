// The test S3 server as its own process, for benchmarks and manual runs:
//   bun test/support/s3-server/main.ts [--bucket NAME]... [--put-latency-ms N] [--dialect aws|ceph]
// Prints `endpoint=http://127.0.0.1:PORT` once listening, and `stats={…}` (requests answered by
// "Operation status") on each SIGUSR1; stops on SIGTERM or SIGINT.

import { startS3Server } from "./index.ts";

const args = process.argv.slice(2);
const values = (flag: string) => args.flatMap((a, i) => (a === flag && args[i + 1] !== undefined ? [args[i + 1] as string] : []));
const dialect = values("--dialect")[0] === "ceph" ? "ceph" : "aws";
const server = startS3Server({ dialect, buckets: values("--bucket") });
const latency = Number(values("--put-latency-ms")[0] ?? 0);
if (latency > 0) server.faults.set({ latencyMs: { PutObject: latency } });
console.log(`endpoint=${server.endpoint}`);
const stop = () => void server.stop().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
process.on("SIGUSR1", () => console.log(`stats=${JSON.stringify(Object.fromEntries(server.stats))}`));
