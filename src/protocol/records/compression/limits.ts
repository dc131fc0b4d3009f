import { DecodeError } from "../../primitives.ts";

/** Default cap on the decompressed size of one batch's records area. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export function badCompression(at: number, detail: string): never {
  throw new DecodeError("bad-compression", at, detail);
}

export function tooLarge(at: number, size: number, maxBytes: number): never {
  return badCompression(at, `decompressed size ${size} exceeds the limit of ${maxBytes} bytes`);
}
