// The engine conformance suite on the S3 engine over the project's test S3 server: with AWS
// semantics, with radosgw's ETag quirks, with tiny index limits (so reads and idempotence go
// through multi-level segments), without pipelined commits, and under injected faults.

import { afterAll } from "bun:test";
import { startS3Server, type EtagDialect, type FaultPlan } from "../support/s3-server/index.ts";
import { runEngineConformance } from "./conformance.ts";
import { s3Fixture, type S3Target } from "./s3-fixture.ts";
import type { S3Tuning } from "../../src/storage/s3/index.ts";

const servers: { stop(): Promise<void> }[] = [];
afterAll(() => Promise.all(servers.map((s) => s.stop())));

function conformance(name: string, dialect: EtagDialect, tuning: Partial<S3Tuning> = {}, faults: FaultPlan = {}): void {
  const server = startS3Server({ dialect, buckets: ["tansu"], accessKeyId: "test-key" });
  server.faults.set(faults);
  servers.push(server);
  const target: S3Target = { endpoint: server.endpoint, bucket: "tansu", accessKeyId: "test-key", secretAccessKey: "test-secret" };
  runEngineConformance(name, () => s3Fixture(target, tuning));
}

conformance("s3 (AWS semantics)", "aws");
conformance("s3 (radosgw ETag semantics)", "ceph");
conformance("s3 (tiny index: every few commits roll into segments)", "aws", { indexMaxEntries: 4, indexKeepEntries: 2, segmentFanout: 2 });
conformance("s3 (commits one at a time)", "aws", { speculativeCommits: false, lingerMs: 0 });
// A dropped response can leave a request waiting for its 10 s timeout before the retry: within the
// 30 s per-test timeout scripts/test.ts sets.
conformance("s3 (faults: latency, 5xx, 412 storms, dropped connections)", "aws", { indexMaxEntries: 16, indexKeepEntries: 8, segmentFanout: 4, commitAttempts: 40 }, {
  latencyMs: 1,
  jitterMs: 3,
  errorRate: 0.02,
  preconditionStormRate: 0.05,
  conflictRate: 0.02,
  dropBeforeRate: 0.01,
  dropAfterRate: 0.02,
});
