import type * as Zlib from "node:zlib";
import { badCompression } from "./limits.ts";
import { checkZstdFrames } from "./zstd-frames.ts";

// gzip and zstd use the zlib/zstd built into Bun. maxOutputLength stops inflation as soon as the
// output passes the cap, so a small bomb never grows to its full size.

// Loading node:zlib takes about 5 ms, a large part of a compiled broker's start: it is loaded on the
// first gzip or zstd batch instead.
let loaded: typeof Zlib | undefined;
const zlib = (): typeof Zlib => (loaded ??= require("node:zlib") as typeof Zlib);

type Inflate = (input: Uint8Array, options: { maxOutputLength: number }) => Uint8Array;

/** A plain Uint8Array view of zlib's Buffer, so callers see one type whatever the codec. */
function plain(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function bounded(name: string, inflate: Inflate, input: Uint8Array, maxBytes: number, at: number): Uint8Array {
  let out: Uint8Array;
  try {
    out = inflate(input, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (e) {
    const code = e instanceof Error && "code" in e ? e.code : undefined;
    if (code === "ERR_BUFFER_TOO_LARGE") badCompression(at, `${name} output exceeds the limit of ${maxBytes} bytes`);
    return badCompression(at, `${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (out.length > maxBytes) badCompression(at, `${name} output exceeds the limit of ${maxBytes} bytes`);
  return plain(out);
}

export function gzipCompress(input: Uint8Array): Uint8Array {
  return plain(zlib().gzipSync(input));
}

export function gzipDecompress(input: Uint8Array, maxBytes: number, at = 0): Uint8Array {
  return bounded("gzip", zlib().gunzipSync, input, maxBytes, at);
}

export function zstdCompress(input: Uint8Array): Uint8Array {
  return plain(zlib().zstdCompressSync(input));
}

/** Accepts frames with or without a content size (Java's zstd frames omit it). */
export function zstdDecompress(input: Uint8Array, maxBytes: number, at = 0): Uint8Array {
  checkZstdFrames(input, at);
  return bounded("zstd", zlib().zstdDecompressSync, input, maxBytes, at);
}
