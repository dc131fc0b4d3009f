// COPY … FROM STDIN inside the append's transaction.
//
// postgres.js 3.4.9 never settles a COPY writable whose COPY fails after the data was sent
// (porsager/postgres#1173): neither 'finish' nor 'error' fires, and the transaction would hang
// holding the partition's lock. So the wait is bounded: past `timeoutMs` the stream is destroyed
// and the append fails with StorageError, which makes sql.begin roll back.

import type { Writable } from "node:stream";
import { StorageError } from "../engine.ts";
import { SQL, type Tx } from "./connect.ts";

export async function copyIn(tx: Tx, data: Uint8Array, timeoutMs: number): Promise<void> {
  const stream = await tx.unsafe(SQL["copy-records"]).writable();
  await endWithin(stream, Buffer.from(data.buffer, data.byteOffset, data.byteLength), timeoutMs);
}

function endWithin(stream: Writable, chunk: Buffer, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new StorageError("unavailable", `COPY into tansu.record did not complete within ${timeoutMs} ms`);
      stream.destroy(error);
      reject(error);
    }, timeoutMs);
    stream.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    stream.end(chunk, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
