// Every API this broker answers. ApiVersions advertises exactly these, with these version ranges.

import type { Handler } from "./handler.ts";
import metadata from "./03-metadata.ts";
import apiVersions from "./18-api-versions.ts";
// more handlers: keep this list in API key order

const HANDLERS: readonly Handler<unknown, unknown>[] = [
  metadata,
  apiVersions,
  // more handlers: keep this list in API key order
];

export function handlerRegistry(): ReadonlyMap<number, Handler<unknown, unknown>> {
  return new Map(HANDLERS.map((h) => [h.api.apiKey, h]));
}
