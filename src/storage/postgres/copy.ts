// COPY … FROM STDIN inside the append's transaction, in two steps so that the COPY statement can
// go out with the statement before it and its data once the rows are patched.
//
// postgres.js 3.4.9 never settles a COPY writable whose COPY fails after the data was sent
// (porsager/postgres#1173): neither 'finish' nor 'error' fires, and the transaction would hang
// holding the partition's lock. So the wait is bounded: past `timeoutMs` the stream is destroyed
// and the append fails with StorageError, which makes sql.begin roll back.

import type { Writable } from "node:stream";
import { StorageError } from "../engine.ts";
import { SQL, type Tx } from "./connect.ts";

/** Sends the COPY statement; resolves with its stream once the server is ready for data. */
export function startCopy(tx: Tx): Promise<Writable> {
  return tx.unsafe(SQL["copy-records"]).writable();
}

/** Sends `data` and ends the COPY; resolves once the server has taken every row. */
export function endCopy(stream: Writable, data: Uint8Array, timeoutMs: number): Promise<void> {
  const chunk = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
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
