// Times every storage call of an Engine into BrokerMetrics.storageLatency, by method name. Waits
// (long polls, group-change waits) and close are passed through untimed: their duration is the
// client's choice, not storage latency.

import type { Engine } from "../../storage/engine.ts";
import type { Histogram } from "./histogram.ts";
import type { BrokerMetrics } from "./registry.ts";

const UNTIMED = new Set<PropertyKey>(["waitForAppend", "waitForGroupChange", "close", "constructor"]);

function timed(fn: (...args: unknown[]) => unknown, target: Engine, h: Histogram): (...args: unknown[]) => unknown {
  return (...args) => {
    const t0 = performance.now();
    const done = () => h.observe((performance.now() - t0) / 1000);
    const result: unknown = fn.apply(target, args);
    if (result instanceof Promise) return result.finally(done);
    done();
    return result;
  };
}

export function instrumentEngine(engine: Engine, metrics: BrokerMetrics): Engine {
  const wrapped = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  return new Proxy(engine, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      let w = wrapped.get(prop);
      if (w === undefined) {
        const fn = value as (...args: unknown[]) => unknown;
        w = UNTIMED.has(prop) || typeof prop !== "string" ? fn.bind(target) : timed(fn, target, metrics.storageHistogram(prop));
        wrapped.set(prop, w);
      }
      return w;
    },
  });
}
