// Checks that bytes are a well-formed binary encoding of a protobuf message type: every known field
// arrives with its type's wire type (protobufjs's decoder ignores wire types, so a string sent as a
// varint would decode to garbage without complaint), lengths stay inside their message, strings
// are UTF-8, proto2 required fields are present, nesting is at most 100 deep (protobuf's default
// recursion limit). Unknown fields are skipped, as every protobuf parser does.

import type { Enum, Field, MapField, Type } from "protobufjs";

type Protobuf = typeof import("protobufjs");

const [VARINT, I64, LEN, SGROUP, EGROUP, I32] = [0, 1, 2, 3, 4, 5];
const WIRE_NAMES = ["varint", "64-bit", "length-delimited", "start-group", "end-group", "32-bit"];
const SCALAR_WIRE: Readonly<Record<string, number>> = {
  double: I64, float: I32, int32: VARINT, int64: VARINT, uint32: VARINT, uint64: VARINT, sint32: VARINT, sint64: VARINT,
  fixed32: I32, fixed64: I64, sfixed32: I32, sfixed64: I64, bool: VARINT, string: LEN, bytes: LEN,
};
const MAX_DEPTH = 100;
const MAX_FIELD_NUMBER = 2 ** 29 - 1;
const utf8 = new TextDecoder("utf-8", { fatal: true });

class WireError extends Error {}

class Cursor {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  /** Exact below 2^53, which covers every tag and length that can be valid. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError("truncated varint");
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new WireError("varint longer than 10 bytes");
  }

  skip(n: number): void {
    if (n > this.end - this.pos) throw new WireError(`truncated: ${n} bytes needed, ${this.end - this.pos} left`);
    this.pos += n;
  }

  /** A length-delimited region; the cursor moves past it. */
  region(): Cursor {
    const length = this.varint();
    const start = this.pos;
    this.skip(length);
    return new Cursor(this.buf, start, start + length);
  }
}

interface Slot {
  label: string;
  typeName: string;
  resolved: Type | Enum | null;
  repeated: boolean;
  delimited: boolean;
}

export class WireChecker {
  private readonly requiredIds = new WeakMap<Type, Field[]>();

  constructor(private readonly pb: Protobuf) {}

  /** null when `bytes` is a valid encoding of `type`, else why not. */
  problem(type: Type, bytes: Uint8Array): string | null {
    try {
      this.message(type, new Cursor(bytes, 0, bytes.length), 0, null);
      return null;
    } catch (e) {
      if (e instanceof WireError) return e.message;
      throw e;
    }
  }

  private message(type: Type, c: Cursor, depth: number, group: number | null): void {
    if (depth > MAX_DEPTH) throw new WireError(`messages nested more than ${MAX_DEPTH} deep`);
    const seen = new Set<number>();
    while (c.pos < c.end) {
      const tag = c.varint();
      const id = Math.floor(tag / 8);
      const wire = tag % 8;
      if (id === 0 || id > MAX_FIELD_NUMBER) throw new WireError(`invalid field number ${id} in ${type.name}`);
      if (wire === EGROUP) {
        if (id !== group) throw new WireError(`unexpected end-group ${id} in ${type.name}`);
        this.checkRequired(type, seen);
        return;
      }
      const field = type.fieldsById[id];
      if (field === undefined) this.skip(c, wire, id, depth);
      else if (field instanceof this.pb.MapField) this.mapEntry(field, wire, c, depth);
      else this.value({ label: `${type.name}.${field.name}`, typeName: field.type, resolved: field.resolvedType, repeated: field.repeated, delimited: field.delimited }, wire, id, c, depth);
      seen.add(id);
    }
    if (group !== null) throw new WireError(`group ${type.name} is not closed`);
    this.checkRequired(type, seen);
  }

  private value(slot: Slot, wire: number, id: number, c: Cursor, depth: number): void {
    const resolved = slot.resolved;
    if (resolved instanceof this.pb.Type) {
      this.expect(slot, wire, slot.delimited ? SGROUP : LEN);
      if (slot.delimited) this.message(resolved, c, depth + 1, id);
      else this.message(resolved, c.region(), depth + 1, null);
      return;
    }
    const expected = resolved instanceof this.pb.Enum ? VARINT : SCALAR_WIRE[slot.typeName];
    if (expected === undefined) throw new WireError(`${slot.label} has unknown type ${slot.typeName}`);
    if (slot.repeated && wire === LEN && expected !== LEN) {
      const packed = c.region();
      while (packed.pos < packed.end) this.scalar(packed, expected);
      return;
    }
    this.expect(slot, wire, expected);
    if (slot.typeName !== "string") this.scalar(c, expected);
    else {
      const s = c.region();
      try {
        utf8.decode(s.buf.subarray(s.pos, s.end));
      } catch {
        throw new WireError(`${slot.label} is not UTF-8`);
      }
    }
  }

  private mapEntry(field: MapField, wire: number, c: Cursor, depth: number): void {
    const label = `${field.message?.name ?? ""}.${field.name}`;
    this.expect({ label, typeName: "map", resolved: null, repeated: false, delimited: false }, wire, LEN);
    const entry = c.region();
    while (entry.pos < entry.end) {
      const tag = entry.varint();
      const id = Math.floor(tag / 8);
      const slot = id === 1 ? { typeName: field.keyType, resolved: null } : id === 2 ? { typeName: field.type, resolved: field.resolvedType } : null;
      if (slot === null) this.skip(entry, tag % 8, id, depth);
      else this.value({ label: `${label} ${id === 1 ? "key" : "value"}`, ...slot, repeated: false, delimited: false }, tag % 8, id, entry, depth + 1);
    }
  }

  private expect(slot: Slot, wire: number, expected: number): void {
    if (wire !== expected) throw new WireError(`${slot.label} has wire type ${wire} (${WIRE_NAMES[wire] ?? "invalid"}), expected ${expected} (${WIRE_NAMES[expected]})`);
  }

  private scalar(c: Cursor, wire: number): void {
    if (wire === VARINT) c.varint();
    else if (wire === I64) c.skip(8);
    else if (wire === I32) c.skip(4);
    else c.region();
  }

  private skip(c: Cursor, wire: number, id: number, depth: number): void {
    if (wire === SGROUP) {
      if (depth > MAX_DEPTH) throw new WireError(`groups nested more than ${MAX_DEPTH} deep`);
      for (;;) {
        if (c.pos >= c.end) throw new WireError(`group ${id} is not closed`);
        const tag = c.varint();
        if (tag % 8 === EGROUP) {
          if (Math.floor(tag / 8) !== id) throw new WireError(`end-group ${Math.floor(tag / 8)} closes group ${id}`);
          return;
        }
        this.skip(c, tag % 8, Math.floor(tag / 8), depth + 1);
      }
    }
    if (wire === VARINT || wire === I64 || wire === I32 || wire === LEN) this.scalar(c, wire);
    else throw new WireError(`invalid wire type ${wire} for field ${id}`);
  }

  private checkRequired(type: Type, seen: ReadonlySet<number>): void {
    let required = this.requiredIds.get(type);
    if (required === undefined) {
      required = type.fieldsArray.filter((f) => f.required);
      this.requiredIds.set(type, required);
    }
    const missing = required.find((f) => !seen.has(f.id));
    if (missing !== undefined) throw new WireError(`required field ${type.name}.${missing.name} is missing`);
  }
}
