// What the store does with conditional writes, found out once at start with a scratch object:
// whether it honours If-None-Match and If-Match at all (without them nothing here is safe), whether
// If-Match wants the ETag quoted (AWS, MinIO, R2, Tigris) or bare (radosgw), and whether ETags are
// the body's MD5 (which lets commits be pipelined).

import { StorageError } from "../engine.ts";
import type { Keys } from "./keys.ts";
import type { EtagStyle } from "./settings.ts";
import { md5Etag, type ObjectStore, type PutResult } from "./store.ts";

export interface StoreTraits {
  quotedIfMatch: boolean;
  md5Etags: boolean;
}

const misconfigured = (what: string) => new StorageError("misconfigured", `the store ${what}; Tansu needs S3 conditional writes (If-Match / If-None-Match on PUT)`);

function settled(result: PutResult, what: string): "written" | "conflict" {
  if (result.kind === "unknown") {
    const why = result.cause instanceof Error ? `: ${result.cause.message}` : "";
    throw new StorageError("unavailable", `${what} got no answer${why}`, { cause: result.cause });
  }
  return result.kind;
}

export async function probeStore(store: ObjectStore, keys: Keys, style: EtagStyle): Promise<StoreTraits> {
  // A plain read first: its failure says clearly whether bucket, credentials or endpoint is wrong.
  await store.list(keys.topicsPrefix(), { maxKeys: 1 });
  const key = keys.probe();
  const body = crypto.getRandomValues(new Uint8Array(32));
  const next = crypto.getRandomValues(new Uint8Array(32));
  const created = await store.put(key, body, { ifNoneMatch: "*" });
  if (settled(created, "creating a probe object") !== "written" || created.kind !== "written") throw new StorageError("unavailable", "creating a new probe object failed its If-None-Match: *");
  try {
    if (settled(await store.put(key, next, { ifNoneMatch: "*" }), "If-None-Match probe") === "written") throw misconfigured("ignores If-None-Match: * on PUT");
    if (settled(await store.put(key, next, { ifMatch: "0123456789abcdef0123456789abcdef" }), "If-Match probe") === "written") throw misconfigured("ignores If-Match on PUT");
    const forms = style === "auto" ? [true, false] : [style === "quoted"];
    for (const quoted of forms) {
      store.quotedIfMatch = quoted;
      if (settled(await store.put(key, next, { ifMatch: created.etag }), "If-Match probe") === "written") {
        return { quotedIfMatch: quoted, md5Etags: created.etag === md5Etag(body) };
      }
    }
    const now = await store.get(key);
    if (now.kind === "found" && now.etag === md5Etag(next)) throw new StorageError("unavailable", "an If-Match probe landed but its answer was lost");
    throw misconfigured(`rejects If-Match with the object's own ETag (${style === "auto" ? "quoted or bare" : style})`);
  } finally {
    await store.delete(key).catch(() => {});
  }
}
