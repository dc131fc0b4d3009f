// Who a TLS client is: Kafka's default principal builder names a client by its verified
// certificate's subject (`User:CN=alice,OU=eng,O=acme`), and a client without one User:ANONYMOUS.

import type { Socket } from "bun";
import { ANONYMOUS_PRINCIPAL } from "./authorizer.ts";
import { subjectName } from "./distinguished-name.ts";

export type HandshakeOutcome = { principal: string } | { refused: string };

/**
 * The principal of a socket whose TLS handshake has ended (Bun's handshake callback), or why its
 * connection must close: a failed handshake, or a client certificate that is required but did not
 * verify or cannot be read.
 */
export function afterHandshake(socket: Socket<unknown>, success: boolean, error: Error | null, certificateRequired: boolean): HandshakeOutcome {
  // with client certificates required, Bun reports success for one that did not verify too
  if (!success || (certificateRequired && !socket.authorized)) return { refused: error?.message ?? "client certificate not verified" };
  const certificate = socket.authorized ? (socket.getPeerX509Certificate() as ReturnType<Socket["getPeerX509Certificate"]> | undefined) : undefined;
  if (certificate === undefined) return { principal: ANONYMOUS_PRINCIPAL };
  try {
    return { principal: `User:${subjectName(certificate.raw)}` };
  } catch (e) {
    return { refused: `unreadable client certificate: ${e instanceof Error ? e.message : String(e)}` };
  }
}
