// A lake in the project's test S3 server, read from outside: its objects copied with the AWS SDK
// into a directory for DuckDB, and icebird reading Iceberg tables by their s3:// locations. icebird
// turns s3://bucket/key into the bucket's AWS address; while it reads, fetch sends those requests
// to the test server instead and refuses any address off the loopback, so nothing leaves the machine.

import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const AWS_HOST = /^([a-z0-9.-]+)\.s3\.amazonaws\.com$/;

export function s3Client(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "lake", secretAccessKey: "secret" }, requestChecksumCalculation: "WHEN_REQUIRED" });
}

/** Copies every object of the bucket under `prefix` to `dir/<key>`; returns the keys. */
export async function downloadObjects(client: S3Client, bucket: string, prefix: string, dir: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const { Key } of page.Contents ?? []) if (Key !== undefined) keys.push(Key);
    token = page.NextContinuationToken;
  } while (token !== undefined);
  for (const key of keys) {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const path = join(dir, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, (await object.Body?.transformToByteArray()) ?? new Uint8Array());
  }
  return keys;
}

/** Runs `read` with icebird's S3 requests sent path-style to the test server at `endpoint`. */
export async function overLoopbackS3<T>(endpoint: string, read: () => Promise<T>): Promise<T> {
  const real = globalThis.fetch;
  const routed = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const bucket = AWS_HOST.exec(url.hostname)?.[1];
    const target = bucket === undefined ? url : new URL(`/${bucket}${url.pathname}${url.search}`, endpoint);
    if (target.hostname !== "127.0.0.1") return Promise.reject(new Error(`refused in a test: ${url.href}`));
    return real(input instanceof Request ? new Request(target.href, input) : target, init);
  };
  globalThis.fetch = Object.assign(routed, { preconnect: real.preconnect });
  try {
    return await read();
  } finally {
    globalThis.fetch = real;
  }
}
