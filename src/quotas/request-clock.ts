// A request's time for request_percentage: from the start of its handler to its answer, less the
// time it spent waiting on others — for its turn among the connection's requests (ctx.inOrder), for
// new records (a Fetch long poll) or for a consumer group to change — which is no work, as Kafka's
// request time (time on a thread) does not count a request waiting in purgatory either.

import type { RequestContext } from "../handlers/handler.ts";
import type { Engine } from "../storage/engine.ts";

const WAITS = new Set<PropertyKey>(["waitForAppend", "waitForGroupChange"]);

type Method = (...args: unknown[]) => unknown;

export class RequestClock {
  private readonly startedAt: number;
  private waiting = 0;
  private waitStartedAt = 0;
  private waited = 0;

  constructor(now: number) {
    this.startedAt = now;
  }

  elapsed(now: number): number {
    const current = this.waiting > 0 ? now - this.waitStartedAt : 0;
    return Math.max(0, now - this.startedAt - this.waited - current);
  }

  /** `engine` with its waits not counted. */
  engine(engine: Engine): Engine {
    const methods = new Map<PropertyKey, Method>();
    return new Proxy(engine, {
      get: (target, prop) => {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        let method = methods.get(prop);
        if (method === undefined) {
          const fn = (value as Method).bind(target);
          method = WAITS.has(prop) ? (...args) => this.excluding(() => fn(...args)) : fn;
          methods.set(prop, method);
        }
        return method;
      },
    });
  }

  /** `inOrder` with the wait for the section's turn not counted. */
  inOrder(inOrder: RequestContext["inOrder"]): RequestContext["inOrder"] {
    return (section) => {
      this.pause();
      let resumed = false;
      const resume = () => {
        if (resumed) return;
        resumed = true;
        this.resume();
      };
      return inOrder(() => {
        resume();
        return section();
      }).finally(resume);
    };
  }

  private async excluding(wait: () => unknown): Promise<unknown> {
    this.pause();
    try {
      return await wait();
    } finally {
      this.resume();
    }
  }

  private pause(): void {
    if (this.waiting++ === 0) this.waitStartedAt = performance.now();
  }

  private resume(): void {
    if (--this.waiting === 0) this.waited += performance.now() - this.waitStartedAt;
  }
}
