// Checks that bytes are a well-formed binary encoding of a protobuf message type: every known field
// arrives with its type's wire type (protobufjs's decoder ignores wire types, so a string sent as a
// varint would decode to garbage without complaint), lengths stay inside their message, strings
// are UTF-8, proto2 required fields are present, nesting is at most 100 deep (protobuf's default
// recursion limit). Unknown fields are skipped, as every protobuf parser does. Each message type
// is turned once into a plan (field number → what its wire data must look like).

import type { Enum, Type } from "protobufjs";
import { isUtf8 } from "./utf8.ts";

type Protobuf = typeof import("protobufjs");

const [VARINT, I64, LEN, SGROUP, EGROUP, I32] = [0, 1, 2, 3, 4, 5];
const WIRE_NAMES = ["varint", "64-bit", "length-delimited", "start-group", "end-group", "32-bit"];
const SCALAR_WIRE: Readonly<Record<string, number>> = {
  double: I64, float: I32, int32: VARINT, int64: VARINT, uint32: VARINT, uint64: VARINT, sint32: VARINT, sint64: VARINT,
  fixed32: I32, fixed64: I64, sfixed32: I32, sfixed64: I64, bool: VARINT, string: LEN, bytes: LEN,
};
const MAX_DEPTH = 100;
const MAX_FIELD_NUMBER = 2 ** 29 - 1;

class WireError extends Error {}

interface Slot {
  label: string;
  wire: number;
  /** A repeated scalar: also accepted packed, as one length-delimited run. */
  packable: boolean;
  utf8: boolean;
  /** The nested message (a map entry is one too), for LEN and SGROUP slots. */
  message: Plan | null;
}

interface Plan {
  name: string;
  slots: Map<number, Slot>;
  required: { id: number; name: string }[];
}

interface Cursor {
  buf: Uint8Array;
  pos: number;
  end: number;
}

/** Exact below 2^53, which covers every tag and length that can be valid. */
function varint(c: Cursor): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (c.pos >= c.end) throw new WireError("truncated varint");
    const b = c.buf[c.pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
    scale *= 128;
  }
  throw new WireError("varint longer than 10 bytes");
}

function skip(c: Cursor, n: number): void {
  if (n > c.end - c.pos) throw new WireError(`truncated: ${n} bytes needed, ${c.end - c.pos} left`);
  c.pos += n;
}

/** A length-delimited region; `c` moves past it. */
function region(c: Cursor): Cursor {
  const length = varint(c);
  const start = c.pos;
  skip(c, length);
  return { buf: c.buf, pos: start, end: start + length };
}

function scalar(c: Cursor, wire: number): void {
  if (wire === VARINT) varint(c);
  else if (wire === I64) skip(c, 8);
  else if (wire === I32) skip(c, 4);
  else region(c);
}

function expect(slot: Slot, wire: number, expected: number): void {
  if (wire !== expected) throw new WireError(`${slot.label} has wire type ${wire} (${WIRE_NAMES[wire] ?? "invalid"}), expected ${expected} (${WIRE_NAMES[expected]})`);
}

export class WireChecker {
  private readonly plans = new WeakMap<Type, Plan>();

  constructor(private readonly pb: Protobuf) {}

  /** Builds the type's plan now, so a type the checker cannot handle fails when the schema loads. */
  prepare(type: Type): void {
    this.plan(type);
  }

  /** null when `bytes` is a valid encoding of `type`, else why not. */
  problem(type: Type, bytes: Uint8Array): string | null {
    try {
      this.message(this.plan(type), { buf: bytes, pos: 0, end: bytes.length }, 0, null);
      return null;
    } catch (e) {
      if (e instanceof WireError) return e.message;
      throw e;
    }
  }

