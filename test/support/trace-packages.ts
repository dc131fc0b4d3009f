// Preloaded (`bun --preload`) into a process under test: appends the path of every file loaded from
// node_modules to the file named by TRACE_PACKAGES_FILE, one per line.

import { appendFileSync, readFileSync } from "node:fs";

const out = process.env.TRACE_PACKAGES_FILE;
if (out !== undefined) {
  Bun.plugin({
    name: "trace-packages",
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]/ }, (args) => {
        appendFileSync(out, `${args.path}\n`);
        return { contents: readFileSync(args.path, "utf8"), loader: /\.[cm]?tsx?$/.test(args.path) ? "ts" : "js" };
      });
    },
  });
}
