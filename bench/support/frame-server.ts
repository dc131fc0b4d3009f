// A loopback TCP server for the benchmarks' stand-in brokers: splits the byte stream into
// size-prefixed Kafka request frames, hands each to `answer` and writes back what it returns (null:
// no response, as for acks=0), queueing what the socket does not take until it drains.

export function serveFrames(port: number, answer: (frame: Uint8Array) => Uint8Array | null): { port: number; stop(): void } {
  const send = (s: { write(b: Uint8Array): number; data: { buf: Uint8Array; out: Uint8Array[] } }, bytes: Uint8Array) => {
    if (s.data.out.length > 0) return void s.data.out.push(bytes);
    const n = s.write(bytes);
    if (n < bytes.length) s.data.out.push(bytes.subarray(Math.max(0, n)));
  };
  const server = Bun.listen<{ buf: Uint8Array; out: Uint8Array[] }>({
    hostname: "127.0.0.1",
    port,
    socket: {
      open(s) {
        s.data = { buf: new Uint8Array(0), out: [] };
      },
      drain(s) {
        while (s.data.out.length > 0) {
          const head = s.data.out[0]!;
          const n = s.write(head);
          if (n < head.length) {
            s.data.out[0] = head.subarray(Math.max(0, n));
            return;
          }
          s.data.out.shift();
        }
      },
      data(s, chunk) {
        const joined = new Uint8Array(s.data.buf.length + chunk.length);
        joined.set(s.data.buf);
        joined.set(chunk, s.data.buf.length);
        const view = new DataView(joined.buffer);
        let off = 0;
        while (joined.length - off >= 4 && joined.length - off - 4 >= view.getInt32(off)) {
          const size = view.getInt32(off);
          const out = answer(joined.subarray(off + 4, off + 4 + size));
          if (out !== null) send(s, out);
          off += 4 + size;
        }
        s.data.buf = joined.slice(off);
      },
    },
  });
  return { port: server.port, stop: () => server.stop(true) };
}
