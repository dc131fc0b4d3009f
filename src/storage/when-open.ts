// An engine that is still opening: every call waits until the open has finished, then goes to the
// opened engine (and fails as that call would if the open failed). A broker listens behind one, so
// its first client's handshake (ApiVersions needs no storage) overlaps the storage's start.

import type { Engine } from "./engine.ts";

type Method = (...args: unknown[]) => unknown;

export function engineWhenOpen(opening: Promise<Engine>, description: string): Engine {
  let opened: Engine | undefined;
  opening.then(
    (engine) => {
      opened = engine;
    },
    () => {},
  );
  const waiting = new Map<PropertyKey, Method>();
  const bound = new Map<PropertyKey, Method>();
  return new Proxy({ description } as Engine, {
    get(_, prop) {
      if (opened !== undefined) {
        const value: unknown = Reflect.get(opened, prop, opened);
        if (typeof value !== "function") return value;
        let method = bound.get(prop);
        if (method === undefined) bound.set(prop, (method = (value as Method).bind(opened)));
        return method;
      }
      if (prop === "description") return description;
      // awaiting the engine itself must not look like awaiting a promise
      if (prop === "then") return undefined;
      let method = waiting.get(prop);
      if (method === undefined) {
        method = async (...args: unknown[]) => {
          const engine = await opening;
          return (Reflect.get(engine, prop, engine) as Method).apply(engine, args);
        };
        waiting.set(prop, method);
      }
      return method;
    },
  });
}
