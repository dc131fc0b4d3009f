/**
 * Sans-IO SCRAM server (RFC 5802, RFC 7677) for SASL SCRAM-SHA-256 / SCRAM-SHA-512,
 * with Kafka's rules: no channel binding, only the "tokenauth" extension, 4096..16384 iterations.
 * Passwords are used as UTF-8 bytes without SASLprep, as Kafka does.
 */
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { isScramMechanism, SCRAM_MAX_ITERATIONS, SCRAM_MIN_ITERATIONS, type ScramMechanism } from "./scram-names.ts";
import { decodeUtf8, isValidNonce, parseClientFinal, parseClientFirst, type ParseFailure } from "./scram-messages.ts";


export interface ScramCredential {
  mechanism: ScramMechanism;
  salt: Uint8Array;
  iterations: number;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

export type CredentialFailure = "unsupported-mechanism" | "iterations-out-of-range" | "empty-salt";
export type CredentialResult = { ok: true; credential: ScramCredential } | { ok: false; reason: CredentialFailure };

export type ScramFailure =
  | ParseFailure
  | "unsupported-mechanism"
  | "authzid-mismatch"
  | "channel-binding-mismatch"
  | "nonce-mismatch"
  /** Wrong password and unknown user alike, so neither can be told apart. */
  | "authentication-failed"
  | "already-finished";

export type ScramFinish = { ok: true; serverFinal: Uint8Array; username: string; tokenAuth: boolean } | { ok: false; reason: ScramFailure; username?: string };
export type ScramStart =
  | { ok: true; serverFirst: Uint8Array; finish(clientFinal: Uint8Array): Promise<ScramFinish> }
  | { ok: false; reason: ScramFailure };

export type CredentialLookup = (username: string, options: { tokenAuth: boolean }) => Promise<ScramCredential | null>;

const HASHES: Record<ScramMechanism, { name: "sha256" | "sha512"; size: number }> = {
  "SCRAM-SHA-256": { name: "sha256", size: 32 },
  "SCRAM-SHA-512": { name: "sha512", size: 64 },
};

const pbkdf2Async = promisify(pbkdf2);
const encoder = new TextEncoder();

export async function scramCredential(
  mechanism: ScramMechanism,
  password: string,
  iterations = SCRAM_MIN_ITERATIONS,
  salt: Uint8Array = randomBytes(32),
): Promise<CredentialResult> {
  if (!isScramMechanism(mechanism)) return { ok: false, reason: "unsupported-mechanism" };
  if (!Number.isInteger(iterations) || iterations < SCRAM_MIN_ITERATIONS || iterations > SCRAM_MAX_ITERATIONS) {
    return { ok: false, reason: "iterations-out-of-range" };
  }
  if (salt.length === 0) return { ok: false, reason: "empty-salt" };
  return { ok: true, credential: credentialFromSalted(mechanism, salt, iterations, await saltPassword(mechanism, password, salt, iterations)) };
}

/** SaltedPassword := Hi(password, salt, iterations) (RFC 5802), what AlterUserScramCredentials sends. */
export async function saltPassword(mechanism: ScramMechanism, password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const { name, size } = HASHES[mechanism];
  return new Uint8Array(await pbkdf2Async(encoder.encode(password), salt, iterations, size, name));
}

export async function startScram(
  mechanism: ScramMechanism,
  clientFirst: Uint8Array,
  lookup: CredentialLookup,
  nonce?: string,
): Promise<ScramStart> {
  if (!isScramMechanism(mechanism)) return { ok: false, reason: "unsupported-mechanism" };
  if (nonce !== undefined && !isValidNonce(nonce)) throw new RangeError("SCRAM server nonce must be printable ASCII without ','");
  const text = decodeUtf8(clientFirst);
  if (text === null) return { ok: false, reason: "malformed" };
  const parsed = parseClientFirst(text);
  if (!parsed.ok) return parsed;
  const first = parsed.value;
  // Kafka has no impersonation: an authzid, if given, must name the user itself.
  if (first.authzid !== null && first.authzid !== first.username) return { ok: false, reason: "authzid-mismatch" };

  const found = await lookup(first.username, { tokenAuth: first.tokenAuth });
  const known = found !== null && found.mechanism === mechanism;
  const credential = known ? found : fakeCredential(mechanism, first.username);
  const { name, size } = HASHES[mechanism];

  const combinedNonce = first.clientNonce + (nonce ?? randomBytes(24).toString("base64"));
  const serverFirst = `r=${combinedNonce},s=${Buffer.from(credential.salt).toString("base64")},i=${credential.iterations}`;
  let finished = false;

  async function finish(clientFinal: Uint8Array): Promise<ScramFinish> {
    if (finished) return { ok: false, reason: "already-finished" };
    finished = true;
    const text = decodeUtf8(clientFinal);
    if (text === null) return { ok: false, reason: "malformed" };
    const parsedFinal = parseClientFinal(text);
    if (!parsedFinal.ok) return parsedFinal;
    const final = parsedFinal.value;
    if (!timingSafeEqualBytes(final.channelBinding, encoder.encode(first.gs2Header))) {
      return { ok: false, reason: "channel-binding-mismatch" };
    }
    // Kafka only checks that the nonce ends with the server's: librdkafka 2.0 sends its own nonce
    // again in front of it, and the proof covers whatever was sent
    if (!final.nonce.endsWith(combinedNonce)) return { ok: false, reason: "nonce-mismatch" };
    if (final.proof.length !== size) return { ok: false, reason: "malformed" };

    const authMessage = `${first.bare},${serverFirst},${final.withoutProof}`;
    const signature = hmac(name, credential.storedKey, authMessage);
    const clientKey = final.proof.map((b, i) => b ^ (signature[i] ?? 0));
    // Computed for unknown users too, so both failures cost the same.
    const proofOk = timingSafeEqualBytes(hash(name, clientKey), credential.storedKey);
    if (!proofOk || !known) return { ok: false, reason: "authentication-failed", username: first.username };
    const serverSignature = Buffer.from(hmac(name, credential.serverKey, authMessage)).toString("base64");
    return { ok: true, serverFinal: encoder.encode(`v=${serverSignature}`), username: first.username, tokenAuth: first.tokenAuth };
  }

  return { ok: true, serverFirst: encoder.encode(serverFirst), finish };
}

/** Per-process secret so an unknown user gets a stable, unguessable salt on every attempt. */
const FAKE_SECRET = randomBytes(32);

function fakeCredential(mechanism: ScramMechanism, username: string): ScramCredential {
  const { name } = HASHES[mechanism];
  return {
    mechanism,
    salt: hmac("sha256", FAKE_SECRET, `salt\0${mechanism}\0${username}`),
    iterations: SCRAM_MIN_ITERATIONS,
    storedKey: hmac(name, FAKE_SECRET, `stored\0${username}`),
    serverKey: hmac(name, FAKE_SECRET, `server\0${username}`),
  };
}

function hmac(name: string, key: Uint8Array, data: string): Uint8Array {
  return new Uint8Array(createHmac(name, key).update(data).digest());
}

function hash(name: string, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(name).update(data).digest());
}

function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether `password` is the one `credential` was made from (SASL PLAIN checks passwords this way). */
export async function passwordMatches(credential: ScramCredential, password: string): Promise<boolean> {
  const derived = credentialFromSalted(credential.mechanism, credential.salt, credential.iterations, await saltPassword(credential.mechanism, password, credential.salt, credential.iterations));
  return timingSafeEqualBytes(derived.storedKey, credential.storedKey);
}

/**
 * The credential for a salted password a client computed itself (AlterUserScramCredentials sends
 * SaltedPassword, never the password): StoredKey and ServerKey as RFC 5802 derives them.
 */
export function credentialFromSalted(mechanism: ScramMechanism, salt: Uint8Array, iterations: number, salted: Uint8Array): ScramCredential {
  const { name } = HASHES[mechanism];
  return { mechanism, salt: new Uint8Array(salt), iterations, storedKey: hash(name, hmac(name, salted, "Client Key")), serverKey: hmac(name, salted, "Server Key") };
}
