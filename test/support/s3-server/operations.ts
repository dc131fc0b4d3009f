// The S3 operations the engine uses, with AWS semantics. Each takes a parsed request and answers a
// Response; faults and latency are applied around them by the server.

import { etagMatches, readEtagMatches, type EtagDialect } from "./conditions.ts";
import { compareKeys, type ObjectBuckets, type StoredObject } from "./store.ts";
import { errorXml, listXml } from "./xml.ts";

export interface ParsedRequest {
  method: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  headers: Headers;
  requestId: string;
}

export function s3Error(status: number, code: string, message: string, req: Pick<ParsedRequest, "bucket" | "key" | "requestId" | "method">): Response {
  const headers = { "content-type": "application/xml", "x-amz-request-id": req.requestId };
  const body = req.method === "HEAD" ? null : errorXml(code, message, `/${req.bucket}/${req.key}`, req.requestId);
  return new Response(body, { status, headers });
}

function objectHeaders(o: StoredObject, requestId: string): Record<string, string> {
  return { etag: o.etag, "last-modified": o.lastModified.toUTCString(), "x-amz-request-id": requestId, "accept-ranges": "bytes" };
}

export type PutOutcome = { response: Response; applied: boolean };

export function putObject(store: ObjectBuckets, dialect: EtagDialect, req: ParsedRequest, body: Uint8Array): PutOutcome {
  const objects = store.bucket(req.bucket);
  if (objects === undefined) return { response: s3Error(404, "NoSuchBucket", "The specified bucket does not exist", req), applied: false };
  const current = objects.get(req.key);
  const ifNoneMatch = req.headers.get("if-none-match");
  const ifMatch = req.headers.get("if-match");
  if (ifNoneMatch !== null) {
    if (ifNoneMatch !== "*") return { response: s3Error(501, "NotImplemented", "If-None-Match on PUT accepts only *", req), applied: false };
    if (current !== undefined) return { response: preconditionFailed(req), applied: false };
  }
  if (ifMatch !== null) {
    if (current === undefined) {
      const response = dialect === "aws" ? s3Error(404, "NoSuchKey", "The specified key does not exist.", req) : preconditionFailed(req);
      return { response, applied: false };
    }
    if (!etagMatches(dialect, ifMatch, current.etag)) return { response: preconditionFailed(req), applied: false };
  }
  const stored = store.put(req.bucket, req.key, body);
  return { response: new Response(null, { status: 200, headers: { etag: stored.etag, "x-amz-request-id": req.requestId } }), applied: true };
}

export function preconditionFailed(req: ParsedRequest): Response {
  return s3Error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", req);
}

export function getObject(store: ObjectBuckets, req: ParsedRequest): Response {
  const objects = store.bucket(req.bucket);
  if (objects === undefined) return s3Error(404, "NoSuchBucket", "The specified bucket does not exist", req);
  const o = objects.get(req.key);
  if (o === undefined) return s3Error(404, "NoSuchKey", "The specified key does not exist.", req);
  const headers = objectHeaders(o, req.requestId);
  const ifNoneMatch = req.headers.get("if-none-match");
  if (ifNoneMatch !== null && readEtagMatches(ifNoneMatch, o.etag)) return new Response(null, { status: 304, headers });
  if (req.method === "HEAD") return new Response(null, { status: 200, headers: { ...headers, "content-length": String(o.body.byteLength) } });
  const range = req.headers.get("range");
  if (range === null) return new Response(o.body, { status: 200, headers: { ...headers, "content-type": "application/octet-stream" } });
  const span = parseRange(range, o.body.byteLength);
  if (span === null) return s3Error(416, "InvalidRange", "The requested range is not satisfiable", req);
  const [start, end] = span;
  return new Response(o.body.subarray(start, end + 1), {
    status: 206,
    headers: { ...headers, "content-type": "application/octet-stream", "content-range": `bytes ${start}-${end}/${o.body.byteLength}` },
  });
}

/** bytes=a-b, bytes=a- or bytes=-n, clamped to the object; null when unsatisfiable. */
function parseRange(header: string, size: number): [number, number] | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const n = Number(m[2]);
    return n === 0 || size === 0 ? null : [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? null : [start, end];
}

export function deleteObject(store: ObjectBuckets, req: ParsedRequest): Response {
  const objects = store.bucket(req.bucket);
  if (objects === undefined) return s3Error(404, "NoSuchBucket", "The specified bucket does not exist", req);
  objects.delete(req.key);
  return new Response(null, { status: 204, headers: { "x-amz-request-id": req.requestId } });
}

const MAX_KEYS = 1000;

export function listObjectsV2(store: ObjectBuckets, req: ParsedRequest): Response {
  const objects = store.bucket(req.bucket);
  if (objects === undefined) return s3Error(404, "NoSuchBucket", "The specified bucket does not exist", req);
  const q = req.query;
  const prefix = q.get("prefix") ?? "";
  const delimiter = q.get("delimiter") || null;
  const maxKeys = Math.min(MAX_KEYS, Math.max(0, Number(q.get("max-keys") ?? MAX_KEYS) || 0));
  const token = q.get("continuation-token");
  const startAfter = q.get("start-after");
  let after = startAfter ?? "";
  if (token !== null) {
    after = Buffer.from(token, "base64url").toString("utf8");
    if (after === "") return s3Error(400, "InvalidArgument", "The continuation token provided is incorrect", req);
  }
  const contents: { key: string; etag: string; size: number; lastModified: Date }[] = [];
  const commonPrefixes: string[] = [];
  let last: string | null = null;
  let truncated = false;
  for (const key of store.sortedKeys(req.bucket, prefix)) {
    if (after !== "" && compareKeys(key, after) <= 0) continue;
    const cut = delimiter === null ? -1 : key.indexOf(delimiter, prefix.length);
    const rolled = cut < 0 ? null : key.slice(0, cut + (delimiter?.length ?? 0));
    if (rolled !== null && commonPrefixes.at(-1) === rolled) continue;
    if (contents.length + commonPrefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (rolled !== null) {
      commonPrefixes.push(rolled);
      // everything under this prefix is covered by it; continue after its last possible key
      last = `${rolled}\u{10ffff}`;
      after = last;
      continue;
    }
    const o = objects.get(key);
    if (o === undefined) continue;
    contents.push({ key, etag: o.etag, size: o.body.byteLength, lastModified: o.lastModified });
    last = key;
  }
  const nextContinuationToken = truncated && last !== null ? Buffer.from(last, "utf8").toString("base64url") : null;
  const body = listXml({ bucket: req.bucket, prefix, delimiter, maxKeys, startAfter, continuationToken: token, nextContinuationToken, contents, commonPrefixes });
  return new Response(body, { status: 200, headers: { "content-type": "application/xml", "x-amz-request-id": req.requestId } });
}
