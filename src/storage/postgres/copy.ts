// COPY … FROM STDIN inside the append's transaction, in two steps so that the COPY statement can
// go out with the statement before it and its data once the rows are patched.
//
// postgres.js 3.4.9 never settles a COPY writable whose COPY fails after the data was sent
// (porsager/postgres#1173): neither 'finish' nor 'error' fires. It does reject the COPY statement
// itself, which by then has already resolved with the stream, so that rejection is caught where
// postgres.js delivers it (the statement's `reject`) and ends the wait at once: a row the
// database refuses (a CHECK constraint, a full disk) fails the append promptly. A COPY that never
// settles at all is still bounded: past `timeoutMs` the stream is destroyed and the append fails
// with StorageError; either way sql.begin rolls back.

import type { Writable } from "node:stream";
import { StorageError } from "../engine.ts";
import { SQL, type Tx } from "./connect.ts";

export interface Copy {
  stream: Writable;
  /** Rejects with the database's error if the COPY fails. */
  failed: Promise<never>;
}

/** The part of a postgres.js statement that hears its failure. */
interface Rejectable {
  reject(error: unknown): void;
}

/** Sends the COPY statement; resolves once the server is ready for data. */
export function startCopy(tx: Tx): Promise<Copy> {
  const statement = tx.unsafe(SQL["copy-records"]);
  const { promise: failed, reject } = Promise.withResolvers<never>();
  failed.catch(() => {}); // endCopy awaits it; a COPY that never gets data needs no handler
  const hook = statement as unknown as Rejectable;
  const rejectStatement = hook.reject;
  hook.reject = (error) => {
    reject(error);
    rejectStatement(error);
  };
  return statement.writable().then((stream) => ({ stream, failed }));
}

/** Sends `data` and ends the COPY; resolves once the server has taken every row. */
export function endCopy({ stream, failed }: Copy, data: Uint8Array, timeoutMs: number): Promise<void> {
  const chunk = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ended = new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => {
      const error = new StorageError("unavailable", `COPY into tansu.record did not complete within ${timeoutMs} ms`);
      stream.destroy(error);
      reject(error);
    }, timeoutMs);
    stream.once("error", reject);
    stream.end(chunk, () => resolve());
  });
  return Promise.race([ended, failed]).finally(() => clearTimeout(timer));
}
