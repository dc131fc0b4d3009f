// The XML bodies S3 answers with: error documents and ListObjectsV2 results.

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function errorXml(code: string, message: string, resource: string, requestId: string): string {
  return `${DECLARATION}<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`;
}

export interface ListedObject {
  key: string;
  etag: string;
  size: number;
  lastModified: Date;
}

export interface ListResult {
  bucket: string;
  prefix: string;
  delimiter: string | null;
  maxKeys: number;
  startAfter: string | null;
  continuationToken: string | null;
  nextContinuationToken: string | null;
  contents: ListedObject[];
  commonPrefixes: string[];
}

export function listXml(r: ListResult): string {
  const element = (name: string, value: string | number | boolean | null) => (value === null ? "" : `<${name}>${escapeXml(String(value))}</${name}>`);
  const contents = r.contents
    .map((o) => `<Contents>${element("Key", o.key)}${element("LastModified", o.lastModified.toISOString())}${element("ETag", o.etag)}${element("Size", o.size)}<StorageClass>STANDARD</StorageClass></Contents>`)
    .join("");
  const prefixes = r.commonPrefixes.map((p) => `<CommonPrefixes>${element("Prefix", p)}</CommonPrefixes>`).join("");
  return (
    `${DECLARATION}<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    element("Name", r.bucket) +
    element("Prefix", r.prefix) +
    element("Delimiter", r.delimiter) +
    element("MaxKeys", r.maxKeys) +
    element("StartAfter", r.startAfter) +
    element("ContinuationToken", r.continuationToken) +
    element("NextContinuationToken", r.nextContinuationToken) +
    element("KeyCount", r.contents.length + r.commonPrefixes.length) +
    element("IsTruncated", r.nextContinuationToken !== null) +
    contents +
    prefixes +
    "</ListBucketResult>"
  );
}
