import { startS3Server } from "./test/support/s3-server/index.ts";
const dialect = process.argv[2] as "aws" | "ceph";
const s = startS3Server({ dialect, buckets: [] });
s.createBucket("probe");
const proc = Bun.spawnSync([process.execPath, "probe2-tmp.ts", s.endpoint], { stdout: "inherit", stderr: "inherit" });
await s.stop();
