// A throwaway Ceph radosgw on loopback for compat tests and the benchmark, started and stopped by
// scripts/ceph-rgw-up.sh / ceph-rgw-down.sh (about 12 s to start). Creates the buckets asked for.

import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";

export interface Ceph {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

const SCRIPTS = join(import.meta.dir, "..", "..", "scripts");

export function cephAvailable(): boolean {
  return Bun.which("radosgw") !== null && Bun.which("ceph-mon") !== null && Bun.which("ceph-osd") !== null;
}

export async function startCeph(buckets: readonly string[]): Promise<Ceph> {
  const up = Bun.spawn(["bash", join(SCRIPTS, "ceph-rgw-up.sh")], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(up.stdout).text(), new Response(up.stderr).text(), up.exited]);
  const fields = Object.fromEntries(out.trim().split(/\s+/).map((kv) => kv.split("=", 2) as [string, string]));
  const { endpoint, dir } = fields;
  const accessKeyId = fields["access-key"];
  const secretAccessKey = fields["secret-key"];
  if (code !== 0 || endpoint === undefined || dir === undefined || accessKeyId === undefined || secretAccessKey === undefined) {
    throw new Error(`ceph-rgw-up.sh failed (${code}): ${err}${out}`);
  }
  const stop = async () => {
    await Bun.spawn(["bash", join(SCRIPTS, "ceph-rgw-down.sh"), dir], { stdout: "ignore", stderr: "ignore" }).exited;
  };
  try {
    const client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, requestChecksumCalculation: "WHEN_REQUIRED" });
    for (const bucket of buckets) await client.send(new CreateBucketCommand({ Bucket: bucket }));
    client.destroy();
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, accessKeyId, secretAccessKey, stop };
}
