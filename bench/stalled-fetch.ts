// A consumer that pipelines long-poll Fetches without reading its socket, then closes it
// (run by hand: bun bench/stalled-fetch.ts [fetches] [memory|sqlite]).
// One partition is filled with ~20 MB; a raw socket sends N Fetch v4 requests (maxWait 500 ms,
// maxBytes 50 MB, offset 0), never reads, and closes after 1 s. Every 250 ms for 6 s the bench
// samples the broker's RSS and times an ApiVersions round trip on a fresh connection.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fill, rssMiB, stalledConsumer, watch } from "../test/support/abuse.ts";
import { brokerArgv, startServer } from "./support/server.ts";

const FETCHES = Number(process.argv[2] ?? 60);
const ENGINE = process.argv[3] ?? "memory";

const dir = mkdtempSync(join(tmpdir(), "tansu-stalled-"));
const server = await startServer(brokerArgv(ENGINE === "sqlite" ? `sqlite://${join(dir, "tansu.db")}` : "memory://"));
await fill(`127.0.0.1:${server.port}`, "stalled", 20);
const before = rssMiB(server.pid);
await stalledConsumer(server.port, "stalled", FETCHES, 1000);
const { peakMiB, slowestMs, unanswered } = await watch(server.pid, server.port, 6000);
const after = rssMiB(server.pid);
await server.stop();
rmSync(dir, { recursive: true, force: true });
console.log(`${FETCHES} unread fetches on ${ENGINE}: RSS ${before.toFixed(0)} MiB before, peak ${peakMiB.toFixed(0)} MiB, ${after.toFixed(0)} MiB after; slowest ApiVersions ${slowestMs.toFixed(1)} ms, ${unanswered} of 24 unanswered within 1 s`);
