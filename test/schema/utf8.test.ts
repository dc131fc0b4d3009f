import { expect, test } from "bun:test";
import { isUtf8 } from "../../src/schema/utf8.ts";

const check = (...bytes: number[]) => isUtf8(Uint8Array.of(...bytes), 0, bytes.length);

test("well-formed UTF-8 passes, as TextDecoder's fatal mode agrees", () => {
  for (const s of ["", "ascii", "é", "€", "𝄞", "mixed é€𝄞 text", "\u{10ffff}", "\u{d7ff}\u{e000}"]) {
    const bytes = new TextEncoder().encode(s);
    expect(isUtf8(bytes, 0, bytes.length)).toBe(true);
  }
});

test("overlong forms, surrogates, code points past U+10FFFF, stray and missing continuations fail", () => {
  expect(check(0xc0, 0x80)).toBe(false); // overlong NUL
  expect(check(0xe0, 0x80, 0x80)).toBe(false); // overlong
  expect(check(0xed, 0xa0, 0x80)).toBe(false); // U+D800
  expect(check(0xf4, 0x90, 0x80, 0x80)).toBe(false); // U+110000
  expect(check(0x80)).toBe(false);
  expect(check(0xe2, 0x82)).toBe(false); // truncated €
  expect(check(0xe2, 0x28, 0xa1)).toBe(false);
  expect(check(0xff)).toBe(false);
  // only the range given counts
  expect(isUtf8(Uint8Array.of(0x61, 0xe2, 0x82, 0xac), 0, 3)).toBe(false);
  expect(isUtf8(Uint8Array.of(0xff, 0x61, 0xff), 1, 2)).toBe(true);
});
