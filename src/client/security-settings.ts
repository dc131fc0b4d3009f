// The settings a client's security.protocol needs, read the same way by the CLI's clients and by
// the proxy toward its upstream: a CA file and a SASL mechanism, each refused with the flag named.

import { readFileSync } from "node:fs";
import { ConfigError, type Setting } from "../config.ts";
import type { SaslMechanism } from "./sasl.ts";

const MECHANISMS: readonly SaslMechanism[] = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

export function saslMechanism({ value, what }: Setting): SaslMechanism {
  const chosen = MECHANISMS.find((m) => m === value.toUpperCase());
  if (chosen === undefined) throw new ConfigError(`${what}: expected ${MECHANISMS.join(", ")}, got ${JSON.stringify(value)}`);
  return chosen;
}

/** The PEM text of a CA file. */
export function readCaFile({ value, what }: Setting): string {
  try {
    return readFileSync(value, "utf8");
  } catch (e) {
    throw new ConfigError(`${what}: cannot read ${value}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
