// Buckets of objects held in memory. ETags are the quoted MD5 of the body, as S3 computes them for
// single-part uploads without KMS encryption.

export interface StoredObject {
  body: Uint8Array;
  /** Quoted, e.g. "\"5d41402abc4b2a76b9719d911017c592\"". */
  etag: string;
  lastModified: Date;
}

export function etagOf(body: Uint8Array): string {
  return `"${new Bun.CryptoHasher("md5").update(body).digest("hex")}"`;
}

/** Like S3 with SSE-KMS: an ETag that is not the body's MD5 (random per write). */
export function opaqueEtag(): string {
  return `"${crypto.randomUUID().replaceAll("-", "")}"`;
}

export class ObjectBuckets {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();

  constructor(private readonly etag: (body: Uint8Array) => string = etagOf) {}

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  bucket(name: string): Map<string, StoredObject> | undefined {
    return this.buckets.get(name);
  }

  put(bucket: string, key: string, body: Uint8Array, lastModified = new Date()): StoredObject {
    const objects = this.buckets.get(bucket);
    if (objects === undefined) throw new Error(`no bucket ${bucket}`);
    const stored = { body, etag: this.etag(body), lastModified };
    objects.set(key, stored);
    return stored;
  }

  /** Keys in byte order (S3 lists in UTF-8 binary order). */
  sortedKeys(bucket: string, prefix: string): string[] {
    const objects = this.buckets.get(bucket);
    if (objects === undefined) return [];
    return [...objects.keys()].filter((k) => k.startsWith(prefix)).sort(compareKeys);
  }
}

const encoder = new TextEncoder();

export function compareKeys(a: string, b: string): number {
  return Buffer.compare(encoder.encode(a), encoder.encode(b));
}
