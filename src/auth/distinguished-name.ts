// A certificate's subject as the RFC 2253 string Kafka's default principal builder makes of it
// (Java's X500Principal.getName()): RDNs from last to first joined by ",", the attributes of a
// multi-valued RDN joined by "+". Only RFC 2253's keywords (CN, C, L, ST, O, OU, STREET, DC, UID)
// are named; any other attribute is its dotted OID with its value as "#" and the hex of its DER
// encoding, as is a value that is not a string. In string values `,=+<>#;"\` are escaped with a
// backslash, NUL as \00, and leading or trailing spaces likewise.

const KEYWORDS: ReadonlyMap<string, string> = new Map([
  ["2.5.4.3", "CN"],
  ["2.5.4.6", "C"],
  ["2.5.4.7", "L"],
  ["2.5.4.8", "ST"],
  ["2.5.4.9", "STREET"],
  ["2.5.4.10", "O"],
  ["2.5.4.11", "OU"],
  ["0.9.2342.19200300.100.1.25", "DC"],
  ["0.9.2342.19200300.100.1.1", "UID"],
]);

const SEQUENCE = 0x30;
const SET = 0x31;
const OID = 0x06;
const CONTEXT_0 = 0xa0;

/** DER string types Java renders as text, and how their bytes decode. */
const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");
const STRINGS: ReadonlyMap<number, (b: Uint8Array) => string> = new Map([
  [0x0c, (b: Uint8Array) => new TextDecoder("utf-8").decode(b)], // UTF8String
  [0x13, latin1], // PrintableString
  [0x14, latin1], // T61String
  [0x16, latin1], // IA5String
  [0x1b, latin1], // GeneralString
  [0x1e, (b: Uint8Array) => new TextDecoder("utf-16be").decode(b)], // BMPString
]);

export class CertificateParseError extends Error {
  override name = "CertificateParseError";
}

interface Element {
  tag: number;
  /** Where its tag byte is. */
  start: number;
  /** Where its contents start. */
  body: number;
  end: number;
}

function element(der: Uint8Array, at: number, limit: number): Element {
  if (at + 2 > limit) throw new CertificateParseError("truncated DER");
  const tag = der[at]!;
  let length = der[at + 1]!;
  let body = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || body + n > limit) throw new CertificateParseError("bad DER length");
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[body + i]!;
    body += n;
  }
  if (body + length > limit) throw new CertificateParseError("truncated DER");
  return { tag, start: at, body, end: body + length };
}

function children(der: Uint8Array, parent: Element): Element[] {
  const out: Element[] = [];
  for (let at = parent.body; at < parent.end; at = out[out.length - 1]!.end) out.push(element(der, at, parent.end));
  return out;
}

function take(e: Element | undefined, tag: number, what: string): Element {
  if (e === undefined || e.tag !== tag) throw new CertificateParseError(`expected ${what}`);
  return e;
}

function oid(bytes: Uint8Array): string {
  const parts: number[] = [];
  let n = 0;
  for (const b of bytes) {
    n = n * 128 + (b & 0x7f);
    if (b & 0x80) continue;
    if (parts.length === 0) parts.push(n < 80 ? Math.floor(n / 40) : 2, n < 80 ? n % 40 : n - 80);
    else parts.push(n);
    n = 0;
  }
  return parts.join(".");
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function escape(value: string): string {
  let out = "";
  for (const c of value) out += c === "\0" ? "\\00" : `,=+<>#;"\\`.includes(c) ? `\\${c}` : c;
  const lead = /^[ \r]*/.exec(out)![0].length;
  const trail = /[ \r]*$/.exec(out.slice(lead))![0].length;
  const edge = (s: string) => s.replace(/[ \r]/g, "\\$&");
  return edge(out.slice(0, lead)) + out.slice(lead, out.length - trail) + edge(out.slice(out.length - trail));
}

function attribute(der: Uint8Array, e: Element): string {
  const [type, value] = children(der, take(e, SEQUENCE, "an attribute"));
  const t = take(type, OID, "an attribute type");
  const id = oid(der.subarray(t.body, t.end));
  if (value === undefined) throw new CertificateParseError("attribute without a value");
  const keyword = KEYWORDS.get(id);
  const decode = STRINGS.get(value.tag);
  if (keyword === undefined || decode === undefined) return `${keyword ?? id}=#${hex(der.subarray(value.start, value.end))}`;
  return `${keyword}=${escape(decode(der.subarray(value.body, value.end)))}`;
}

/** The subject of a DER-encoded X.509 certificate in RFC 2253 form, e.g. `CN=alice,OU=eng,O=acme`. */
export function subjectName(certificate: Uint8Array): string {
  const cert = take(element(certificate, 0, certificate.length), SEQUENCE, "a certificate");
  const tbs = take(children(certificate, cert)[0], SEQUENCE, "the certificate's body");
  const fields = children(certificate, tbs);
  // version [0] (optional), serialNumber, signature, issuer, validity, subject
  const subject = take(fields[(fields[0]?.tag === CONTEXT_0 ? 1 : 0) + 4], SEQUENCE, "a subject");
  return children(certificate, subject)
    .map((rdn) => children(certificate, take(rdn, SET, "a relative distinguished name")).map((a) => attribute(certificate, a)).join("+"))
    .reverse()
    .join(",");
}
