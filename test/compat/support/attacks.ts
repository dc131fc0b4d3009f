// Misbehaving connections: each sends some bytes to the broker, then either hangs up itself or
// waits to see whether the broker closes the connection.

export type Outcome = "closed by broker" | "still open" | "closed by us";

export interface Attack {
  name: string;
  bytes: Uint8Array;
  /** true: disconnect right after sending; false: wait for the broker to close. */
  hangUp: boolean;
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  };
}

function randomBytes(n: number, seed: number): Uint8Array {
  const next = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = next();
  return out;
}

function sized(size: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setInt32(0, size);
  out.set(body, 4);
  return out;
}

/** A Produce v9 request header (key 0, version 9, correlation 7, client "x") for a frame that never completes. */
const PRODUCE_HEADER = new Uint8Array([0, 0, 0, 9, 0, 0, 0, 7, 0, 1, 0x78, 0]);

export function attacks(seed: number): Attack[] {
  const garbage = randomBytes(64 * 1024, seed);
  garbage.set([0xde, 0xad, 0xbe, 0xef]);
  const halfBody = new Uint8Array(500);
  halfBody.set(PRODUCE_HEADER);
  return [
    { name: "64 KiB of garbage", bytes: garbage, hangUp: false },
    { name: "a 64-byte frame of garbage", bytes: sized(64, randomBytes(64, seed + 1)), hangUp: false },
    { name: "an unknown API key", bytes: sized(12, new Uint8Array([0x7f, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0x78, 0])), hangUp: false },
    { name: "half a frame, then disconnect", bytes: sized(1000, halfBody), hangUp: true },
    { name: "a 2 GiB - 1 length prefix", bytes: sized(0x7fffffff, randomBytes(4096, seed + 2)), hangUp: false },
    { name: "a 2 GiB length prefix (negative as int32)", bytes: sized(-0x80000000, randomBytes(4096, seed + 3)), hangUp: false },
  ];
}

export function attack(port: number, a: Attack, waitMs = 5_000): Promise<Outcome> {
  return new Promise<Outcome>((resolve, reject) => {
    let settled = false;
    const settle = (o: Outcome) => {
      if (settled) return;
      settled = true;
      resolve(o);
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    Bun.connect<{ push: () => void }>({
      hostname: "127.0.0.1",
      port,
      data: { push: () => undefined },
      socket: {
        open(socket) {
          let sent = 0;
          const push = () => {
            while (sent < a.bytes.length) {
              const n = socket.write(a.bytes.subarray(sent));
              if (n <= 0) return;
              sent += n;
            }
            if (a.hangUp) {
              settle("closed by us");
              socket.end();
            } else {
              timer = setTimeout(() => {
                settle("still open");
                socket.end();
              }, waitMs);
            }
          };
          socket.data.push = push;
          push();
        },
        drain(socket) {
          socket.data.push();
        },
        data() {
          // nothing the broker says to these connections matters
        },
        close() {
          clearTimeout(timer);
          settle("closed by broker");
        },
        error() {
          clearTimeout(timer);
          settle("closed by broker");
        },
      },
    }).catch(reject);
  });
}
