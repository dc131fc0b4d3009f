// Lines of a byte stream, split on \n (a \r before it is dropped); a last line without a
// newline counts, an empty input has no lines.

const LF = 0x0a;
const CR = 0x0d;

function line(parts: readonly Uint8Array[]): Uint8Array {
  let joined: Uint8Array;
  if (parts.length === 1) joined = parts[0]!.slice();
  else {
    joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.length;
    }
  }
  return joined.length > 0 && joined[joined.length - 1] === CR ? joined.subarray(0, joined.length - 1) : joined;
}

export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  let pending: Uint8Array[] = [];
  for await (const chunk of stream) {
    let start = 0;
    for (let lf = chunk.indexOf(LF); lf >= 0; lf = chunk.indexOf(LF, start)) {
      pending.push(chunk.subarray(start, lf));
      yield line(pending);
      pending = [];
      start = lf + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) yield line(pending);
}
