// SaslAuthenticate (key 36), v0–2: one step of the mechanism's exchange (PLAIN one, SCRAM two).
// v1+ answers sessionLifetimeMs (connections.max.reauth.ms; KIP-368). A failure answers
// SASL_AUTHENTICATION_FAILED (or ILLEGAL_SASL_STATE without a handshake) and closes the connection
// once the answer is written; the log names the user and peer, never the password.
// Authorization: none; this establishes the principal.

import { ErrorCodes } from "../protocol/errors.ts";
import { SaslAuthenticateApi, type SaslAuthenticateRequest, type SaslAuthenticateResponse } from "../protocol/generated/sasl-authenticate.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<SaslAuthenticateRequest, SaslAuthenticateResponse>({
  api: SaslAuthenticateApi,
  minVersion: 0,
  maxVersion: 2,
  // a SCRAM exchange's second step must follow its first
  ordered: true,
  async handle(request, ctx) {
    const { sasl } = ctx;
    if (sasl === undefined) {
      ctx.closeAfterResponse?.("SaslAuthenticate on a listener without SASL");
      return { errorCode: ErrorCodes.ILLEGAL_SASL_STATE, errorMessage: "this listener does not use SASL", authBytes: new Uint8Array(0), sessionLifetimeMs: 0n };
    }
    const step = await sasl.authenticate(request.authBytes);
    if (step.close) {
      ctx.broker.log.warn("SASL authentication failed", { user: step.failure?.username ?? undefined, reason: step.failure?.reason, peer: ctx.clientAddress });
      ctx.closeAfterResponse?.("SASL authentication failed");
    } else if (step.principal !== undefined) {
      ctx.broker.log.debug("SASL authenticated", { principal: step.principal, peer: ctx.clientAddress });
    }
    return { errorCode: step.errorCode, errorMessage: step.errorMessage, authBytes: step.authBytes, sessionLifetimeMs: BigInt(step.sessionLifetimeMs) };
  },
});
