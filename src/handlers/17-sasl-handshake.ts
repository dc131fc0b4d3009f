// SaslHandshake (key 17), v0–1: picks the connection's SASL mechanism and lists the enabled ones.
// v0 means the client sends the exchange's tokens raw, without SaslAuthenticate (the connection
// routes them); v1 means SaslAuthenticate follows. A second handshake once authenticated starts a
// re-authentication (KIP-368). On a listener without SASL: ILLEGAL_SASL_STATE, as Kafka answers.
// Authorization: none; this precedes it.

import { ErrorCodes } from "../protocol/errors.ts";
import { SaslHandshakeApi, type SaslHandshakeRequest, type SaslHandshakeResponse } from "../protocol/generated/sasl-handshake.ts";
import { defineHandler } from "./handler.ts";

export default defineHandler<SaslHandshakeRequest, SaslHandshakeResponse>({
  api: SaslHandshakeApi,
  minVersion: 0,
  maxVersion: 1,
  handle(request, { sasl, apiVersion }) {
    if (sasl === undefined) return { errorCode: ErrorCodes.ILLEGAL_SASL_STATE, mechanisms: [] };
    return sasl.handshake(request.mechanism, apiVersion);
  },
});
