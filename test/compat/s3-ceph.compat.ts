// The S3 engine against a real Ceph radosgw (started by scripts/ceph-rgw-up.sh, ~12 s): the same
// engine conformance suite as on the test server. radosgw wants If-Match without quotes and
// answers 412 for If-Match on a missing key; the engine finds that out at start.

import { afterAll, beforeAll } from "bun:test";
import { cephAvailable, startCeph, type Ceph } from "../support/ceph.ts";
import { runEngineConformance } from "../storage/conformance.ts";
import { s3Fixture, type S3Target } from "../storage/s3-fixture.ts";

if (!cephAvailable()) throw new Error("radosgw is not installed: apt-get install radosgw ceph-mon ceph-osd ceph-common uuid-runtime");

let ceph: Ceph | undefined;
const target: S3Target = { endpoint: "", bucket: "tansu", accessKeyId: "", secretAccessKey: "" };

beforeAll(async () => {
  ceph = await startCeph([target.bucket]);
  Object.assign(target, { endpoint: ceph.endpoint, accessKeyId: ceph.accessKeyId, secretAccessKey: ceph.secretAccessKey });
}, 120_000);
afterAll(async () => {
  await ceph?.stop();
}, 30_000);

runEngineConformance("s3 on Ceph radosgw", () => s3Fixture(target));
runEngineConformance("s3 on Ceph radosgw (tiny index, commits one at a time)", () => s3Fixture(target, { indexMaxEntries: 4, indexKeepEntries: 2, segmentFanout: 2, speculativeCommits: false }));
