// --lake-url → the store its tables live in: a directory, or a bucket prefix reached with the same
// AWS_* settings the S3 engine uses (loaded only for s3:, like the engine).

import { fileURLToPath } from "node:url";
import { FileLakeStore } from "./file-store.ts";
import type { LakeStore } from "./store.ts";

export async function openLakeStore(url: URL, env: Record<string, string | undefined>): Promise<LakeStore> {
  if (url.protocol === "file:") return new FileLakeStore(fileURLToPath(url));
  const { s3Settings } = await import("../storage/s3/settings.ts");
  const { SdkObjectStore } = await import("../storage/s3/sdk-store.ts");
  const { ObjectLakeStore } = await import("./object-store.ts");
  const settings = s3Settings(url, env, undefined, "--lake-url");
  return new ObjectLakeStore(new SdkObjectStore(settings), settings.prefix, `s3://${settings.bucket}`);
}
