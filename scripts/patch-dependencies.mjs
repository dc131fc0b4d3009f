// Run after `npm install` / `npm ci` (package.json's postinstall): mends postgres.js 3.4.9, whose
// connection, once its socket has closed, may still flush a queued write (a TypeError on `null`
// that is uncaught and ends the process) and keeps that write pending, so the next connection's
// startup message is never sent and it waits out connect_timeout (porsager/postgres#1066, #1154).
// Plain Node, no dependencies; each edit is applied once and a mismatch is a loud failure.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "node_modules", "postgres");
const EDITS = [
  {
    before: "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)",
    after: "  function nextWrite(fn) {\n    if (!socket) return (chunk = nextWriteTimer = null, false) // closed: the write went with it\n    const x = socket.write(chunk, fn)",
  },
  {
    before: "    incomings = null\n    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)",
    after: "    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener('data', data)",
  },
];

if (!existsSync(root)) process.exit(0); // installed without postgres.js: nothing to mend
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
for (const file of ["src/connection.js", "cjs/src/connection.js"]) {
  const path = join(root, file);
  let text = readFileSync(path, "utf8");
  for (const { before, after } of EDITS) {
    if (text.includes(after)) continue;
    if (!text.includes(before)) throw new Error(`postgres ${version}: ${file} is not the code this patch mends; review scripts/patch-dependencies.mjs`);
    text = text.replace(before, after);
  }
  writeFileSync(path, text);
}
