// The few object-store operations the engine is built on, as result values. ETags are bare hex
// (quotes removed) everywhere above this interface; the store adds whatever quoting its server wants.

export type GetResult =
  | { kind: "found"; bytes: Uint8Array; etag: string; lastModified: Date }
  | { kind: "not-modified" }
  | { kind: "missing" };

export interface GetOptions {
  /** Answer not-modified when the object still has this ETag. */
  ifNoneMatch?: string;
  /** Byte range [start, end) of the object. */
  range?: readonly [number, number];
}

/** ifMatch: replace the object if its ETag is this; ifNoneMatch "*": create it if absent. */
export type PutCondition = { ifMatch: string } | { ifNoneMatch: "*" } | null;

/**
 * written: stored, with its new ETag. conflict: the condition did not hold, nothing was stored.
 * unknown: the request failed in a way that leaves open whether it was stored (timeouts, resets, 5xx).
 */
export type PutResult = { kind: "written"; etag: string } | { kind: "conflict" } | { kind: "unknown"; cause: unknown };

export interface ListedObject {
  key: string;
  etag: string;
  size: number;
  lastModified: Date;
}

export interface ListPage {
  objects: ListedObject[];
  /** Common prefixes when listing with a delimiter. */
  prefixes: string[];
  continuationToken: string | null;
}

export interface ListOptions {
  delimiter?: string;
  startAfter?: string;
  continuationToken?: string;
  maxKeys?: number;
}

export interface ObjectStore {
  /** How If-Match values are sent: quoted (AWS and most servers) or bare (radosgw). */
  quotedIfMatch: boolean;
  /** Transient failures are retried within the request budget, then StorageError("unavailable"). */
  get(key: string, options?: GetOptions): Promise<GetResult>;
  /** Conditional puts are never retried blindly; unconditional ones are (their keys are unique). */
  put(key: string, body: Uint8Array, condition: PutCondition): Promise<PutResult>;
  delete(key: string): Promise<void>;
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
  close(): void;
}

/** Every object under `prefix`, page by page. */
export async function* listAll(store: ObjectStore, prefix: string, options: Omit<ListOptions, "continuationToken"> = {}): AsyncGenerator<ListedObject> {
  let continuationToken: string | undefined;
  do {
    const page = await store.list(prefix, continuationToken === undefined ? options : { ...options, continuationToken });
    yield* page.objects;
    continuationToken = page.continuationToken ?? undefined;
  } while (continuationToken !== undefined);
}

export function md5Etag(body: Uint8Array): string {
  return new Bun.CryptoHasher("md5").update(body).digest("hex");
}

export function bareEtag(etag: string): string {
  return etag.replace(/^(W\/)?"(.*)"$/, "$2");
}
