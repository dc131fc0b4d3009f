// Drives the protocol fuzzer: `connections` raw sockets at once, each writing one connection script
// (fuzz-frames.ts) and reading every byte the broker answers, so that what is measured is the
// broker and not TCP backpressure. A connection ends when the broker closes it, when the sentinel's
// answer arrives, when it must hang up mid-frame, or after `quietMs` without an answer once its
// script is written (a long poll, or a frame the broker waits for); another takes its place.

import type { Socket } from "bun";
import { FrameAssembler } from "../../../src/protocol/frames.ts";
import { connectionScript, type Corpus, type FrameKind, type Script, SENTINEL_ID } from "./fuzz-frames.ts";

export interface FuzzOptions {
  port: number;
  corpus: Corpus;
  seed: number;
  /** Connection numbers start here (so that runs with one seed do not repeat each other). */
  firstConnection: number;
  connections: number;
  /** Stop once this many frames are written… */
  frames: number;
  /** …or after this long. */
  deadlineMs: number;
  maxInlineFrames: number;
  /** The share of scripts that end with a final frame rather than the sentinel. */
  finalShare: number;
  quietMs: number;
  /** Called every second while the fuzzer runs. */
  onTick?: (stats: FuzzStats) => void;
}

export interface FuzzStats {
  /** Fuzz frames written whole (the sentinels not counted). */
  frames: number;
  bytes: number;
  byKind: Partial<Record<FrameKind, number>>;
  responses: number;
  responseBytes: number;
  connections: number;
  closedByBroker: number;
  /** Closed by us: sentinel answered, hung up mid-frame, or quiet. */
  sentinelAnswered: number;
  hungUp: number;
  quiet: number;
  connectFailures: number;
  /** Response framing the client could not follow (a broker bug). */
  badResponses: string[];
  seconds: number;
  /** The last connection number used. */
  lastConnection: number;
}

interface Conn {
  number: number;
  script: Script;
  sent: number;
  counted: number;
  responses: FrameAssembler;
  lastHeard: number;
  writtenAt: number;
  closedByUs: boolean;
}

const MAX_RESPONSE_BYTES = 256 << 20;

export async function fuzz(o: FuzzOptions): Promise<FuzzStats> {
  const stats: FuzzStats = {
    frames: 0,
    bytes: 0,
    byKind: {},
    responses: 0,
    responseBytes: 0,
    connections: 0,
    closedByBroker: 0,
    sentinelAnswered: 0,
    hungUp: 0,
    quiet: 0,
    connectFailures: 0,
    badResponses: [],
    seconds: 0,
    lastConnection: o.firstConnection - 1,
  };
  const started = performance.now();
  const open = new Set<Socket<Conn>>();
  let opening = 0;
  let stopping = false;
  let finished!: () => void;
  const done = new Promise<void>((r) => (finished = r));

  const weClose = (s: Socket<Conn>, why: "sentinelAnswered" | "hungUp" | "quiet") => {
    if (s.data.closedByUs) return;
    s.data.closedByUs = true;
    stats[why]++;
    if (why === "hungUp") s.end();
    else s.terminate();
  };

  const countWritten = (c: Conn) => {
    const { ends, kinds } = c.script;
    while (c.counted < ends.length && ends[c.counted]! <= c.sent) {
      const kind = kinds[c.counted]!;
      stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
      stats.frames++;
      c.counted++;
    }
  };

  const pump = (s: Socket<Conn>) => {
    const c = s.data;
    const { bytes } = c.script;
    while (c.sent < bytes.length && !c.closedByUs) {
      const n = s.write(bytes.subarray(c.sent));
      if (n <= 0) break;
      c.sent += n;
      stats.bytes += n;
    }
    countWritten(c);
    if (c.sent === bytes.length && c.writtenAt === 0) {
      c.writtenAt = performance.now();
      if (c.script.hangUp) weClose(s, "hungUp");
    }
    if (stats.frames >= o.frames) stop();
  };

  const onData = (s: Socket<Conn>, chunk: Uint8Array) => {
    const c = s.data;
    c.lastHeard = performance.now();
    stats.responseBytes += chunk.length;
    const { frames, error } = c.responses.push(chunk);
    stats.responses += frames.length;
    if (error !== null) {
      if (stats.badResponses.length < 20) stats.badResponses.push(`connection ${c.number}: ${error}`);
      c.closedByUs = true;
      return s.terminate();
    }
    if (!c.script.sentinel || c.writtenAt === 0) return;
    for (const f of frames) {
      if (f.length >= 4 && new DataView(f.buffer, f.byteOffset).getInt32(0) === SENTINEL_ID) return weClose(s, "sentinelAnswered");
    }
  };

  const connect = () => {
    if (stopping) return;
    const number = ++stats.lastConnection;
    const data: Conn = {
      number,
      script: connectionScript(o.corpus, o.seed, number, o.maxInlineFrames, o.finalShare),
      sent: 0,
      counted: 0,
      responses: new FrameAssembler(MAX_RESPONSE_BYTES, 4, "response"),
      lastHeard: performance.now(),
      writtenAt: 0,
      closedByUs: false,
    };
    opening++;
    Bun.connect<Conn>({
      hostname: "127.0.0.1",
      port: o.port,
      data,
      socket: {
        open(s) {
          opening--;
          stats.connections++;
          open.add(s);
          pump(s);
        },
        drain: pump,
        data: onData,
        close(s) {
          if (!open.delete(s)) return;
          if (!s.data.closedByUs) stats.closedByBroker++;
          replace();
        },
        error() {
          // the close that follows is what counts
        },
        connectError() {
          opening--;
          stats.connectFailures++;
          replace();
        },
      },
    }).catch(() => undefined);
  };

  const replace = () => {
    if (!stopping) connect();
    else if (open.size === 0 && opening === 0) finished();
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const s of open) {
      s.data.closedByUs = true;
      s.terminate();
    }
    if (open.size === 0 && opening === 0) finished();
  };

  const sweep = setInterval(() => {
    const now = performance.now();
    if (now - started > o.deadlineMs || stats.connectFailures > 100) return stop();
    for (const s of open) {
      const c = s.data;
      if (c.writtenAt !== 0 && now - Math.max(c.writtenAt, c.lastHeard) > o.quietMs) weClose(s, "quiet");
    }
  }, Math.max(10, o.quietMs / 4));
  const ticker = setInterval(() => o.onTick?.({ ...stats, seconds: (performance.now() - started) / 1000 }), 1000);

  for (let i = 0; i < o.connections; i++) connect();
  await done;
  clearInterval(sweep);
  clearInterval(ticker);
  stats.seconds = (performance.now() - started) / 1000;
  return stats;
}
