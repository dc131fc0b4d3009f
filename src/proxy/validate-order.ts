// One client connection's Produce checks, kept in the order its requests arrived: a check that must
// wait for the schema registry holds every later request of the connection behind it, so requests
// still go upstream in the order sent (an idempotent producer's batches in sequence order).

import { ProduceApi } from "../protocol/generated/produce.ts";
import type { RequestPrefix } from "./peek.ts";
import type { ProduceCheck, ProduceValidator } from "./validate-produce.ts";

export class OrderedProduceChecks {
  /** Settles once the latest check that had to wait, and every request before it, is through; null when none waits. */
  private waiting: Promise<unknown> | null = null;

  constructor(private readonly validator: ProduceValidator) {}

  /** `upstream` and the request's check (null: send it as it is), once every earlier request's check is done. */
  after<T>(upstream: Promise<T>, frame: Uint8Array, { apiKey }: RequestPrefix): Promise<readonly [T, ProduceCheck | null]> {
    let check: ProduceCheck | null | Promise<ProduceCheck | null>;
    try {
      check = apiKey === ProduceApi.apiKey ? this.validator.check(frame) : null;
    } catch (e) {
      check = Promise.reject(e);
    }
    if (this.waiting === null && !(check instanceof Promise)) {
      const checked = check;
      return upstream.then((u) => [u, checked] as const);
    }
    const done = Promise.all([upstream, check, this.waiting]);
    this.waiting = done;
    const clear = () => {
      if (this.waiting === done) this.waiting = null;
    };
    done.then(clear, clear);
    return done.then(([u, checked]) => [u, checked] as const);
  }
}
