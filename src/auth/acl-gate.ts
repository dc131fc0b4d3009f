// Checks are synchronous over the bindings held in memory, so a broker that has not yet read them
// must not answer: until the first read, every request but ApiVersions waits for it (as requests
// that need storage wait for storage to open).

import type { Handler } from "../handlers/handler.ts";

const API_VERSIONS = 18;

/** Wraps each handler as it loads (handlers/registry.ts). */
export function untilAclsLoaded(loaded: Promise<void>): (h: Handler<unknown, unknown>) => Handler<unknown, unknown> {
  let ready = false;
  void loaded.then(() => (ready = true));
  return (h) => (h.api.apiKey === API_VERSIONS ? h : { ...h, handle: (request, ctx) => (ready ? h.handle(request, ctx) : loaded.then(() => h.handle(request, ctx))) });
}
