// Every API this broker answers. ApiVersions advertises exactly these, with these version ranges.

import type { Handler } from "./handler.ts";
import produce from "./00-produce.ts";
import fetch from "./01-fetch.ts";
import listOffsets from "./02-list-offsets.ts";
import metadata from "./03-metadata.ts";
import apiVersions from "./18-api-versions.ts";
import initProducerId from "./22-init-producer-id.ts";
// more handlers: keep this list in API key order

const HANDLERS: readonly Handler<unknown, unknown>[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  apiVersions,
  initProducerId,
  // more handlers: keep this list in API key order
];

export function handlerRegistry(): ReadonlyMap<number, Handler<unknown, unknown>> {
  return new Map(HANDLERS.map((h) => [h.api.apiKey, h]));
}
