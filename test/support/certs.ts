// Throwaway certificates for TLS tests, made with the openssl command in a temporary directory: a
// CA, server certificates for localhost and 127.0.0.1, and client certificates with any subject.
// EC P-256 keys, since they are quick to make.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Issued {
  /** Paths of the PEM files. */
  readonly cert: string;
  readonly key: string;
  /** Their contents. */
  readonly certPem: string;
  readonly keyPem: string;
}

export interface TestCa extends Issued {
  readonly dir: string;
  /** A certificate this CA signs, for `subject` (openssl's /A=b/C=d form); `server` adds localhost and 127.0.0.1 as names. */
  issue(name: string, subject: string, options?: { serial?: number; server?: boolean; key?: string; multivaluedRdns?: boolean }): Issued;
  /** Removes the directory. */
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  const run = Bun.spawnSync(["openssl", ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`openssl ${args.join(" ")} failed:\n${run.stderr.toString()}`);
}

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function issued(dir: string, name: string, key: string): Issued {
  const cert = join(dir, `${name}.pem`);
  return { cert, key, certPem: readFileSync(cert, "utf8"), keyPem: readFileSync(key, "utf8") };
}

/** A new CA in a new temporary directory. */
export function makeCa(subject = "/CN=Tansu Test CA"): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "tansu-certs-"));
  openssl(["req", "-x509", ...EC_KEY, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", subject], dir);
  const ca = issued(dir, "ca", join(dir, "ca.key"));
  let serial = 1000;
  return {
    ...ca,
    dir,
    issue(name, subject, options = {}) {
      const key = options.key ?? join(dir, `${name}.key`);
      const newKey = options.key === undefined ? [...EC_KEY, "-keyout", key] : ["-key", key];
      const rdns = options.multivaluedRdns === true ? ["-multivalue-rdn"] : [];
      openssl(["req", "-new", ...newKey, "-out", `${name}.csr`, "-utf8", "-subj", subject, ...rdns], dir);
      const ext = join(dir, `${name}.ext`);
      writeFileSync(ext, options.server === true ? "subjectAltName=DNS:localhost,IP:127.0.0.1\n" : "extendedKeyUsage=clientAuth\n");
      const serialNumber = String(options.serial ?? ++serial);
      openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", serialNumber, "-days", "2", "-out", `${name}.pem`, "-extfile", ext], dir);
      return issued(dir, name, key);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
