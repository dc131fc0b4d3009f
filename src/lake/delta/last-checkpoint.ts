// `_delta_log/_last_checkpoint`: {version, size, …} naming a recent checkpoint so that readers need
// not list the whole log. It is only a hint: when missing, unreadable or stale, the log is still
// complete without it.

import { inTable, LAST_CHECKPOINT } from "./log-files.ts";
import type { LakeStore } from "../store.ts";

export type LastCheckpoint = { readonly version: number; readonly size?: number };

export async function readLastCheckpoint(store: LakeStore, tablePath: string): Promise<LastCheckpoint | undefined> {
  const bytes = await store.get(inTable(tablePath, LAST_CHECKPOINT));
  if (bytes === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || !("version" in parsed)) return undefined;
  const { version } = parsed;
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 0) return undefined;
  const size = "size" in parsed && typeof parsed.size === "number" ? parsed.size : undefined;
  return size === undefined ? { version } : { version, size };
}
