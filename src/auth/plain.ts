// SASL PLAIN (RFC 4616): one message `authzid NUL authcid NUL passwd`. The password is checked
// against the user's stored SCRAM credential, the only secret the broker keeps; an authzid other
// than the user itself is refused, as Kafka has no impersonation.

import type { ScramCredential } from "./scram.ts";
import { passwordMatches } from "./scram.ts";

export type PlainResult = { ok: true; username: string } | { ok: false; reason: "malformed" | "authzid-mismatch" | "authentication-failed"; username?: string };

const decoder = new TextDecoder("utf-8", { fatal: true });

export async function checkPlain(message: Uint8Array, lookup: (username: string) => Promise<ScramCredential | null>): Promise<PlainResult> {
  let text: string;
  try {
    text = decoder.decode(message);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const parts = text.split("\u0000");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  const [authzid, username, password] = parts as [string, string, string];
  if (username === "" || password === "") return { ok: false, reason: "malformed" };
  if (authzid !== "" && authzid !== username) return { ok: false, reason: "authzid-mismatch", username };
  const credential = await lookup(username);
  if (credential === null || !(await passwordMatches(credential, password))) return { ok: false, reason: "authentication-failed", username };
  return { ok: true, username };
}
