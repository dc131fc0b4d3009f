// How the proxy connects to the upstream cluster: Kafka's security.protocol with its TLS trust and
// SASL credentials, from --upstream-* flags and their environment twins. These are the proxy's own:
// clients connect to the proxy in plaintext without SASL, and the proxy authenticates every upstream
// connection it opens with these credentials, so the upstream sees one principal for all clients.

import type { SaslCredentials } from "../client/sasl.ts";
import { readCaFile, saslMechanism } from "../client/security-settings.ts";
import { ConfigError, type SecurityProtocol, type Setting, usesTls } from "../config.ts";

export interface UpstreamSecurity {
  securityProtocol: SecurityProtocol;
  /** TLS (SSL, SASL_SSL), trusting `ca` (PEM) when given, else the system's CAs; null: plaintext. */
  tls: { ca?: string } | null;
  /** SASL_PLAINTEXT, SASL_SSL; null: no SASL. */
  sasl: SaslCredentials | null;
}

export const UPSTREAM_SECURITY_OPTIONS = [
  { flag: "upstream-security-protocol", env: "UPSTREAM_SECURITY_PROTOCOL", default: "PLAINTEXT", about: "how the proxy connects upstream: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (clients connect to the proxy in plaintext, without SASL)" },
  { flag: "upstream-tls-ca", env: "UPSTREAM_TLS_CA", default: "", about: "PEM CA certificates to trust upstream instead of the system's (SSL, SASL_SSL)" },
  { flag: "upstream-sasl-mechanism", env: "UPSTREAM_SASL_MECHANISM", default: "SCRAM-SHA-512", about: "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (SASL_PLAINTEXT, SASL_SSL)" },
  { flag: "upstream-sasl-username", env: "UPSTREAM_SASL_USERNAME", default: "", about: "the proxy's SASL user upstream" },
  { flag: "upstream-sasl-password", env: "UPSTREAM_SASL_PASSWORD", default: "", about: "its password" },
] as const;

type OptionName = (typeof UPSTREAM_SECURITY_OPTIONS)[number]["flag"];

const PROTOCOLS: readonly SecurityProtocol[] = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];

/** The settings a protocol does not use are refused when given, so that none is silently ignored. */
export function parseUpstreamSecurity(setting: (name: OptionName) => Setting): UpstreamSecurity {
  const protocol = setting("upstream-security-protocol");
  const securityProtocol = PROTOCOLS.find((p) => p === protocol.value.toUpperCase());
  if (securityProtocol === undefined) throw new ConfigError(`${protocol.what}: expected ${PROTOCOLS.join(", ")}, got ${JSON.stringify(protocol.value)}`);
  const ca = setting("upstream-tls-ca");
  const username = setting("upstream-sasl-username");
  const password = setting("upstream-sasl-password");
  const tls = usesTls(securityProtocol) ? { ca: ca.value === "" ? undefined : readCaFile(ca) } : null;
  if (tls === null && ca.value !== "") throw new ConfigError(`${ca.what} is set but ${protocol.what} is ${securityProtocol}: a CA needs SSL or SASL_SSL`);
  if (!securityProtocol.startsWith("SASL")) {
    const given = [username, password].find((s) => s.value !== "");
    if (given !== undefined) throw new ConfigError(`${given.what} is set but ${protocol.what} is ${securityProtocol}: SASL needs SASL_PLAINTEXT or SASL_SSL`);
    return { securityProtocol, tls, sasl: null };
  }
  const chosen = saslMechanism(setting("upstream-sasl-mechanism"));
  for (const name of ["upstream-sasl-username", "upstream-sasl-password"] as const) {
    if (setting(name).value === "") throw new ConfigError(`${protocol.what} ${securityProtocol} needs --${name} (or ${name.toUpperCase().replaceAll("-", "_")})`);
  }
  return { securityProtocol, tls, sasl: { mechanism: chosen, username: username.value, password: password.value } };
}
