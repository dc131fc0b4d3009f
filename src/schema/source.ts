// Where topic schemas live: a directory (file://) or an S3 bucket and prefix (s3://). A source
// only lists versions and reads files; caching and revalidation are the registry's.

import { ConfigError } from "../config.ts";

export interface SchemaSource {
  /** Where `name` lives, for messages: a path or an s3:// URL. */
  locate(name: string): string;
  /** A tag that changes whenever the file changes; null when there is no such file. Throws when the source cannot be read. */
  version(name: string): Promise<string | null>;
  /** The file's text, or null when there is no such file. */
  read(name: string): Promise<string | null>;
}

export async function openSchemaSource(url: URL, env: Record<string, string | undefined>): Promise<SchemaSource> {
  switch (url.protocol) {
    case "file:":
      return (await import("./file-source.ts")).fileSource(url);
    case "s3:":
      return (await import("./s3-source.ts")).s3Source(url, env);
    default:
      throw new ConfigError(`--schema-registry: expected file://dir or s3://bucket/prefix, got ${url.protocol}//`);
  }
}
