/** Parsing of SCRAM client messages (RFC 5802 section 7). Pure string work, no crypto. */

export type ParseFailure = "malformed" | "channel-binding-unsupported" | "unsupported-extension";

export interface ClientFirst {
  /** The gs2 header exactly as sent; the client echoes it base64-encoded in c=. */
  gs2Header: string;
  authzid: string | null;
  username: string;
  clientNonce: string;
  tokenAuth: boolean;
  /** client-first-message-bare: the part that enters the AuthMessage. */
  bare: string;
}

export interface ClientFinal {
  channelBinding: Uint8Array;
  nonce: string;
  proof: Uint8Array;
  /** client-final-message-without-proof: the part that enters the AuthMessage. */
  withoutProof: string;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: ParseFailure };

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    const text = utf8.decode(bytes);
    // No attribute value may contain NUL.
    return text.includes("\0") ? null : text;
  } catch {
    return null;
  }
}

// printable = %x21-2B / %x2D-7E, i.e. visible ASCII except ",".
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isValidNonce(nonce: string): boolean {
  return NONCE.test(nonce);
}

export function decodeBase64(text: string): Uint8Array | null {
  return text.length > 0 && BASE64.test(text) ? new Uint8Array(Buffer.from(text, "base64")) : null;
}

/** saslname: "," and "=" travel as "=2C" and "=3D"; any other "=" is an error. */
export function unescapeSaslname(name: string): string | null {
  if (name.length === 0 || /=(?!2C|3D)/.test(name)) return null;
  return name.replaceAll("=2C", ",").replaceAll("=3D", "=");
}

export function escapeSaslname(name: string): string {
  return name.replaceAll("=", "=3D").replaceAll(",", "=2C");
}

/** Kafka's only SCRAM extension: "tokenauth=true" marks a delegation-token login (KIP-48). */
const TOKEN_AUTH = "tokenauth";

export function parseClientFirst(text: string): Parsed<ClientFirst> {
  const parts = text.split(",");
  const [flag, authzPart] = parts;
  if (flag === undefined || authzPart === undefined || parts.length < 4) return fail("malformed");
  if (flag === "y" || flag.startsWith("p=")) return fail("channel-binding-unsupported");
  if (flag !== "n") return fail("malformed");

  let authzid: string | null = null;
  if (authzPart !== "") {
    if (!authzPart.startsWith("a=")) return fail("malformed");
    authzid = unescapeSaslname(authzPart.slice(2));
    if (authzid === null) return fail("malformed");
  }

  const attrs = parts.slice(2);
  // "m=" is reserved for mandatory extensions; a server that does not know them must fail.
  if (attrs[0]?.startsWith("m=")) return fail("unsupported-extension");
  const [userAttr, nonceAttr, ...extensions] = attrs;
  if (!userAttr?.startsWith("n=") || !nonceAttr?.startsWith("r=")) return fail("malformed");
  const username = unescapeSaslname(userAttr.slice(2));
  const clientNonce = nonceAttr.slice(2);
  if (username === null || !isValidNonce(clientNonce)) return fail("malformed");

  let tokenAuth = false;
  for (const ext of extensions) {
    const eq = ext.indexOf("=");
    if (eq <= 0 || eq === ext.length - 1) return fail("malformed");
    if (ext.slice(0, eq) !== TOKEN_AUTH) return fail("unsupported-extension");
    tokenAuth = ext.slice(eq + 1).toLowerCase() === "true";
  }

  const gs2Header = `${flag},${authzPart},`;
  return { ok: true, value: { gs2Header, authzid, username, clientNonce, tokenAuth, bare: text.slice(gs2Header.length) } };
}

export function parseClientFinal(text: string): Parsed<ClientFinal> {
  const proofAt = text.lastIndexOf(",p=");
  if (proofAt < 0) return fail("malformed");
  const withoutProof = text.slice(0, proofAt);
  const proof = decodeBase64(text.slice(proofAt + 3));
  const attrs = withoutProof.split(",");
  const [cAttr, rAttr] = attrs;
  if (proof === null || !cAttr?.startsWith("c=") || !rAttr?.startsWith("r=")) return fail("malformed");
  // Optional extensions between r= and p= are refused, like unknown ones in the first message.
  if (attrs.length > 2) return fail("unsupported-extension");
  const channelBinding = decodeBase64(cAttr.slice(2));
  if (channelBinding === null) return fail("malformed");
  return { ok: true, value: { channelBinding, nonce: rAttr.slice(2), proof, withoutProof } };
}

function fail(reason: ParseFailure): { ok: false; reason: ParseFailure } {
  return { ok: false, reason };
}
