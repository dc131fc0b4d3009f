// The broker's handlers: the API table, loaded on demand.

import type { Handler } from "./handler.ts";
import { HandlerRegistry } from "./registry.ts";
import { API_TABLE } from "./table.ts";

export function handlerRegistry(wrap?: (h: Handler<unknown, unknown>) => Handler<unknown, unknown>): HandlerRegistry {
  return new HandlerRegistry(API_TABLE, wrap);
}
