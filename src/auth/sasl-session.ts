// One connection's SASL authentication, sans-IO (KIP-43, KIP-152, KIP-368): SaslHandshake picks a
// mechanism, then SaslAuthenticate requests (or, after a v0 handshake, raw tokens) carry its
// exchanges — one for PLAIN, two for SCRAM. A success sets the principal and, when
// connections.max.reauth.ms is set, when the session expires: the client must authenticate again
// on the same connection (as the same principal) before then, or the connection is closed.

import { ErrorCodes } from "../protocol/errors.ts";
import type { StoredScramCredential } from "../storage/engine.ts";
import { checkPlain } from "./plain.ts";
import { startScram, type ScramCredential } from "./scram.ts";
import { isScramMechanism, strongestCredential } from "./scram-names.ts";

export const SASL_MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;

export interface SaslOptions {
  /** The mechanisms this listener offers, in the order SaslHandshake lists them. */
  mechanisms: readonly string[];
  /** connections.max.reauth.ms; 0: sessions never expire. */
  reauthMs: number;
  credentials(user: string): Promise<StoredScramCredential[]>;
  now(): number;
}

export interface SaslStep {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Uint8Array;
  /** For SaslAuthenticate v1+: how long the session lasts (0: until the connection closes). */
  sessionLifetimeMs: number;
  /** Authentication failed: answer, then close the connection. */
  close: boolean;
  /** What the log says of a failure: never the password. */
  failure?: { reason: string; username: string | null };
  /** Set on the step that completes authentication. */
  principal?: string;
}

type Exchange = (token: Uint8Array) => Promise<SaslStep>;

const EMPTY = new Uint8Array(0);

export class SaslSession {
  /** `User:name` once authenticated. */
  principal: string | null = null;
  /** ms since the epoch after which the session has expired; null: never. */
  expiresAt: number | null = null;
  /** The handshake's version was 0: tokens come raw, without SaslAuthenticate framing. */
  rawTokens = false;
  private mechanism: string | null = null;
  private exchange: Exchange | null = null;

  constructor(private readonly options: SaslOptions) {}

  /** Whether requests other than SASL's may be served: authenticated, and the session not expired. */
  mayServe(): boolean {
    return this.principal !== null && !this.expired();
  }

  /** Whether the session has expired (KIP-368): the connection is closed at its next request. */
  expired(): boolean {
    return this.expiresAt !== null && this.options.now() >= this.expiresAt;
  }

  /** Whether raw tokens are expected now: a v0 handshake was answered and its exchange is not over. */
  awaitingRawToken(): boolean {
    return this.rawTokens && this.exchange !== null;
  }

  /** SaslHandshake: at the start, or (KIP-368) again once authenticated, to re-authenticate. */
  handshake(mechanism: string, version: number): { errorCode: number; mechanisms: string[] } {
    const mechanisms = [...this.options.mechanisms];
    if (this.mechanism !== null) return { errorCode: ErrorCodes.ILLEGAL_SASL_STATE, mechanisms };
    if (!mechanisms.includes(mechanism)) return { errorCode: ErrorCodes.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    this.mechanism = mechanism;
    this.rawTokens = version === 0;
    this.exchange = this.begin(mechanism);
    return { errorCode: 0, mechanisms };
  }

  /** One SaslAuthenticate request's (or raw token's) bytes. */
  async authenticate(token: Uint8Array): Promise<SaslStep> {
    const exchange = this.exchange;
    if (exchange === null) return this.fail(ErrorCodes.ILLEGAL_SASL_STATE, "SaslAuthenticate before a SaslHandshake", { reason: "no-handshake", username: null });
    return exchange(token);
  }

  private begin(mechanism: string): Exchange {
    if (mechanism === "PLAIN") {
      return async (token) => {
        const r = await checkPlain(token, (user) => this.credential(user, null));
        if (!r.ok) return this.fail(ErrorCodes.SASL_AUTHENTICATION_FAILED, "Authentication failed: invalid username or password", { reason: r.reason, username: r.username ?? null });
        return this.succeed(r.username, EMPTY);
      };
    }
    if (!isScramMechanism(mechanism)) throw new RangeError(`no SASL exchange for ${mechanism}`);
    return async (clientFirst) => {
      const started = await startScram(mechanism, clientFirst, (user) => this.credential(user, mechanism));
      if (!started.ok) return this.fail(ErrorCodes.SASL_AUTHENTICATION_FAILED, `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`, { reason: started.reason, username: null });
      this.exchange = async (clientFinal) => {
        const r = await started.finish(clientFinal);
        if (!r.ok) return this.fail(ErrorCodes.SASL_AUTHENTICATION_FAILED, `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`, { reason: r.reason, username: r.username ?? null });
        if (r.tokenAuth) return this.fail(ErrorCodes.SASL_AUTHENTICATION_FAILED, "Delegation tokens are not supported", { reason: "token-auth", username: r.username });
        return this.succeed(r.username, r.serverFinal);
      };
      return this.step(0, null, started.serverFirst, 0, false);
    };
  }

  /** The user's credential for `mechanism`; for PLAIN (null) the strongest stored. */
  private async credential(user: string, mechanism: string | null): Promise<ScramCredential | null> {
    const stored = await this.options.credentials(user);
    return mechanism === null ? strongestCredential(stored) : (stored.find((c) => c.mechanism === mechanism) ?? null);
  }

  private succeed(username: string, authBytes: Uint8Array): SaslStep {
    const principal = `User:${username}`;
    // KIP-368: a re-authentication may not change who the connection is
    if (this.principal !== null && this.principal !== principal) {
      return this.fail(ErrorCodes.SASL_AUTHENTICATION_FAILED, "Cannot change principals during re-authentication", { reason: "principal-changed", username });
    }
    this.principal = principal;
    this.mechanism = null;
    this.exchange = null;
    const { reauthMs } = this.options;
    this.expiresAt = reauthMs > 0 ? this.options.now() + reauthMs : null;
    return { ...this.step(0, null, authBytes, reauthMs, false), principal };
  }

  private fail(errorCode: number, errorMessage: string, failure: SaslStep["failure"]): SaslStep {
    this.mechanism = null;
    this.exchange = null;
    return { ...this.step(errorCode, errorMessage, EMPTY, 0, true), failure };
  }

  private step(errorCode: number, errorMessage: string | null, authBytes: Uint8Array, sessionLifetimeMs: number, close: boolean): SaslStep {
    return { errorCode, errorMessage, authBytes, sessionLifetimeMs, close };
  }
}
