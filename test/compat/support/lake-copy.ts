// A lake in a radosgw bucket read from outside: its objects copied with the AWS SDK into a
// directory, where DuckDB reads the Parquet files (lake-support.ts) and icebird the Iceberg table.
// The table's metadata names its manifests and data files by s3:// locations, which icebird turns
// into AWS addresses; while it reads, fetch answers those from the copy, so nothing leaves the machine.

import { S3Client } from "@aws-sdk/client-s3";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { icebergRead } from "icebird";
import { downloadObjects } from "../../e2e/lake-s3-support.ts";
import type { LakeRow } from "../../e2e/lake-support.ts";

export interface S3Access {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Copies every object of the bucket under `prefix` to `dir/<key>`; returns the keys. */
export async function copyObjects(access: S3Access, bucket: string, prefix: string, dir: string): Promise<string[]> {
  const { endpoint, accessKeyId, secretAccessKey } = access;
  const client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, requestChecksumCalculation: "WHEN_REQUIRED" });
  try {
    return await downloadObjects(client, bucket, prefix, dir);
  } finally {
    client.destroy();
  }
}

/** Runs `read` with fetch serving `https://<bucket>.s3.amazonaws.com/<key>` from `copy/<key>` and file: URLs as usual. */
async function fromCopy<T>(copy: string, bucket: string, read: () => Promise<T>): Promise<T> {
  const real = globalThis.fetch;
  const local = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol === "file:") return real(input, init);
    if (url.hostname !== `${bucket}.s3.amazonaws.com`) throw new Error(`refused in a test: ${url.href}`);
    const file = Bun.file(join(copy, decodeURIComponent(url.pathname)));
    return (await file.exists()) ? new Response(file) : new Response(null, { status: 404 });
  };
  globalThis.fetch = Object.assign(local, { preconnect: real.preconnect });
  try {
    return await read();
  } finally {
    globalThis.fetch = real;
  }
}

/**
 * The rows of the Iceberg table `lake/iceberg/<topic>` in the copy at its newest metadata version,
 * `__kafka`'s fields lifted out, in partition and offset order. The version is found by listing:
 * two brokers committing back to back may leave version-hint.text one behind.
 */
export async function icebergRowsInCopy(copy: string, bucket: string, lake: string, topic: string): Promise<LakeRow[]> {
  const table = join(lake, "iceberg", topic);
  const versions = readdirSync(join(table, "metadata")).flatMap((f) => /^v(\d+)\.metadata\.json$/.exec(f)?.[1] ?? []).map(Number);
  if (versions.length === 0) return [];
  const metadataFileName = `v${Math.max(...versions)}.metadata.json`;
  const rows = (await fromCopy(copy, bucket, () => icebergRead({ tableUrl: pathToFileURL(table).href, metadataFileName }))) as Record<string, unknown>[];
  return rows
    .map((r) => {
      const kafka = r.__kafka as Record<string, unknown>;
      return { ...r, ...kafka, partition: Number(kafka.partition), offset: Number(kafka.offset) };
    })
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
