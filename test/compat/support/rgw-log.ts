// radosgw's own account of what it answered. At its default log level (debug_rgw 1) it logs one
// `beast:` line per request: `"PUT /<bucket>/<key>?x-id=PutObject HTTP/1.1" 412 …`. The log is the
// `log file` of the ceph.conf the radosgw process was started with (`radosgw -c <conf> …`).

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The log file of the radosgw on this machine that serves `endpoint` (http://127.0.0.1:PORT). */
export function rgwLogFile(endpoint: string): string {
  const port = new URL(endpoint).port;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    let args: string[];
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    const conf = args[args.indexOf("-c") + 1];
    if (!args[0]?.endsWith("radosgw") || conf === undefined || !existsSync(conf)) continue;
    if (!new RegExp(`endpoint=127\\.0\\.0\\.1:${port}\\s`).test(readFileSync(conf, "utf8"))) continue;
    // scripts/ceph-rgw-up.sh sets `log file = <its directory>/log/$name.log`
    return join(dirname(conf), "log", "client.rgw.log");
  }
  throw new Error(`no radosgw process serves ${endpoint}`);
}

/** The keys of `bucket` whose PUT radosgw answered 412 Precondition Failed, in log order. */
export function refusedPuts(logFile: string, bucket: string): string[] {
  const keys: string[] = [];
  for (const m of readFileSync(logFile, "utf8").matchAll(/"PUT \/([^ ?]+)\S* HTTP\/[\d.]+" 412 /g)) {
    const path = decodeURIComponent(m[1]!);
    if (path.startsWith(`${bucket}/`)) keys.push(path.slice(bucket.length + 1));
  }
  return keys;
}
