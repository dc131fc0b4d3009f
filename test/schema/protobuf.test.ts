import { describe, expect, test } from "bun:test";
import { compileSchema } from "../../src/schema/compile.ts";
import { checkRecord, type PartSchema, type TopicSchema } from "../../src/schema/types.ts";

const PROTO = `syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
message Key { string id = 1; }
message Value {
  string item = 1;
  int64 quantity = 2;
  repeated int32 sizes = 3;
  map<string, Line> lines = 4;
  google.protobuf.Timestamp at = 5;
  enum Colour { RED = 0; BLUE = 1; }
  Colour colour = 6;
  fixed32 code = 7;
  double price = 8;
  message Line { string sku = 1; }
}`;

const compile = (text: string) => compileSchema("protobuf", text, "orders.proto");

function parts(s: TopicSchema): { key: PartSchema; value: PartSchema } {
  if (s.key === null) throw new Error("no Key");
  return { key: s.key, value: valueOf(s) };
}

function valueOf(s: TopicSchema): PartSchema {
  if (s.value === null) throw new Error("no Value");
  return s.value;
}

describe("Protobuf schemas", () => {
  test("binary wire encodings of Key and Value are valid; the JSON mapping is ProtoJSON", async () => {
    const { key, value } = parts(await compile(PROTO));
    const json = { item: "tea", quantity: "9223372036854775807", sizes: [1, 2], lines: { a: { sku: "x" } }, at: "2024-05-01T12:00:00Z", colour: "BLUE", code: 7, price: 2.5 };
    const v = value.encode(json);
    expect(value.check(v)).toBeNull();
    expect(value.decode(v)).toEqual(json);
    expect([...key.encode({ id: "k1" })]).toEqual([0x0a, 2, 0x6b, 0x31]);
    expect(checkRecord(await compile(PROTO), key.encode({ id: "k1" }), v)).toBeNull();
    expect(() => value.encode({ item: 5 })).toThrow("expected string");
    expect(() => value.encode({ nope: 1 })).toThrow('unknown field: "nope"');
  });

  test("a known field with the wrong wire type is invalid; unknown fields are skipped", async () => {
    const { value } = parts(await compile(PROTO));
    expect(value.check(Uint8Array.of(0x08, 0x05))).toBe("Value.item has wire type 0 (varint), expected 2 (length-delimited)");
    expect(value.check(Uint8Array.of(0x3d, 1, 2, 3, 4))).toBeNull(); // code as fixed32
    expect(value.check(Uint8Array.of(0x38, 1))).toBe("Value.code has wire type 0 (varint), expected 5 (32-bit)");
    expect(value.check(Uint8Array.of(0x22, 0x03, 0x0a, 0x01, 0x61))).toBeNull(); // map entry with a key only
    expect(value.check(Uint8Array.of(0x22, 0x04, 0x12, 0x02, 0x08, 0x01))).toBe("Line.sku has wire type 0 (varint), expected 2 (length-delimited)");
    expect(value.check(Uint8Array.of(0xf8, 0x01, 0x05))).toBeNull(); // field 31, varint: unknown
    expect(value.check(Uint8Array.of(0x1a, 0x02, 0x01, 0x02))).toBeNull(); // packed sizes
    expect(value.check(Uint8Array.of(0x18, 0x01, 0x18, 0x02))).toBeNull(); // unpacked sizes
  });

  test("truncation, bad lengths, invalid wire types, field 0, bad UTF-8 and deep nesting are invalid", async () => {
    const { value } = parts(await compile(PROTO));
    expect(value.check(Uint8Array.of(0x0a, 0x05, 0x61))).toBe("truncated: 5 bytes needed, 1 left");
    expect(value.check(Uint8Array.of(0x10, 0x80))).toBe("truncated varint");
    expect(value.check(Uint8Array.of(0x10, ...new Array(10).fill(0x80), 0))).toBe("varint longer than 10 bytes");
    expect(value.check(Uint8Array.of(0xff, 0x01, 0x00))).toBe("invalid wire type 7 for field 31");
    expect(value.check(Uint8Array.of(0x00, 0x00))).toBe("invalid field number 0 in Value");
    expect(value.check(Uint8Array.of(0x0a, 0x02, 0xc3, 0x28))).toBe("Value.item is not UTF-8");
    expect(value.check(Uint8Array.of(0x0c))).toBe("unexpected end-group 1 in Value");
    const nested = await compile('syntax = "proto3"; message Value { Value inner = 1; }');
    let deep: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 150; i++) deep = Uint8Array.of(0x0a, ...encodeLength(deep.length), ...deep);
    expect(valueOf(nested).check(deep)).toBe("messages nested more than 100 deep");
  });

  test("proto2 required fields and groups", async () => {
    const s = await compile(`syntax = "proto2"; message Value { required string id = 1; optional group Extra = 2 { optional int32 n = 3; } }`);
    const value = valueOf(s);
    expect(value.check(new Uint8Array(0))).toBe("required field Value.id is missing");
    expect(value.check(Uint8Array.of(0x0a, 0x00, 0x13, 0x18, 0x01, 0x14))).toBeNull();
    expect(value.check(Uint8Array.of(0x0a, 0x00, 0x13, 0x18, 0x01))).toBe("group Extra is not closed");
    expect(value.check(Uint8Array.of(0x0a, 0x00, 0x12, 0x00))).toBe("Value.extra has wire type 2 (length-delimited), expected 3 (start-group)");
  });

  test("Key and Value are found at the top of the file's package; both parts are required when defined", async () => {
    const s = await compile('syntax = "proto3"; message Value { string v = 1; message Key { string k = 1; } }');
    expect(s.key).toBeNull();
    expect(s.value?.required).toBe(true);
    expect(checkRecord(s, Uint8Array.of(0xff), new Uint8Array(0))).toBeNull();
    expect(checkRecord(s, null, null)).toBe("value is null but the schema requires one");
  });

  test("bad schemas are refused with the parser's message", async () => {
    await expect(compile("message Key { strin id = 1 }")).rejects.toThrow("illegal token 'strin'");
    await expect(compile('syntax = "proto3"; message Key { Missing id = 1; }')).rejects.toThrow("no such Type or Enum 'Missing'");
    await expect(compile('syntax = "proto3"; import "other.proto"; message Key {}')).rejects.toThrow('import "other.proto" is not supported');
    await expect(compile('syntax = "proto3"; package a; message Other {}')).rejects.toThrow("no message Key or Value in package a");
  });
});

function encodeLength(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n >>>= 7) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return out;
}
