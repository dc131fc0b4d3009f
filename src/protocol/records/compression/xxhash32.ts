// xxHash32, used by the LZ4 frame format for its header, block and content checksums.

const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

function read32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, PRIME2)) | 0, 13), PRIME1);
}

/** xxHash32 of bytes[start, end). */
export function xxhash32(bytes: Uint8Array, seed = 0, start = 0, end = bytes.length): number {
  let p = start;
  let h: number;
  if (end - start >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) | 0;
    let v2 = (seed + PRIME2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - PRIME1) | 0;
    for (const limit = end - 16; p <= limit; p += 16) {
      v1 = round(v1, read32(bytes, p));
      v2 = round(v2, read32(bytes, p + 4));
      v3 = round(v3, read32(bytes, p + 8));
      v4 = round(v4, read32(bytes, p + 12));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = (seed + PRIME5) | 0;
  }
  h = (h + (end - start)) | 0;
  for (; p + 4 <= end; p += 4) {
    h = Math.imul(rotl((h + Math.imul(read32(bytes, p), PRIME3)) | 0, 17), PRIME4);
  }
  for (; p < end; p++) {
    h = Math.imul(rotl((h + Math.imul(bytes[p]!, PRIME5)) | 0, 11), PRIME1);
  }
  h = Math.imul(h ^ (h >>> 15), PRIME2);
  h = Math.imul(h ^ (h >>> 13), PRIME3);
  return (h ^ (h >>> 16)) >>> 0;
}
