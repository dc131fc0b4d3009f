// ObjectStore over @aws-sdk/client-s3, on Bun's fetch. The SDK's own retries are off
// (maxAttempts 1): a conditional PUT retried after a lost answer would fail its own condition, so
// retries are decided here, per operation. Flexible checksums are limited to operations that require them, so bodies
// go out plain (radosgw and other S3-compatibles differ in what trailers they accept).

import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { StorageError } from "../engine.ts";
import { fetchHandler } from "./fetch-handler.ts";
import { backoffMs, sleep } from "./retry.ts";
import type { S3Settings } from "./settings.ts";
import { bareEtag, type GetOptions, type GetResult, type ListOptions, type ListPage, type ObjectStore, type PutCondition, type PutResult } from "./store.ts";

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const sdkError = (e: unknown): SdkError => (typeof e === "object" && e !== null ? (e as SdkError) : {});
const statusOf = (e: unknown): number | undefined => sdkError(e).$metadata?.httpStatusCode;

/** Failures worth another attempt: throttling, server errors, timeouts and network errors. */
function isTransient(e: unknown): boolean {
  const status = statusOf(e);
  if (status === undefined) return !(e instanceof StorageError);
  return status >= 500 || status === 429 || status === 408;
}

export class SdkObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly where: string;
  quotedIfMatch = true;

  constructor(
    settings: S3Settings,
    private readonly attempts = 8,
  ) {
    this.client = new S3Client({
      ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
      region: settings.region,
      credentials: settings.credentials,
      forcePathStyle: settings.forcePathStyle,
      maxAttempts: 1,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: fetchHandler(settings.tuning.requestTimeoutMs),
    });
    this.bucket = settings.bucket;
    this.where = `bucket ${settings.bucket}${settings.endpoint === undefined ? ` in ${settings.region}` : ` at ${settings.endpoint}`}`;
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    const range = options.range === undefined ? undefined : `bytes=${options.range[0]}-${options.range[1] - 1}`;
    const ifNoneMatch = options.ifNoneMatch === undefined ? undefined : `"${options.ifNoneMatch}"`;
    return this.retrying(`GET ${key}`, async () => {
      try {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range, IfNoneMatch: ifNoneMatch }));
        const bytes = out.Body === undefined ? new Uint8Array() : await out.Body.transformToByteArray();
        return { kind: "found", bytes, etag: bareEtag(out.ETag ?? ""), lastModified: out.LastModified ?? new Date(0) };
      } catch (e) {
        const status = statusOf(e);
        if (status === 304) return { kind: "not-modified" };
        if (status === 404 && sdkError(e).name !== "NoSuchBucket") return { kind: "missing" };
        throw e;
      }
    });
  }

  async put(key: string, body: Uint8Array, condition: PutCondition): Promise<PutResult> {
    const precondition = condition === null ? {} : "ifMatch" in condition ? { IfMatch: this.quotedIfMatch ? `"${condition.ifMatch}"` : condition.ifMatch } : { IfNoneMatch: "*" };
    const command = () => new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: body.byteLength, ...precondition });
    const send = async (): Promise<PutResult> => {
      try {
        const out = await this.client.send(command());
        return { kind: "written", etag: bareEtag(out.ETag ?? "") };
      } catch (e) {
        const status = statusOf(e);
        // If-Match on a missing key: 404 from AWS, 412 from radosgw. 409: a concurrent conditional write won.
        if (condition !== null && (status === 412 || status === 409 || (status === 404 && sdkError(e).name !== "NoSuchBucket"))) return { kind: "conflict" };
        throw e;
      }
    };
    if (condition === null) return this.retrying(`PUT ${key}`, send);
    try {
      return await send();
    } catch (e) {
      if (isTransient(e)) return { kind: "unknown", cause: e };
      throw this.storageError(`PUT ${key}`, e);
    }
  }

  async delete(key: string): Promise<void> {
    await this.retrying(`DELETE ${key}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    return this.retrying(`LIST ${prefix}`, async () => {
      const out = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: options.delimiter,
          StartAfter: options.startAfter,
          ContinuationToken: options.continuationToken,
          MaxKeys: options.maxKeys,
        }),
      );
      return {
        objects: (out.Contents ?? []).map((o) => ({ key: o.Key ?? "", etag: bareEtag(o.ETag ?? ""), size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) })),
        prefixes: (out.CommonPrefixes ?? []).flatMap((p) => (p.Prefix === undefined ? [] : [p.Prefix])),
        continuationToken: out.IsTruncated === true ? (out.NextContinuationToken ?? null) : null,
      };
    });
  }

  close(): void {
    this.client.destroy();
  }

  private async retrying<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (e) {
        if (!isTransient(e) || n >= this.attempts) throw this.storageError(what, e);
        await sleep(backoffMs(n, 20, 1_000));
      }
    }
  }

  /** One line that says which of bucket, credentials or endpoint is wrong. */
  private storageError(what: string, e: unknown): StorageError {
    if (e instanceof StorageError) return e;
    const err = sdkError(e);
    const status = statusOf(e);
    const detail = `${err.name ?? err.code ?? "error"}${err.message ? `: ${err.message}` : ""}`;
    if (err.name === "NoSuchBucket") return new StorageError("unavailable", `${this.where} does not exist (create it first)`, { cause: e });
    if (status === 403 || status === 401) return new StorageError("unavailable", `${this.where} refused the credentials (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY): ${detail}`, { cause: e });
    if (status === undefined) return new StorageError("unavailable", `${this.where} is unreachable (${what}): ${detail}`, { cause: e });
    if (status >= 500 || status === 429 || status === 408) return new StorageError("unavailable", `${this.where} failed ${what} with ${status}: ${detail}`, { cause: e });
    return new StorageError("misconfigured", `${this.where} rejected ${what} with ${status} (is the endpoint S3-compatible?): ${detail}`, { cause: e });
  }
}
