// How a server compares an If-Match / If-None-Match value with an object's ETag.
// "aws": quotes optional; If-Match on a missing key is 404 NoSuchKey.
// "ceph" (radosgw): only the bare hex matches; If-Match on a missing key is 412.

export type EtagDialect = "aws" | "ceph";

const unquote = (value: string) => value.replace(/^"(.*)"$/, "$1");

export function etagMatches(dialect: EtagDialect, header: string, storedEtag: string): boolean {
  const bare = unquote(storedEtag);
  return header
    .split(",")
    .map((v) => v.trim())
    .some((v) => v === "*" || (dialect === "aws" ? unquote(v) === bare : v === bare));
}

/** Reads compare like AWS whatever the dialect: radosgw accepts both forms on GET. */
export function readEtagMatches(header: string, storedEtag: string): boolean {
  return etagMatches("aws", header, storedEtag);
}
