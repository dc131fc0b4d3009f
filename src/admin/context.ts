// What the admin endpoints read: the broker's configuration, its storage and its counters.

import type { Authorizer } from "../auth/authorizer.ts";
import type { BrokerConfig } from "../config.ts";
import type { LakeProgress } from "../lake/progress.ts";
import type { CleanupProgress } from "../retention/progress.ts";
import type { Engine } from "../storage/engine.ts";
import type { BrokerMetrics } from "./metrics/registry.ts";

export interface AdminContext {
  readonly config: BrokerConfig;
  readonly engine: Engine;
  readonly metrics: BrokerMetrics;
  /** What this broker's retention checks last found and did. */
  readonly cleanup: CleanupProgress;
  /** What this broker's lake exports last found; absent without --lake-url. */
  readonly lake?: LakeProgress;
  /** Decides whether an authenticated admin caller may read (DESCRIBE on the cluster). */
  readonly authorizer?: Authorizer;
}

/** Storage calls made for an HTTP request give up after this long (the request answers 503). */
export const STORAGE_DEADLINE_MS = 2_000;

export class DeadlineExceeded extends Error {
  override name = "DeadlineExceeded";
}

export async function withDeadline<T>(work: Promise<T>, ms = STORAGE_DEADLINE_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`storage did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
