// SCRAM's names and numbers, apart from its cryptography (scram.ts), so that what only names a
// mechanism does not load node:crypto at start.

export type ScramMechanism = "SCRAM-SHA-256" | "SCRAM-SHA-512";

export const SCRAM_MIN_ITERATIONS = 4096;
export const SCRAM_MAX_ITERATIONS = 16384;

/** Kafka's ScramMechanism codes in Describe/AlterUserScramCredentials. */
export const SCRAM_MECHANISM_CODES: Record<ScramMechanism, number> = { "SCRAM-SHA-256": 1, "SCRAM-SHA-512": 2 };

export function isScramMechanism(name: string): name is ScramMechanism {
  return Object.hasOwn(SCRAM_MECHANISM_CODES, name);
}

/** The credential a password is checked against (SASL PLAIN, the admin port): SHA-512's if stored. */
export function strongestCredential<C extends { mechanism: ScramMechanism }>(stored: readonly C[]): C | null {
  return stored.find((c) => c.mechanism === "SCRAM-SHA-512") ?? stored.find((c) => c.mechanism === "SCRAM-SHA-256") ?? null;
}

export function scramMechanismOfCode(code: number): ScramMechanism | null {
  if (code === 1) return "SCRAM-SHA-256";
  if (code === 2) return "SCRAM-SHA-512";
  return null;
}
