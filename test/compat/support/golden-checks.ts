// Checks on captured frames for test/compat/golden.compat.ts, and the choice of frames to store.

import { apisByKey } from "../../../src/protocol/generated/index.ts";
import type { CapturedFrame } from "../../support/capture-proxy.ts";
import { fixtureName, type GoldenFrame, type GoldenRecord, producedRecords } from "../../support/golden.ts";
import { PRODUCE_KEY } from "../../support/produce-batches.ts";
import type { GoldenClient } from "./golden-clients.ts";
import type { SentRecord } from "./records.ts";

export function apiName(apiKey: number): string {
  return apisByKey.get(apiKey)?.name ?? `key${apiKey}`;
}

export function where(f: CapturedFrame): string {
  return `${f.scenario}: ${apiName(f.apiKey)} v${f.apiVersion} (correlation ${f.correlationId})`;
}

export function firstDifference(a: Uint8Array, b: Uint8Array): string {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return `byte ${i}: ${a[i]} became ${b[i]}`;
  return `length ${a.length} became ${b.length}`;
}

/** What the decoded Produce batches should hold: the sent records (timestamps only where the client was given one). */
export function produceProblems(sent: readonly SentRecord[], got: readonly GoldenRecord[]): string[] {
  const problems: string[] = [];
  if (got.length !== sent.length) problems.push(`${got.length} records decoded, ${sent.length} sent`);
  sent.forEach((s, i) => {
    const g = got[i];
    if (g === undefined) return;
    const want = { key: s.key, value: s.value, headers: s.headers };
    const have = { key: g.key, value: g.value, headers: g.headers };
    if (JSON.stringify(want) !== JSON.stringify(have)) problems.push(`record ${i}: sent ${JSON.stringify(want)}, decoded ${JSON.stringify(have)}`);
    if (s.timestamp !== null && g.timestamp !== s.timestamp) problems.push(`record ${i}: timestamp ${g.timestamp}, sent ${s.timestamp}`);
  });
  return problems.slice(0, 20);
}

/** One request frame per API version, and per codec for Produce, with what each holds. */
export function selectFixtures(c: GoldenClient, frames: readonly CapturedFrame[]): { index: GoldenFrame[]; bytes: Map<string, Uint8Array> } {
  const index: GoldenFrame[] = [];
  const bytes = new Map<string, Uint8Array>();
  for (const f of frames) {
    if (f.direction !== "request") continue;
    const scenario = c.scenarios.find((s) => s.name === f.scenario);
    const produce = f.apiKey === PRODUCE_KEY ? producedRecords(f.bytes) : null;
    if (produce !== null && (scenario?.sent === undefined || produce.records.length === 0)) continue;
    const suffix = produce === null ? "" : (scenario?.sent?.expected ?? "");
    const file = fixtureName(f.apiKey, apiName(f.apiKey), f.apiVersion, suffix);
    if (bytes.has(file)) continue;
    bytes.set(file, f.bytes);
    index.push({ file, apiKey: f.apiKey, api: apiName(f.apiKey), apiVersion: f.apiVersion, scenario: f.scenario, ...(produce === null ? {} : produce) });
  }
  return { index, bytes };
}
