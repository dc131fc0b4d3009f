// CRC-32C (Castagnoli), the checksum of record batch v2. Bun.hash.crc32 and zlib's crc32 use the
// IEEE polynomial and give different values.

const POLYNOMIAL = 0x82f63b78; // 0x1EDC6F41 bit-reversed

// Slice-by-16: table k maps a byte to its CRC contribution when followed by k zero bytes. Built on
// first use: a loop at module load would be interpreted and JIT-compiled while the broker starts.
let TABLE: Int32Array | undefined;

function buildTable(): Int32Array {
  const table = new Int32Array(16 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    table[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = table[n]!;
    for (let k = 1; k < 16; k++) {
      c = table[c & 0xff]! ^ (c >>> 8);
      table[k * 256 + n] = c;
    }
  }
  return table;
}

/**
 * CRC-32C of `bytes`. Pass a previous result as `initial` to continue over a following chunk:
 * crc32c(b, crc32c(a)) === crc32c(a ++ b).
 */
export function crc32c(bytes: Uint8Array, initial = 0): number {
  const t = (TABLE ??= buildTable());
  const b = bytes;
  const n = b.length;
  const end16 = n - (n & 15);
  let c = ~initial;
  let i = 0;
  for (; i < end16; i += 16) {
    const w = c ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
    c =
      t[3840 + (w & 0xff)]! ^
      t[3584 + ((w >>> 8) & 0xff)]! ^
      t[3328 + ((w >>> 16) & 0xff)]! ^
      t[3072 + (w >>> 24)]! ^
      t[2816 + b[i + 4]!]! ^
      t[2560 + b[i + 5]!]! ^
      t[2304 + b[i + 6]!]! ^
      t[2048 + b[i + 7]!]! ^
      t[1792 + b[i + 8]!]! ^
      t[1536 + b[i + 9]!]! ^
      t[1280 + b[i + 10]!]! ^
      t[1024 + b[i + 11]!]! ^
      t[768 + b[i + 12]!]! ^
      t[512 + b[i + 13]!]! ^
      t[256 + b[i + 14]!]! ^
      t[b[i + 15]!]!;
  }
  for (; i < n; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
