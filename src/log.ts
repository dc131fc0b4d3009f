// One-line structured logs on stderr: `time level message key=value …`.

import type { LogLevel } from "./config.ts";

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export type Fields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  error(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  debug(message: string, fields?: Fields): void;
  enabled(level: LogLevel): boolean;
}

function format(fields: Fields | undefined): string {
  if (fields === undefined) return "";
  let out = "";
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const s = String(v);
    out += ` ${k}=${/[\s"=]/.test(s) || s === "" ? JSON.stringify(s) : s}`;
  }
  return out;
}

// console.error, not process.stderr.write: the first use of process.stderr builds Node's stream
// machinery, about 10 ms of a compiled broker's start.
const toStderr = (line: string) => console.error(line.slice(0, -1));

export function createLogger(level: LogLevel, write: (line: string) => void = toStderr): Logger {
  const max = RANK[level];
  const log = (l: LogLevel) => (message: string, fields?: Fields) => {
    if (RANK[l] > max) return;
    write(`${new Date().toISOString()} ${l.toUpperCase()} ${message}${format(fields)}\n`);
  };
  return { error: log("error"), warn: log("warn"), info: log("info"), debug: log("debug"), enabled: (l) => RANK[l] <= max };
}
