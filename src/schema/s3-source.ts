// s3://bucket/prefix: TOPIC.avsc, TOPIC.json or TOPIC.proto under the prefix. A file's version is
// its ETag (one HEAD per name per check). Settings come from the environment, as for the S3
// storage engine: AWS_ENDPOINT (or AWS_ENDPOINT_URL_S3), AWS_REGION (or AWS_DEFAULT_REGION, else
// us-east-1), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (else the SDK's default chain), and
// AWS_ALLOW_HTTP=true for an http:// endpoint. A custom endpoint gets path-style addressing.
// The AWS SDK loads on the first check, not at start.

import type { S3Client } from "@aws-sdk/client-s3";
import { ConfigError } from "../config.ts";
import type { SchemaSource } from "./source.ts";

export interface S3Settings {
  bucket: string;
  /** "" or a prefix without slashes at either end. */
  prefix: string;
  endpoint: string | undefined;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

export function s3Settings(url: URL, env: Record<string, string | undefined>): S3Settings {
  const bucket = decodeURIComponent(url.host);
  if (bucket === "") throw new ConfigError(`--schema-registry: no bucket in ${url.href} (e.g. s3://bucket/schemas)`);
  const endpoint = env.AWS_ENDPOINT || env.AWS_ENDPOINT_URL_S3 || undefined;
  if (endpoint !== undefined && endpoint.startsWith("http:") && !/^(true|1|yes)$/i.test(env.AWS_ALLOW_HTTP ?? "")) {
    throw new ConfigError(`S3 endpoint ${endpoint} is plain http: set AWS_ALLOW_HTTP=true to allow it`);
  }
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  return {
    bucket,
    prefix: decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, ""),
    endpoint,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
  };
}

export function s3Source(url: URL, env: Record<string, string | undefined>): SchemaSource {
  const settings = s3Settings(url, env);
  const key = (name: string) => (settings.prefix === "" ? name : `${settings.prefix}/${name}`);
  let sdk: Promise<{ client: S3Client; s3: typeof import("@aws-sdk/client-s3") }> | undefined;
  const connect = () =>
    (sdk ??= import("@aws-sdk/client-s3").then((s3) => ({
      s3,
      client: new s3.S3Client({
        region: settings.region,
        endpoint: settings.endpoint,
        forcePathStyle: settings.endpoint !== undefined,
        credentials: settings.credentials,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      }),
    })));
  const notFound = (s3: typeof import("@aws-sdk/client-s3"), e: unknown) => e instanceof s3.S3ServiceException && e.$metadata.httpStatusCode === 404;
  return {
    locate: (name) => `s3://${settings.bucket}/${key(name)}`,
    async version(name) {
      const { client, s3 } = await connect();
      try {
        const head = await client.send(new s3.HeadObjectCommand({ Bucket: settings.bucket, Key: key(name) }));
        return head.ETag ?? String(head.LastModified?.getTime());
      } catch (e) {
        if (notFound(s3, e)) return null;
        throw e;
      }
    },
    async read(name) {
      const { client, s3 } = await connect();
      try {
        const got = await client.send(new s3.GetObjectCommand({ Bucket: settings.bucket, Key: key(name) }));
        return (await got.Body?.transformToString("utf-8")) ?? "";
      } catch (e) {
        if (notFound(s3, e)) return null;
        throw e;
      }
    },
  };
}
