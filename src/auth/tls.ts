// The TLS listeners' certificate, private key and (for mutual TLS) CA certificates, read from PEM
// files at start and read again every few seconds: a change that loads is used by new connections;
// one that does not is logged once and the files in use stay. Contents are compared rather than
// modification times, so a secret mounted through a swapped symlink is noticed too.

import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { TLSOptions } from "bun";
import type { TlsFiles } from "../config.ts";
import type { Logger } from "../log.ts";
import { every } from "../server/periodic.ts";

export type TlsFileErrorCode = "unreadable" | "malformed" | "mismatched";

export class TlsFileError extends Error {
  override name = "TlsFileError";
  constructor(
    readonly code: TlsFileErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly ca: string | null;
  /** The certificate's subject and serial number, for logs. */
  readonly subject: string;
  readonly serial: string;
}

/** A file's text, or why it could not be read. */
type Read = { text: string } | { error: string };

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

async function readOne(path: string): Promise<Read> {
  try {
    return { text: await readFile(path, "utf8") };
  } catch (e) {
    return { error: (e as { code?: string }).code ?? String(e) };
  }
}

function text(read: Read, what: string, path: string): string {
  if ("error" in read) throw new TlsFileError("unreadable", `${what} ${path}: cannot read it (${read.error})`);
  return read.text;
}

function certificates(pem: string, what: string, path: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERTIFICATE);
  if (blocks === null) throw new TlsFileError("malformed", `${what} ${path}: no PEM certificate in it`);
  return blocks.map((block) => {
    try {
      return new X509Certificate(block);
    } catch (e) {
      throw new TlsFileError("malformed", `${what} ${path}: not a valid PEM certificate (${e instanceof Error ? e.message : String(e)})`);
    }
  });
}

function parse(files: TlsFiles, cert: Read, key: Read, ca: Read | null): TlsMaterial {
  const certPem = text(cert, "TLS certificate", files.cert);
  const [leaf] = certificates(certPem, "TLS certificate", files.cert);
  const keyPem = text(key, "TLS key", files.key);
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch (e) {
    throw new TlsFileError("malformed", `TLS key ${files.key}: not a valid unencrypted PEM private key (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!leaf!.checkPrivateKey(privateKey)) throw new TlsFileError("mismatched", `TLS key ${files.key}: not the key of the certificate in ${files.cert}`);
  let caPem: string | null = null;
  if (ca !== null && files.ca !== null) {
    caPem = text(ca, "TLS CA", files.ca);
    certificates(caPem, "TLS CA", files.ca);
  }
  return { cert: certPem, key: keyPem, ca: caPem, subject: leaf!.subject.replaceAll("\n", ","), serial: leaf!.serialNumber };
}

async function readAll(files: TlsFiles): Promise<[Read, Read, Read | null]> {
  return Promise.all([readOne(files.cert), readOne(files.key), files.ca === null ? null : readOne(files.ca)]);
}

const fingerprint = (reads: readonly (Read | null)[]) => JSON.stringify(reads);

/** Reads and checks the TLS files; a missing or malformed file is a TlsFileError naming it. */
export async function loadTls(files: TlsFiles): Promise<TlsMaterial> {
  return parse(files, ...(await readAll(files)));
}

/** Bun's server TLS options: with CA certificates, a client must present a certificate they sign. */
export function serverTlsOptions(m: TlsMaterial): TLSOptions {
  if (m.ca === null) return { cert: m.cert, key: m.key };
  return { cert: m.cert, key: m.key, ca: m.ca, requestCert: true, rejectUnauthorized: true };
}

/**
 * Reads the files every `intervalMs` and calls `apply` with what changed and loads; a change that
 * does not load is logged once (until the files change again). Returns a function that stops it.
 */
export function watchTls(files: TlsFiles, loaded: TlsMaterial, intervalMs: number, log: Logger, apply: (m: TlsMaterial) => void): () => void {
  let current = fingerprint([{ text: loaded.cert }, { text: loaded.key }, loaded.ca === null ? null : { text: loaded.ca }]);
  let refused: string | null = null;
  return every(intervalMs, "TLS file check", log, async () => {
    const reads = await readAll(files);
    const seen = fingerprint(reads);
    if (seen === current || seen === refused) return;
    let next: TlsMaterial;
    try {
      next = parse(files, ...reads);
    } catch (e) {
      if (!(e instanceof TlsFileError)) throw e;
      refused = seen;
      log.warn("TLS files not reloaded: the certificate in use stays", { error: e.message });
      return;
    }
    current = seen;
    refused = null;
    apply(next);
    log.info("TLS certificate reloaded", { subject: next.subject, serial: next.serial });
  });
}
