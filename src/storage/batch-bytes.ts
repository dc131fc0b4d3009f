// Byte-level facts about a stored record batch v2 that every engine needs.

/** baseOffset is an int64 at byte 0, outside the CRC (which covers bytes 21..end). */
export const BASE_OFFSET_POSITION = 0;

/** A copy of `bytes` with the batch's baseOffset set; the caller's buffer may be reused after append. */
export function withBaseOffset(bytes: Uint8Array, baseOffset: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer, copy.byteOffset, copy.byteLength).setBigInt64(BASE_OFFSET_POSITION, BigInt(baseOffset));
  return copy;
}
