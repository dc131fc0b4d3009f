import { describe, expect, test } from "bun:test";
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import { escapeSaslname } from "../../src/auth/scram-messages.ts";
import {
  scramCredential,
  startScram,
  type CredentialLookup,
  type ScramCredential,
  type ScramStart,
} from "../../src/auth/scram.ts";
import type { ScramMechanism } from "../../src/auth/scram-names.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");

async function credential(mechanism: ScramMechanism, password: string, iterations?: number, salt?: Uint8Array): Promise<ScramCredential> {
  const r = await scramCredential(mechanism, password, iterations, salt);
  if (!r.ok) throw new Error(r.reason);
  return r.credential;
}

function lookupOf(users: Record<string, ScramCredential>): CredentialLookup {
  return async (name) => users[name] ?? null;
}

function started(s: ScramStart): Extract<ScramStart, { ok: true }> {
  if (!s.ok) throw new Error(`start failed: ${s.reason}`);
  return s;
}

/** Minimal test client: derives the final message from the password and the server-first message. */
function clientFinal(mechanism: ScramMechanism, password: string, gs2: string, clientFirstBare: string, serverFirst: string) {
  const h = mechanism === "SCRAM-SHA-256" ? "sha256" : "sha512";
  const attrs = new Map(serverFirst.split(",").map((a) => [a.slice(0, 1), a.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(attrs.get("s") ?? "", "base64"), Number(attrs.get("i")), h === "sha256" ? 32 : 64, h);
  const clientKey = createHmac(h, salted).update("Client Key").digest();
  const storedKey = createHash(h).update(clientKey).digest();
  const withoutProof = `c=${Buffer.from(gs2).toString("base64")},r=${attrs.get("r")}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = createHmac(h, storedKey).update(authMessage).digest();
  const proof = clientKey.map((b, i) => b ^ (signature[i] ?? 0));
  const serverKey = createHmac(h, salted).update("Server Key").digest();
  const expectedServerFinal = `v=${createHmac(h, serverKey).update(authMessage).digest("base64")}`;
  return { message: `${withoutProof},p=${b64(proof)}`, expectedServerFinal };
}

async function login(mechanism: ScramMechanism, users: Record<string, ScramCredential>, user: string, password: string, authzid = "") {
  const gs2 = `n,${authzid && `a=${escapeSaslname(authzid)}`},`;
  const bare = `n=${escapeSaslname(user)},r=clientNonce123`;
  const s = started(await startScram(mechanism, enc(gs2 + bare), lookupOf(users)));
  const c = clientFinal(mechanism, password, gs2, bare, dec(s.serverFirst));
  return { result: await s.finish(enc(c.message)), expectedServerFinal: c.expectedServerFinal, serverFirst: dec(s.serverFirst) };
}

describe("scramCredential", () => {
  test("refuses iterations outside Kafka's 4096..16384", async () => {
    expect(await scramCredential("SCRAM-SHA-256", "pw", 4095)).toEqual({ ok: false, reason: "iterations-out-of-range" });
    expect(await scramCredential("SCRAM-SHA-512", "pw", 16385)).toEqual({ ok: false, reason: "iterations-out-of-range" });
    expect(await scramCredential("SCRAM-SHA-256", "pw", 4096, new Uint8Array())).toEqual({ ok: false, reason: "empty-salt" });
  });

  test("stores keys only, with hash-sized keys and a random salt by default", async () => {
    const c = await credential("SCRAM-SHA-512", "secret");
    expect(Object.keys(c).sort()).toEqual(["iterations", "mechanism", "salt", "serverKey", "storedKey"]);
    expect(c.iterations).toBe(4096);
    expect(c.storedKey.length).toBe(64);
    expect(c.serverKey.length).toBe(64);
    expect(b64(c.salt)).not.toBe(b64((await credential("SCRAM-SHA-512", "secret")).salt));
  });
});

describe("RFC 7677 SCRAM-SHA-256 test vector", () => {
  const salt = new Uint8Array(Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"));
  const serverNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  const nonce = `rOprNGfwEbeRWgbNEkqO${serverNonce}`;
  const final = `c=biws,r=${nonce},p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=`;

  test("produces the server-first and server-final messages of the RFC", async () => {
    const users = { user: await credential("SCRAM-SHA-256", "pencil", 4096, salt) };
    const s = started(await startScram("SCRAM-SHA-256", enc("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"), lookupOf(users), serverNonce));
    expect(dec(s.serverFirst)).toBe(`r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`);
    const f = await s.finish(enc(final));
    if (!f.ok) throw new Error(f.reason);
    expect(dec(f.serverFinal)).toBe("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    expect(f.username).toBe("user");
    expect(await s.finish(enc(final))).toEqual({ ok: false, reason: "already-finished" });
  });

  test("the test client computes the RFC proof", () => {
    const c = clientFinal("SCRAM-SHA-256", "pencil", "n,,", "n=user,r=rOprNGfwEbeRWgbNEkqO", `r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`);
    expect(c.message).toBe(final);
    expect(c.expectedServerFinal).toBe("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  });
});

describe("exchange", () => {
  for (const mechanism of ["SCRAM-SHA-256", "SCRAM-SHA-512"] as const) {
    test(`${mechanism}: correct password succeeds, wrong one fails`, async () => {
      const users = { alice: await credential(mechanism, "wonderland", 8192) };
      const ok = await login(mechanism, users, "alice", "wonderland");
      expect(ok.result).toEqual({ ok: true, serverFinal: enc(ok.expectedServerFinal), username: "alice", tokenAuth: false });
      expect((await login(mechanism, users, "alice", "wrong")).result).toMatchObject({ ok: false, reason: "authentication-failed" });
    });
  }

  test("escaped usernames and a matching authzid", async () => {
    const users = { "a,b=c": await credential("SCRAM-SHA-256", "pw") };
    const r = await login("SCRAM-SHA-256", users, "a,b=c", "pw", "a,b=c");
    expect(r.result.ok && r.result.username).toBe("a,b=c");
  });

  test("unknown user gets a stable fake salt and fails only at the final step", async () => {
    const a = await login("SCRAM-SHA-256", {}, "ghost", "pw");
    const b = await login("SCRAM-SHA-256", {}, "ghost", "pw");
    expect(a.result).toMatchObject({ ok: false, reason: "authentication-failed" });
    expect(a.serverFirst.split(",").slice(1)).toEqual(b.serverFirst.split(",").slice(1));
    expect(a.serverFirst).toMatch(/,s=[A-Za-z0-9+/]{43}=,i=4096$/);
  });

  test("a credential for another mechanism counts as unknown", async () => {
    const users = { bob: await credential("SCRAM-SHA-512", "pw") };
    expect((await login("SCRAM-SHA-256", users, "bob", "pw")).result).toMatchObject({ ok: false, reason: "authentication-failed" });
  });

  test("tokenauth extension is accepted and passed to the lookup", async () => {
    const cred = await credential("SCRAM-SHA-256", "hmac-token");
    const seen: boolean[] = [];
    const lookup: CredentialLookup = async (_name, { tokenAuth }) => (seen.push(tokenAuth), cred);
    const bare = "n=tokenid,r=abc,tokenauth=true";
    const s = started(await startScram("SCRAM-SHA-256", enc(`n,,${bare}`), lookup));
    const f = await s.finish(enc(clientFinal("SCRAM-SHA-256", "hmac-token", "n,,", bare, dec(s.serverFirst)).message));
    expect(seen).toEqual([true]);
    expect(f.ok && f.tokenAuth).toBe(true);
  });
});

describe("client-first rejections", () => {
  const cases: [string, string][] = [
    ["y,,n=u,r=abc", "channel-binding-unsupported"],
    ["p=tls-unique,,n=u,r=abc", "channel-binding-unsupported"],
    ["x,,n=u,r=abc", "malformed"],
    ["n,,n=u", "malformed"],
    ["n,,n=a=2Xb,r=abc", "malformed"],
    ["n,,n=,r=abc", "malformed"],
    ["n,,r=abc,n=u", "malformed"],
    ["n,b=x,n=u,r=abc", "malformed"],
    ["n,,m=ext,n=u,r=abc", "unsupported-extension"],
    ["n,,n=u,r=abc,foo=bar", "unsupported-extension"],
    ["n,a=other,n=u,r=abc", "authzid-mismatch"],
  ];
  for (const [message, reason] of cases) {
    test(`${message} -> ${reason}`, async () => {
      expect(await startScram("SCRAM-SHA-256", enc(message), lookupOf({}))).toEqual({ ok: false, reason } as ScramStart);
    });
  }

  test("invalid UTF-8 is malformed", async () => {
    const bytes = new Uint8Array([...enc("n,,n="), 0xff, ...enc(",r=abc")]);
    expect(await startScram("SCRAM-SHA-256", bytes, lookupOf({}))).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("client-final rejections", () => {
  async function finishWith(final: (nonce: string) => string) {
    const users = { u: await credential("SCRAM-SHA-256", "pw") };
    const s = started(await startScram("SCRAM-SHA-256", enc("n,,n=u,r=abc"), lookupOf(users), "XYZ"));
    return s.finish(enc(final("abcXYZ")));
  }
  const proof = b64(new Uint8Array(32));

  test("channel binding must echo the gs2 header", async () => {
    expect(await finishWith((r) => `c=${b64(enc("n,a=u,"))},r=${r},p=${proof}`)).toEqual({ ok: false, reason: "channel-binding-mismatch" });
  });
  test("nonce must end with the combined nonce (librdkafka 2.0 repeats its own in front, as Kafka allows)", async () => {
    expect(await finishWith(() => `c=biws,r=abc,p=${proof}`)).toEqual({ ok: false, reason: "nonce-mismatch" });
    expect(await finishWith(() => `c=biws,r=abcXY,p=${proof}`)).toEqual({ ok: false, reason: "nonce-mismatch" });
    // past the nonce check: only the all-zero proof fails
    expect(await finishWith((r) => `c=biws,r=abc${r},p=${proof}`)).toMatchObject({ ok: false, reason: "authentication-failed" });
  });
  test("proof must be base64 of hash length and come last", async () => {
    expect(await finishWith((r) => `c=biws,r=${r},p=${b64(new Uint8Array(31))}`)).toEqual({ ok: false, reason: "malformed" });
    expect(await finishWith((r) => `c=biws,r=${r},p=not base64`)).toEqual({ ok: false, reason: "malformed" });
    expect(await finishWith((r) => `c=biws,r=${r}`)).toEqual({ ok: false, reason: "malformed" });
    expect(await finishWith((r) => `c=biws,r=${r},x=1,p=${proof}`)).toEqual({ ok: false, reason: "unsupported-extension" });
  });
  test("an all-zero proof fails authentication", async () => {
    expect(await finishWith((r) => `c=biws,r=${r},p=${proof}`)).toMatchObject({ ok: false, reason: "authentication-failed" });
  });
});
