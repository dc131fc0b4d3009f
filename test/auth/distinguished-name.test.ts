// Subjects of certificates openssl made, in the RFC 2253 form Kafka's default principal builder
// gives them (Java's X500Principal.getName()).

import { afterAll, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { CertificateParseError, subjectName } from "../../src/auth/distinguished-name.ts";
import { makeCa } from "../support/certs.ts";

const ca = makeCa("/C=GB/O=Tansu Tests/CN=Test CA");
afterAll(() => ca.remove());

const subjectOf = (subject: string, multivaluedRdns = false) => {
  const { certPem } = ca.issue(`c${Math.random().toString(36).slice(2)}`, subject, { multivaluedRdns });
  return subjectName(new X509Certificate(certPem).raw);
};

test("the last RDN comes first, joined by commas", () => {
  expect(subjectOf("/O=acme/OU=eng/CN=alice")).toBe("CN=alice,OU=eng,O=acme");
  expect(subjectName(new X509Certificate(ca.certPem).raw)).toBe("CN=Test CA,O=Tansu Tests,C=GB");
});

test("RFC 2253's keywords are named: CN, C, L, ST, O, OU, STREET, DC, UID", () => {
  expect(subjectOf("/DC=org/DC=example/C=DE/ST=Berlin/L=Mitte/street=Main St 1/O=acme/OU=ops/UID=u42/CN=bob")).toBe(
    "CN=bob,UID=u42,OU=ops,O=acme,STREET=Main St 1,L=Mitte,ST=Berlin,C=DE,DC=example,DC=org",
  );
});

test("other attributes are their OID with the DER value in hex", () => {
  const email = Buffer.from("alice@example.com");
  // IA5String (tag 0x16), 17 bytes
  expect(subjectOf("/CN=alice/emailAddress=alice@example.com")).toBe(`1.2.840.113549.1.9.1=#1611${email.toString("hex")},CN=alice`);
  // serialNumber 2.5.4.5 is not among RFC 2253's keywords (a PrintableString, tag 0x13)
  expect(subjectOf("/serialNumber=77/CN=carol")).toBe(`CN=carol,2.5.4.5=#1302${Buffer.from("77").toString("hex")}`);
});

test("special characters are escaped; leading and trailing spaces too", () => {
  // openssl's -subj wants + and \ escaped
  expect(subjectOf("/O=Acme, Inc./CN=a=b\\+c<d>e#f;g\"h\\\\i")).toBe('CN=a\\=b\\+c\\<d\\>e\\#f\\;g\\"h\\\\i,O=Acme\\, Inc.');
  expect(subjectOf("/CN=#1 dave")).toBe("CN=\\#1 dave");
  expect(subjectOf("/OU=  two /CN=x")).toBe("CN=x,OU=\\ \\ two\\ ");
  expect(subjectOf("/CN=Zoë/OU=Straße")).toBe("OU=Straße,CN=Zoë");
});

test("a multi-valued RDN joins its attributes with +", () => {
  expect(subjectOf("/O=acme/OU=eng+UID=u1/CN=erin", true)).toBe("CN=erin,OU=eng+UID=u1,O=acme");
});

test("bytes that are not a certificate are refused", () => {
  expect(() => subjectName(new Uint8Array([0x30, 0x05, 0x02]))).toThrow(CertificateParseError);
  expect(() => subjectName(new Uint8Array([0x04, 0x00]))).toThrow(CertificateParseError);
});
