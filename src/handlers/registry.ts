// Handlers by API key. Versions and ordering flags come from the table at once; a handler loads
// on its API's first request (every later request finds it loaded and runs without waiting).

import type { Handler } from "./handler.ts";
import type { ApiEntry } from "./table.ts";

type AnyHandler = Handler<unknown, unknown>;

export class HandlerRegistry {
  private readonly byKey = new Map<number, ApiEntry>();
  private readonly ready = new Map<number, AnyHandler>();
  private readonly loading = new Map<number, Promise<AnyHandler>>();

  /** `wrap` sees each handler once, as it loads (the ACL gate holds requests back with it). */
  constructor(
    entries: readonly ApiEntry[],
    private readonly wrap: (h: AnyHandler) => AnyHandler = (h) => h,
  ) {
    for (const e of entries) this.byKey.set(e.apiKey, e);
  }

  /** A registry of handlers already loaded (tests, and tools that answer a few APIs). */
  static of(handlers: readonly AnyHandler[]): HandlerRegistry {
    const entries = handlers.map((h) => ({ ...h, apiKey: h.api.apiKey, load: () => Promise.resolve({ default: h }) }));
    const registry = new HandlerRegistry(entries);
    for (const h of handlers) registry.ready.set(h.api.apiKey, h);
    return registry;
  }

  /** Every API answered, in key order. */
  entries(): ApiEntry[] {
    return [...this.byKey.values()].sort((a, b) => a.apiKey - b.apiKey);
  }

  entry(apiKey: number): ApiEntry | undefined {
    return this.byKey.get(apiKey);
  }

  /** The handler once loaded. */
  loaded(apiKey: number): AnyHandler | undefined {
    return this.ready.get(apiKey);
  }

  /** Loads the handler (once); undefined for an API this broker does not answer. */
  load(apiKey: number): Promise<AnyHandler> | undefined {
    const entry = this.byKey.get(apiKey);
    if (entry === undefined) return undefined;
    let pending = this.loading.get(apiKey);
    if (pending === undefined) {
      pending = entry.load().then((m) => {
        const h = this.wrap(m.default);
        this.ready.set(apiKey, h);
        return h;
      });
      this.loading.set(apiKey, pending);
    }
    return pending;
  }
}
