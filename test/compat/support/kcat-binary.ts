// kcat with binary keys and values (Avro, Protobuf): records on stdin split by multi-byte
// delimiters that the records must not contain (-K key, -D message), and read back through a
// format that gives each record's key and value lengths before their bytes.

import type { EncodedRecord } from "../../support/schema-fixtures.ts";
import { KCAT } from "./kcat.ts";

const KEY_DELIMITER = Buffer.from([0xfb, 0xfa]);
const MESSAGE_DELIMITER = Buffer.from([0xfe, 0xfd, 0xfc]);

function input(records: readonly EncodedRecord[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of records) {
    for (const part of [r.key, r.value]) {
      if (part !== null && (part.includes(KEY_DELIMITER) || part.includes(MESSAGE_DELIMITER))) throw new Error("a record contains a kcat delimiter");
    }
    // without the key delimiter kcat sends a null key
    if (r.key !== null) parts.push(r.key, KEY_DELIMITER);
    parts.push(r.value ?? Buffer.alloc(0), MESSAGE_DELIMITER);
  }
  return Buffer.concat(parts);
}

export interface KcatRun {
  code: number;
  stderr: string;
}

/** One kcat -P run to partition 0; records queued together go out as one batch. */
export async function kcatProduceBinary(bootstrap: string, topic: string, records: readonly EncodedRecord[]): Promise<KcatRun> {
  const proc = Bun.spawn([KCAT, "-b", bootstrap, "-P", "-t", topic, "-p", "0", "-K", "\\xfb\\xfa", "-D", "\\xfe\\xfd\\xfc", "-X", "linger.ms=50"], {
    stdin: input(records),
    stdout: "ignore",
    stderr: "pipe",
  });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  return { code, stderr };
}

/** Every record of partition 0, from the beginning to the end. */
export async function kcatConsumeBinary(bootstrap: string, topic: string): Promise<EncodedRecord[]> {
  const proc = Bun.spawn([KCAT, "-b", bootstrap, "-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q", "-f", "%K %S\\n%k%s"], { stdout: "pipe", stderr: "pipe" });
  const [out, stderr, code] = await Promise.all([new Response(proc.stdout).arrayBuffer(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`kcat -C exited ${code}: ${stderr}`);
  const bytes = Buffer.from(out);
  const records: EncodedRecord[] = [];
  for (let at = 0; at < bytes.length; ) {
    const lf = bytes.indexOf(0x0a, at);
    const [keyLength, valueLength] = bytes.subarray(at, lf).toString().split(" ").map(Number) as [number, number];
    at = lf + 1;
    const take = (n: number) => (n < 0 ? null : bytes.subarray(at, (at += n)));
    records.push({ key: take(keyLength), value: take(valueLength) });
  }
  return records;
}
