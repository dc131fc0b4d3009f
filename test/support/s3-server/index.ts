// An S3-compatible server for tests, on Bun.serve on loopback: exactly the subset the S3 engine
// uses (PutObject with If-Match / If-None-Match, GetObject with Range and If-None-Match, HeadObject,
// DeleteObject, ListObjectsV2), path-style, with AWS semantics or radosgw's ETag quirks, plus fault
// injection. Signatures are not verified; the access key is, when one is configured.

import type { EtagDialect } from "./conditions.ts";
import { Faults, type Fault, type Operation } from "./faults.ts";
import { deleteObject, getObject, listObjectsV2, putObject, s3Error, type ParsedRequest } from "./operations.ts";
import { ObjectBuckets, etagOf, opaqueEtag, type StoredObject } from "./store.ts";

export type { FaultPlan, Operation } from "./faults.ts";
export type { EtagDialect } from "./conditions.ts";

export interface S3ServerOptions {
  /** "aws" (default) or "ceph": how If-Match compares and what it answers for a missing key. */
  dialect?: EtagDialect;
  /** Buckets that exist from the start. */
  buckets?: readonly string[];
  /** When set, requests signed with another access key id get 403 InvalidAccessKeyId. */
  accessKeyId?: string;
  /** "md5" (default, as S3 without KMS) or "opaque" (random ETags, as S3 with SSE-KMS). */
  etags?: "md5" | "opaque";
}

/** Told about each request as it arrives (before latency and faults). */
export type RequestListener = (op: Operation, key: string, headers: Headers) => void;

export interface S3Server {
  readonly endpoint: string;
  readonly port: number;
  readonly faults: Faults;
  /** Requests answered, by "Operation status" (e.g. "PutObject 412"). */
  readonly stats: Map<string, number>;
  createBucket(name: string): void;
  /** The stored object (not a copy), for assertions. */
  object(bucket: string, key: string): StoredObject | undefined;
  keys(bucket: string, prefix?: string): string[];
  /** Sets an object's LastModified, e.g. to age it for maintenance tests. */
  setLastModified(bucket: string, key: string, when: Date): void;
  /** Calls `listener` for every request from now on; returns a function that stops it. */
  listen(listener: RequestListener): () => void;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A response whose body errors at once: the client sees the connection reset, with no answer. */
function dropped(): Response {
  return new Response(
    new ReadableStream({
      pull(controller) {
        controller.error();
      },
    }),
    { status: 200, headers: { "content-length": "1" } },
  );
}

function faultResponse(fault: Fault, req: ParsedRequest): Response {
  switch (fault) {
    case "error-500":
      return s3Error(500, "InternalError", "We encountered an internal error. Please try again.", req);
    case "error-503":
      return s3Error(503, "SlowDown", "Please reduce your request rate.", req);
    case "precondition":
      return s3Error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", req);
    case "conflict":
      return s3Error(409, "ConditionalRequestConflict", "A conflicting conditional operation is currently in progress against this resource.", req);
    case "drop-before":
    case "drop-after":
      return dropped();
  }
}

function operationOf(method: string, key: string, query: URLSearchParams): Operation | null {
  if (key === "") return method === "GET" && query.get("list-type") === "2" ? "ListObjectsV2" : null;
  if (method === "PUT") return "PutObject";
  if (method === "GET") return "GetObject";
  if (method === "HEAD") return "HeadObject";
  if (method === "DELETE") return "DeleteObject";
  return null;
}

function parse(request: Request, requestId: string): ParsedRequest {
  const url = new URL(request.url);
  const path = url.pathname.slice(1);
  const slash = path.indexOf("/");
  const bucket = decodeURIComponent(slash < 0 ? path : path.slice(0, slash));
  const key = slash < 0 ? "" : decodeURIComponent(path.slice(slash + 1));
  return { method: request.method, bucket, key, query: url.searchParams, headers: request.headers, requestId };
}

function accessKeyOf(headers: Headers): string | null {
  return /Credential=([^/]+)\//.exec(headers.get("authorization") ?? "")?.[1] ?? null;
}

export function startS3Server(options: S3ServerOptions = {}): S3Server {
  const dialect = options.dialect ?? "aws";
  const store = new ObjectBuckets(options.etags === "opaque" ? opaqueEtag : etagOf);
  const listeners = new Set<RequestListener>();
  for (const b of options.buckets ?? []) store.createBucket(b);
  const faults = new Faults();
  const stats = new Map<string, number>();
  let requestCount = 0;

  const handle = async (request: Request): Promise<Response> => {
    const req = parse(request, `tansu${(++requestCount).toString(16).padStart(12, "0")}`);
    const op = operationOf(req.method, req.key, req.query);
    if (op === null) return s3Error(501, "NotImplemented", `${req.method} ${new URL(request.url).search} is not implemented`, req);
    if (options.accessKeyId !== undefined && accessKeyOf(req.headers) !== options.accessKeyId) {
      return s3Error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", req);
    }
    for (const listener of listeners) listener(op, req.key, req.headers);
    if ((req.headers.get("content-encoding") ?? "").includes("aws-chunked")) {
      return s3Error(501, "NotImplemented", "aws-chunked uploads are not supported by this test server", req);
    }
    const body = op === "PutObject" ? new Uint8Array(await request.arrayBuffer()) : new Uint8Array();
    const latency = faults.latency(op);
    if (latency > 0) await sleep(latency);
    const conditional = op === "PutObject" && (req.headers.has("if-match") || req.headers.has("if-none-match"));
    const fault = faults.before(op, conditional);
    if (fault !== null) return faultResponse(fault, req);
    let response: Response;
    switch (op) {
      case "PutObject":
        response = putObject(store, dialect, req, body).response;
        break;
      case "GetObject":
      case "HeadObject":
        response = getObject(store, req);
        break;
      case "DeleteObject":
        response = deleteObject(store, req);
        break;
      case "ListObjectsV2":
        response = listObjectsV2(store, req);
        break;
    }
    if (faults.dropAfter(op)) return dropped();
    return response;
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const response = await handle(request);
      const op = operationOf(request.method, parse(request, "").key, new URL(request.url).searchParams) ?? "Unknown";
      const label = `${op} ${response.status}`;
      stats.set(label, (stats.get(label) ?? 0) + 1);
      return response;
    },
  });
  const port = server.port ?? 0;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    faults,
    stats,
    createBucket: (name) => store.createBucket(name),
    object: (bucket, key) => store.bucket(bucket)?.get(key),
    keys: (bucket, prefix = "") => store.sortedKeys(bucket, prefix),
    setLastModified(bucket, key, when) {
      const o = store.bucket(bucket)?.get(key);
      if (o === undefined) throw new Error(`no object ${bucket}/${key}`);
      o.lastModified = when;
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      await server.stop(true);
    },
  };
}
