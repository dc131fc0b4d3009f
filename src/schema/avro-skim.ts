// A fast path for checking a produced key or value: walks its Avro binary encoding without building
// the value, and answers true only where avsc's fromBuffer certainly succeeds — every varint, length
// and block ends inside the bytes, every union and enum index names a branch or symbol, a plain
// (non-bigint) long is safe as a double, and the encoding ends exactly at the last byte. Anything
// else (a negative length, a varint too long to judge, a type it does not know) answers false, and
// avsc decides and says why: the check is never laxer than decoding. One thing it refuses itself:
// an array or map block claiming more items than the bytes left could hold (or, for items that take
// no bytes, more than MAX_EMPTY_ITEMS), which avsc would try to read one by one — a hang, then
// memory exhausted — before noticing the bytes ran out.

import type { Type, types } from "avsc";

/** Moves `pos` past one value; false when unsure. */
type Skim = () => boolean;

const NOTHING = new Uint8Array(0);
let buf: Uint8Array = NOTHING;
let pos = 0;
/** Why the bytes certainly do not decode, when the skim found out itself. */
let refusal: string | null = null;

const MAX_EMPTY_ITEMS = 1 << 20;

/** Past one varint, as avsc reads it (up to the first byte without the continuation bit). */
function skimVarint(): boolean {
  const end = buf.length;
  while (pos < end) if ((buf[pos++]! & 0x80) === 0) return true;
  return false;
}

/** A zigzag varint of at most `maxBytes` bytes, decoded as avsc does; -1 when longer, past the end or negative. */
function count(maxBytes: number): number {
  let n = 0;
  for (let i = 0; i < maxBytes && pos < buf.length; i++) {
    const b = buf[pos++]!;
    n |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return n & 1 ? -1 : n >>> 1;
  }
  return -1;
}

/** Lengths, block counts and indexes of up to 2^27 - 1: larger ones are left to avsc. */
const small = () => count(4);

function skimBytes(): boolean {
  const n = small();
  if (n < 0 || n > buf.length - pos) return false;
  pos += n;
  return true;
}

const fixed = (size: number): Skim => () => {
  if (size > buf.length - pos) return false;
  pos += size;
  return true;
};

/** avsc refuses a long beyond 2^53 unless it is a bigint one; seven varint bytes stay below 2^48. */
const safeLong: Skim = () => {
  const at = pos;
  return skimVarint() && pos - at <= 7;
};

/** A zigzag varint of any length as a number (huge ones inexact, which is enough to bound them); null when unterminated. */
function blockCount(): number | null {
  let n = 0;
  for (let scale = 1; pos < buf.length; scale *= 128) {
    const b = buf[pos++]!;
    n += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return n % 2 === 1 ? -(n + 1) / 2 : n / 2;
  }
  return null;
}

/** Array and map blocks: counts until a zero; a negative count is followed by the block's size in bytes. */
function blocks(item: Skim, itemMinBytes: number): Skim {
  return () => {
    for (;;) {
      let n = blockCount();
      if (n === null) return false;
      if (n === 0) return true;
      if (n < 0) {
        n = -n;
        if (!skimVarint()) return false;
      }
      const left = buf.length - pos;
      if (itemMinBytes > 0 ? n * itemMinBytes > left : n > MAX_EMPTY_ITEMS) {
        refusal = `a block of ${n} items where ${itemMinBytes > 0 ? `${left} bytes are left` : `at most ${MAX_EMPTY_ITEMS} empty items are read`}`;
        return false;
      }
      for (let i = 0; i < n; i++) if (!item()) return false;
    }
  };
}

/** The fewest bytes a value of `type` takes (0 only for null, empty fixed and records of such). */
function minBytes(type: Type, seen: Set<Type> = new Set()): number {
  switch (type.typeName) {
    case "null":
      return 0;
    case "float":
      return 4;
    case "double":
      return 8;
    case "fixed":
      return (type as types.FixedType).size;
    case "record":
    case "error": {
      // a record met again inside itself is reached through a union or array, which take a byte
      if (seen.has(type)) return 1;
      seen.add(type);
      return (type as types.RecordType).fields.reduce((n, f) => n + minBytes(f.type, seen), 0);
    }
    default:
      return 1;
  }
}

function compile(type: Type, done: Map<Type, Skim>): Skim | null {
  const known = done.get(type);
  if (known !== undefined) return known;
  switch (type.typeName) {
    case "null":
      return () => true;
    case "boolean":
      return fixed(1);
    case "int":
    // the bigint long (avro-long.ts) takes any varint
    case "abstract:long":
      return skimVarint;
    case "long":
      return safeLong;
    case "float":
      return fixed(4);
    case "double":
      return fixed(8);
    case "bytes":
    case "string":
      return skimBytes;
    case "fixed":
      return fixed((type as types.FixedType).size);
    case "enum": {
      const symbols = (type as types.EnumType).symbols.length;
      return () => {
        const i = small();
        return i >= 0 && i < symbols;
      };
    }
    case "array": {
      const itemsType = (type as types.ArrayType).itemsType;
      const item = compile(itemsType, done);
      return item === null ? null : blocks(item, minBytes(itemsType));
    }
    case "map": {
      const value = compile((type as types.MapType).valuesType as Type, done);
      // each entry starts with its key's length
      return value === null ? null : blocks(() => skimBytes() && value(), 1);
    }
    case "record":
    case "error": {
      const fields: Skim[] = [];
      const skim: Skim = () => {
        for (const f of fields) if (!f()) return false;
        return true;
      };
      done.set(type, skim);
      for (const f of (type as types.RecordType).fields) {
        const field = compile(f.type, done);
        if (field === null) return null;
        fields.push(field);
      }
      return skim;
    }
    case "union:unwrapped":
    case "union:wrapped": {
      const branches: Skim[] = [];
      for (const t of (type as types.UnwrappedUnionType | types.WrappedUnionType).types) {
        const branch = compile(t, done);
        if (branch === null) return null;
        branches.push(branch);
      }
      return () => {
        const i = small();
        return i >= 0 && i < branches.length && branches[i]!();
      };
    }
    default:
      return null;
  }
}

/** "decodes" only where `type.fromBuffer` succeeds; a reason where it certainly fails or would not end; else "unsure". */
export type Skimmed = "decodes" | "unsure" | { refused: string };

export function avroSkimmer(type: Type): (bytes: Uint8Array) => Skimmed {
  const skim = compile(type, new Map());
  if (skim === null) return () => "unsure";
  return (bytes) => {
    buf = bytes;
    pos = 0;
    refusal = null;
    try {
      if (skim() && pos === bytes.length) return "decodes";
      return refusal === null ? "unsure" : { refused: refusal };
    } catch {
      // a value nested deeper than the stack (a recursive type): avsc decides
      return "unsure";
    } finally {
      buf = NOTHING;
    }
  };
}