  private plan(type: Type): Plan {
    const known = this.plans.get(type);
    if (known !== undefined) return known;
    const plan: Plan = { name: type.name, slots: new Map(), required: type.fieldsArray.filter((f) => f.required).map((f) => ({ id: f.id, name: f.name })) };
    // registered before its slots are made, so recursive types find it
    this.plans.set(type, plan);
    for (const f of type.fieldsArray) {
      const label = `${type.name}.${f.name}`;
      if (f instanceof this.pb.MapField) {
        const entry: Plan = { name: label, slots: new Map(), required: [] };
        entry.slots.set(1, this.slot(`${label} key`, f.keyType, null, false, false));
        entry.slots.set(2, this.slot(`${label} value`, f.type, f.resolvedType, false, false));
        plan.slots.set(f.id, { label, wire: LEN, packable: false, utf8: false, message: entry });
      } else plan.slots.set(f.id, this.slot(label, f.type, f.resolvedType, f.repeated, f.delimited));
    }
    return plan;
  }

  private slot(label: string, typeName: string, resolved: Type | Enum | null, repeated: boolean, delimited: boolean): Slot {
    if (resolved instanceof this.pb.Type) return { label, wire: delimited ? SGROUP : LEN, packable: false, utf8: false, message: this.plan(resolved) };
    const wire = resolved instanceof this.pb.Enum ? VARINT : SCALAR_WIRE[typeName];
    if (wire === undefined) throw new Error(`${label} has unknown type ${typeName}`);
    return { label, wire, packable: repeated && wire !== LEN, utf8: typeName === "string", message: null };
  }

  private message(plan: Plan, c: Cursor, depth: number, group: number | null): void {
    if (depth > MAX_DEPTH) throw new WireError(`messages nested more than ${MAX_DEPTH} deep`);
    const seen: number[] | null = plan.required.length > 0 ? [] : null;
    while (c.pos < c.end) {
      const tag = varint(c);
      const id = Math.floor(tag / 8);
      const wire = tag % 8;
      if (id === 0 || id > MAX_FIELD_NUMBER) throw new WireError(`invalid field number ${id} in ${plan.name}`);
      if (wire === EGROUP) {
        if (id !== group) throw new WireError(`unexpected end-group ${id} in ${plan.name}`);
        this.checkRequired(plan, seen);
        return;
      }
      const slot = plan.slots.get(id);
      if (slot === undefined) this.skip(c, wire, id, depth);
      else this.value(slot, wire, id, c, depth);
      seen?.push(id);
    }
    if (group !== null) throw new WireError(`group ${plan.name} is not closed`);
    this.checkRequired(plan, seen);
  }

  private value(slot: Slot, wire: number, id: number, c: Cursor, depth: number): void {
    if (slot.packable && wire === LEN) {
      const packed = region(c);
      while (packed.pos < packed.end) scalar(packed, slot.wire);
      return;
    }
    expect(slot, wire, slot.wire);
    if (slot.message !== null) {
      if (wire === SGROUP) this.message(slot.message, c, depth + 1, id);
      else this.message(slot.message, region(c), depth + 1, null);
    } else if (slot.utf8) {
      const s = region(c);
      if (!isUtf8(s.buf, s.pos, s.end)) throw new WireError(`${slot.label} is not UTF-8`);
    } else scalar(c, wire);
  }

  private skip(c: Cursor, wire: number, id: number, depth: number): void {
    if (wire === SGROUP) {
      if (depth > MAX_DEPTH) throw new WireError(`groups nested more than ${MAX_DEPTH} deep`);
      for (;;) {
        if (c.pos >= c.end) throw new WireError(`group ${id} is not closed`);
        const tag = varint(c);
        if (tag % 8 === EGROUP) {
          if (Math.floor(tag / 8) !== id) throw new WireError(`end-group ${Math.floor(tag / 8)} closes group ${id}`);
          return;
        }
        this.skip(c, tag % 8, Math.floor(tag / 8), depth + 1);
      }
    }
    if (wire === VARINT || wire === I64 || wire === I32 || wire === LEN) scalar(c, wire);
    else throw new WireError(`invalid wire type ${wire} for field ${id}`);
  }

  private checkRequired(plan: Plan, seen: readonly number[] | null): void {
    const missing = seen === null ? undefined : plan.required.find((f) => !seen.includes(f.id));
    if (missing !== undefined) throw new WireError(`required field ${plan.name}.${missing.name} is missing`);
  }
}
