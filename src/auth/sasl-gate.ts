// On a SASL listener, a connection may only negotiate versions and authenticate until it has
// authenticated; after its session expires (KIP-368) only a re-authentication may follow. Kafka
// closes the connection on anything else, without an answer.

import { SaslAuthenticateApi } from "../protocol/generated/sasl-authenticate.ts";
import { SaslHandshakeApi } from "../protocol/generated/sasl-handshake.ts";
import { API_VERSIONS_KEY } from "../protocol/header.ts";
import type { SaslSession } from "./sasl-session.ts";

const SASL_HANDSHAKE_KEY = SaslHandshakeApi.apiKey;
const SASL_AUTHENTICATE_KEY = SaslAuthenticateApi.apiKey;

/** Why the connection must close instead of serving a request of `apiName`, or null. */
export function saslRefusal(sasl: SaslSession | undefined, apiKey: number, apiName: string): string | null {
  if (sasl === undefined || apiKey === API_VERSIONS_KEY || apiKey === SASL_HANDSHAKE_KEY || apiKey === SASL_AUTHENTICATE_KEY) return null;
  if (sasl.principal === null) return `${apiName} before SASL authentication`;
  if (sasl.expired()) return `SASL session of ${sasl.principal} expired (connections.max.reauth.ms) before ${apiName}`;
  return null;
}
