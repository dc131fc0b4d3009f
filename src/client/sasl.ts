// The client side of SASL for the CLI's connections: SaslHandshake v1, then SaslAuthenticate with
// PLAIN (one step) or SCRAM-SHA-256/512 (RFC 5802: client-first, client-final with the proof, and
// the server's signature checked, so a broker that does not know the password is not believed).

import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { saltPassword } from "../auth/scram.ts";
import type { ScramMechanism } from "../auth/scram-names.ts";
import { SaslAuthenticateApi } from "../protocol/generated/sasl-authenticate.ts";
import { SaslHandshakeApi } from "../protocol/generated/sasl-handshake.ts";
import type { BrokerConnection } from "./connection.ts";
import { check, ClientError } from "./errors.ts";

export type SaslMechanism = "PLAIN" | ScramMechanism;

export interface SaslCredentials {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HASH: Record<ScramMechanism, "sha256" | "sha512"> = { "SCRAM-SHA-256": "sha256", "SCRAM-SHA-512": "sha512" };

/** SCRAM's saslname: ',' and '=' escaped. */
const saslname = (name: string) => name.replaceAll("=", "=3D").replaceAll(",", "=2C");

export async function authenticate(connection: BrokerConnection, sasl: SaslCredentials, authenticateVersion: number): Promise<void> {
  const handshake = await connection.request(SaslHandshakeApi, 1, { mechanism: sasl.mechanism });
  check(handshake.errorCode, `SASL handshake with ${connection.name} (it offers ${handshake.mechanisms.join(", ") || "none"})`);
  const step = async (bytes: Uint8Array): Promise<Uint8Array> => {
    const r = await connection.request(SaslAuthenticateApi, authenticateVersion, { authBytes: bytes });
    check(r.errorCode, `SASL ${sasl.mechanism} authentication with ${connection.name}`, r.errorMessage);
    return r.authBytes;
  };
  if (sasl.mechanism === "PLAIN") {
    await step(encoder.encode(`\u0000${sasl.username}\u0000${sasl.password}`));
    return;
  }
  const hash = HASH[sasl.mechanism];
  const hmac = (key: Uint8Array, data: string) => new Uint8Array(createHmac(hash, key).update(data).digest());
  const bare = `n=${saslname(sasl.username)},r=${randomBytes(24).toString("base64")}`;
  const serverFirst = decoder.decode(await step(encoder.encode(`n,,${bare}`)));
  const attrs = new Map(serverFirst.split(",").map((a) => [a.slice(0, 1), a.slice(2)]));
  const nonce = attrs.get("r");
  const salt = attrs.get("s");
  const iterations = Number(attrs.get("i"));
  if (nonce === undefined || salt === undefined || !Number.isInteger(iterations) || !nonce.startsWith(bare.slice(bare.indexOf(",r=") + 3))) {
    throw new ClientError("protocol", `SASL ${sasl.mechanism} with ${connection.name}: unexpected server-first message`);
  }
  const salted = await saltPassword(sasl.mechanism, sasl.password, Buffer.from(salt, "base64"), iterations);
  const withoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${bare},${serverFirst},${withoutProof}`;
  const clientKey = hmac(salted, "Client Key");
  const signature = hmac(new Uint8Array(createHash(hash).update(clientKey).digest()), authMessage);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!)).toString("base64");
  const serverFinal = decoder.decode(await step(encoder.encode(`${withoutProof},p=${proof}`)));
  const expected = hmac(hmac(salted, "Server Key"), authMessage);
  const given = Buffer.from(serverFinal.replace(/^v=/, ""), "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ClientError("protocol", `SASL ${sasl.mechanism} with ${connection.name}: the broker's signature is wrong`);
  }
}
