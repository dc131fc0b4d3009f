import type { Codec } from "../attributes.ts";
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from "./limits.ts";
import { lz4Compress, lz4Decompress } from "./lz4.ts";
import { gzipCompress, gzipDecompress, zstdCompress, zstdDecompress } from "./native.ts";
import { snappyCompress, snappyDecompress } from "./snappy.ts";

export { DEFAULT_MAX_DECOMPRESSED_BYTES } from "./limits.ts";

interface Compressor {
  compress(input: Uint8Array): Uint8Array;
  /** Fails with DecodeError "bad-compression" on corrupt input or output beyond maxBytes. */
  decompress(input: Uint8Array, maxBytes: number, at: number): Uint8Array;
}

const COMPRESSORS: { [C in Exclude<Codec, "none">]: Compressor } = {
  gzip: { compress: gzipCompress, decompress: gzipDecompress },
  snappy: { compress: snappyCompress, decompress: snappyDecompress },
  lz4: { compress: lz4Compress, decompress: lz4Decompress },
  zstd: { compress: zstdCompress, decompress: zstdDecompress },
};

export function compress(codec: Codec, input: Uint8Array): Uint8Array {
  return codec === "none" ? input : COMPRESSORS[codec].compress(input);
}

/** `at` is the position of `input` in the enclosing bytes, added to positions in errors. */
export function decompress(codec: Codec, input: Uint8Array, maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES, at = 0): Uint8Array {
  return codec === "none" ? input : COMPRESSORS[codec].decompress(input, maxBytes, at);
}
