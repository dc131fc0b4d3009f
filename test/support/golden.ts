// Golden request frames captured from real clients (test/fixtures/golden/<client>/): a JSON index
// and one binary file a frame. Checks shared by the compat test that captures them and the unit
// test that re-checks the stored ones: decode + re-encode is byte-identical, and the record batches
// of a Produce request decode to the records the client sent.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from "../../src/protocol/frame.ts";
import { apisByKey } from "../../src/protocol/generated/index.ts";
import { decodeBatch } from "../../src/protocol/records/index.ts";
import { produceBatches } from "./produce-batches.ts";

export const GOLDEN_DIR = join(import.meta.dir, "..", "fixtures", "golden");

export interface GoldenRecord {
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
  timestamp: number;
}

export interface GoldenFrame {
  file: string;
  apiKey: number;
  api: string;
  apiVersion: number;
  /** What the client was doing, e.g. "produce-zstd". */
  scenario: string;
  /** Produce only: the codec of each batch and every record, in order. */
  codecs?: string[];
  records?: GoldenRecord[];
}

export interface GoldenIndex {
  client: string;
  frames: GoldenFrame[];
}

/** Request frame (size prefix included) → decoded and encoded again. Throws if it does not decode. */
export function reencodeRequest(frame: Uint8Array): Uint8Array {
  const decoded = decodeRequest(frame.subarray(4), (k) => apisByKey.get(k));
  if (!decoded.ok) throw new Error(`undecodable request: ${decoded.error.message}`);
  return encodeRequest(decoded.api, decoded.header, decoded.body);
}

/** Response frame (size prefix included) of a request with this key and version → decoded and encoded again. */
export function reencodeResponse(frame: Uint8Array, apiKey: number, apiVersion: number): Uint8Array {
  const api = apisByKey.get(apiKey);
  if (api === undefined) throw new Error(`unknown API key ${apiKey}`);
  const decoded = decodeResponse(api, apiVersion, frame.subarray(4));
  if (!decoded.ok) throw new Error(`undecodable ${api.name} v${apiVersion} response: ${decoded.error.message}`);
  return encodeResponse(api, apiVersion, decoded.correlationId, decoded.body);
}

const text = new TextDecoder("utf-8", { fatal: true });
const str = (b: Uint8Array | null): string | null => (b === null ? null : text.decode(b));

/** The codecs and records of every batch in a Produce request frame. */
export function producedRecords(frame: Uint8Array): { codecs: string[]; records: GoldenRecord[] } {
  const codecs: string[] = [];
  const records: GoldenRecord[] = [];
  for (const batch of produceBatches(frame)) {
    const decoded = decodeBatch(batch.bytes);
    codecs.push(decoded.header.codec);
    for (const r of decoded.records) {
      records.push({ key: str(r.key), value: str(r.value), headers: r.headers.map((h) => [h.key, str(h.value)]), timestamp: r.timestamp });
    }
  }
  return { codecs, records };
}

export function fixtureName(apiKey: number, api: string, apiVersion: number, suffix: string): string {
  const kebab = api.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
  return `${String(apiKey).padStart(2, "0")}-${kebab}-v${apiVersion}${suffix === "" ? "" : `-${suffix}`}.bin`;
}

export function goldenClients(): string[] {
  if (!existsSync(GOLDEN_DIR)) return [];
  return readdirSync(GOLDEN_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function readGolden(client: string): { index: GoldenIndex; frame(f: GoldenFrame): Uint8Array } {
  const dir = join(GOLDEN_DIR, client);
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as GoldenIndex;
  return { index, frame: (f) => new Uint8Array(readFileSync(join(dir, f.file))) };
}

export function hasGolden(client: string): boolean {
  return existsSync(join(GOLDEN_DIR, client, "index.json"));
}

/** Replaces a client's fixtures with these frames. */
export function writeGolden(client: string, index: GoldenIndex, bytes: ReadonlyMap<string, Uint8Array>): void {
  const dir = join(GOLDEN_DIR, client);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [file, b] of bytes) writeFileSync(join(dir, file), b);
  writeFileSync(join(dir, "index.json"), JSON.stringify(index, null, 2) + "\n");
}
