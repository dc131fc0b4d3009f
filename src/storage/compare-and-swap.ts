// The read-apply-write loop every coordinator state (groups, transactions) goes through: a lost
// compare-and-swap re-applies the transition to the state that won, a bounded number of times
// with jittered backoff. Exhausting the bound is a retriable error, never a silent drop.

/** A stored JSON state and its version, as engines return groups and transactions. */
export interface VersionedText {
  version: string;
  state: string;
}

export interface CasTarget<S> {
  get(): Promise<VersionedText | null>;
  put(text: string, expectedVersion: string | null): Promise<{ ok: true; version: string } | { ok: false; current: VersionedText | null }>;
  delete(expectedVersion: string): Promise<boolean>;
  parse(stored: VersionedText): S;
}

export type CasApplied<S, R> = { ok: true; reply: R; state: S | null; version: string | null } | { ok: false; exhausted: true };

const MAX_ATTEMPTS = 20;
const MAX_BACKOFF_MS = 50;

const backoff = (attempt: number) => Bun.sleep(Math.random() * Math.min(2 ** attempt, MAX_BACKOFF_MS));

/** Applies `step` (null state: absent; null result: delete) and writes the outcome by compare-and-swap. */
export async function applyByCas<S, R>(target: CasTarget<S>, step: (state: S | null, now: number) => { state: S | null; reply: R }): Promise<CasApplied<S, R>> {
  let stored = await target.get();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const { state, reply } = step(stored === null ? null : target.parse(stored), Date.now());
    const text = state === null ? null : JSON.stringify(state);
    if (text === (stored?.state ?? null)) return { ok: true, reply, state, version: stored?.version ?? null };
    if (text !== null) {
      const written = await target.put(text, stored?.version ?? null);
      if (written.ok) return { ok: true, reply, state, version: written.version };
      stored = written.current;
    } else if (stored !== null) {
      if (await target.delete(stored.version)) return { ok: true, reply, state: null, version: null };
      stored = await target.get();
    }
    await backoff(attempt);
  }
  return { ok: false, exhausted: true };
}
