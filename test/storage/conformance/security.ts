import { expect, test } from "bun:test";
import type { AclBinding, Engine, ScramMechanismName, ScramSecret, StoredScramCredential } from "../../../src/storage/engine.ts";
import type { ConformanceContext } from "./context.ts";

/** A secret whose bytes are all distinct from another seed's; salt holds every byte value. */
function secret(seed: number, iterations = 4096): ScramSecret {
  const key = (length: number, k: number) => Uint8Array.from({ length }, (_, i) => (seed * 31 + i * k) & 0xff);
  return { salt: Uint8Array.from({ length: 256 }, (_, i) => (i + seed) & 0xff), iterations, storedKey: key(32, 7), serverKey: key(64, 13) };
}

/** A credential as plain data: bytes as number arrays, so equality is by bytes whatever the array type. */
const plain = (c: StoredScramCredential) => ({
  user: c.user,
  mechanism: c.mechanism,
  salt: [...c.salt],
  iterations: c.iterations,
  storedKey: [...c.storedKey],
  serverKey: [...c.serverKey],
});

const expected = (user: string, mechanism: ScramMechanismName, s: ScramSecret) => plain({ user, mechanism, ...s });

/** The stored credentials of users whose names start with `prefix` (or only `user`'s), in a fixed order. */
async function credentials(engine: Engine, prefix: string, user?: string) {
  const stored = await engine.scramCredentials(user);
  for (const c of stored) for (const bytes of [c.salt, c.storedKey, c.serverKey]) expect(bytes).toBeInstanceOf(Uint8Array);
  return stored
    .filter((c) => c.user.startsWith(prefix))
    .map(plain)
    .sort((a, b) => (a.user === b.user ? (a.mechanism < b.mechanism ? -1 : 1) : a.user < b.user ? -1 : 1));
}

const aclText = (b: AclBinding) => JSON.stringify([b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permissionType]);

/** The stored bindings on resources whose names start with `prefix`, in a fixed order. */
async function acls(engine: Engine, prefix: string): Promise<AclBinding[]> {
  const stored = (await engine.acls()).filter((b) => b.resourceName.startsWith(prefix));
  return stored.sort((a, b) => (aclText(a) < aclText(b) ? -1 : 1));
}

const sorted = (bindings: AclBinding[]) => [...bindings].sort((a, b) => (aclText(a) < aclText(b) ? -1 : 1));

/** Allow User:alice to Read the topic `name` from any host. */
const readTopic = (name: string, principal = "User:alice"): AclBinding => ({
  resourceType: 2,
  resourceName: name,
  patternType: 3,
  principal,
  host: "*",
  operation: 3,
  permissionType: 3,
});

export function securityCases(ctx: ConformanceContext): void {
  test("a credential is stored with its bytes and iterations as given, and read back per user", async () => {
    const p = ctx.topicName("scram");
    const alice = `${p}-alice`;
    const odd = `${p}-ünï/"odd",name=x`;
    // a view into a larger buffer: only the viewed bytes are the salt
    const backing = Uint8Array.from({ length: 40 }, (_, i) => 200 + i);
    const viewed: ScramSecret = { ...secret(9, 8192), salt: backing.subarray(4, 20) };
    await ctx.engine.alterScramCredentials([
      { user: alice, mechanism: "SCRAM-SHA-256", secret: secret(1) },
      { user: odd, mechanism: "SCRAM-SHA-512", secret: viewed },
    ]);
    expect(await credentials(ctx.engine, p)).toEqual([expected(alice, "SCRAM-SHA-256", secret(1)), expected(odd, "SCRAM-SHA-512", viewed)]);
    expect(await credentials(ctx.engine, p, odd)).toEqual([expected(odd, "SCRAM-SHA-512", viewed)]);
    expect(await ctx.engine.scramCredentials(`${p}-nobody`)).toEqual([]);
  });

  test("a user may hold one credential per mechanism; setting one again replaces it, null removes only it", async () => {
    const p = ctx.topicName("mechanisms");
    const bob = `${p}-bob`;
    const carol = `${p}-carol`;
    await ctx.engine.alterScramCredentials([
      { user: bob, mechanism: "SCRAM-SHA-256", secret: secret(1) },
      { user: bob, mechanism: "SCRAM-SHA-512", secret: secret(2) },
      { user: carol, mechanism: "SCRAM-SHA-256", secret: secret(3) },
    ]);
    expect(await credentials(ctx.engine, p, bob)).toEqual([expected(bob, "SCRAM-SHA-256", secret(1)), expected(bob, "SCRAM-SHA-512", secret(2))]);

    await ctx.engine.alterScramCredentials([{ user: bob, mechanism: "SCRAM-SHA-512", secret: secret(4, 10_000) }]);
    expect(await credentials(ctx.engine, p, bob)).toEqual([expected(bob, "SCRAM-SHA-256", secret(1)), expected(bob, "SCRAM-SHA-512", secret(4, 10_000))]);

    await ctx.engine.alterScramCredentials([{ user: bob, mechanism: "SCRAM-SHA-256", secret: null }]);
    expect(await credentials(ctx.engine, p)).toEqual([expected(bob, "SCRAM-SHA-512", secret(4, 10_000)), expected(carol, "SCRAM-SHA-256", secret(3))]);

    // removing what is not there does nothing
    await ctx.engine.alterScramCredentials([
      { user: bob, mechanism: "SCRAM-SHA-256", secret: null },
      { user: `${p}-nobody`, mechanism: "SCRAM-SHA-512", secret: null },
    ]);
    expect(await credentials(ctx.engine, p)).toEqual([expected(bob, "SCRAM-SHA-512", secret(4, 10_000)), expected(carol, "SCRAM-SHA-256", secret(3))]);
  });

  test("alterations of one call apply in order", async () => {
    const p = ctx.topicName("scram-order");
    const dave = `${p}-dave`;
    const erin = `${p}-erin`;
    await ctx.engine.alterScramCredentials([{ user: erin, mechanism: "SCRAM-SHA-256", secret: secret(5) }]);
    await ctx.engine.alterScramCredentials([
      { user: dave, mechanism: "SCRAM-SHA-256", secret: secret(1) },
      { user: dave, mechanism: "SCRAM-SHA-256", secret: null },
      { user: dave, mechanism: "SCRAM-SHA-512", secret: secret(2) },
      { user: dave, mechanism: "SCRAM-SHA-512", secret: secret(3, 5000) },
      { user: erin, mechanism: "SCRAM-SHA-256", secret: null },
      { user: erin, mechanism: "SCRAM-SHA-256", secret: secret(6) },
    ]);
    expect(await credentials(ctx.engine, p)).toEqual([expected(dave, "SCRAM-SHA-512", secret(3, 5000)), expected(erin, "SCRAM-SHA-256", secret(6))]);
    await ctx.engine.alterScramCredentials([]);
    expect(await credentials(ctx.engine, p)).toHaveLength(2);
  });

  test("ACL bindings are a set: a binding created again is stored once, one differing in any field is another", async () => {
    const p = ctx.topicName("acl-set");
    const base = readTopic(`${p}-orders`);
    const variants: AclBinding[] = [
      base,
      { ...base, resourceType: 3 },
      { ...base, resourceName: `${p}-orders-2` },
      { ...base, patternType: 4 },
      { ...base, principal: "User:*" },
      { ...base, host: "127.0.0.1" },
      { ...base, operation: 4 },
      { ...base, permissionType: 2 },
    ];
    await ctx.engine.createAcls([base, { ...base }]);
    expect(await acls(ctx.engine, p)).toEqual([base]);
    await ctx.engine.createAcls(variants);
    await ctx.engine.createAcls([base]);
    expect(await acls(ctx.engine, p)).toEqual(sorted(variants));
  });

  test("deleteAcls removes exactly the bindings given and ignores ones not stored", async () => {
    const p = ctx.topicName("acl-delete");
    const a = readTopic(`${p}-a`);
    const b = readTopic(`${p}-b`);
    const prefixed: AclBinding = { ...a, patternType: 4, resourceName: p };
    const writeA: AclBinding = { ...a, operation: 4 };
    await ctx.engine.createAcls([a, b, prefixed, writeA]);
    await ctx.engine.deleteAcls([a, readTopic(`${p}-absent`), { ...b, host: "10.0.0.1" }]);
    expect(await acls(ctx.engine, p)).toEqual(sorted([b, prefixed, writeA]));
    await ctx.engine.deleteAcls([a]);
    await ctx.engine.deleteAcls([]);
    await ctx.engine.createAcls([]);
    expect(await acls(ctx.engine, p)).toEqual(sorted([b, prefixed, writeA]));
    await ctx.engine.deleteAcls([b, prefixed, writeA]);
    expect(await acls(ctx.engine, p)).toEqual([]);
  });

  test("every instance over the store sees the other's credentials and bindings, also after it has read them", async () => {
    const p = ctx.topicName("security-shared");
    const [one, two] = [ctx.engine, await ctx.second()];
    const frank = `${p}-frank`;
    await one.alterScramCredentials([{ user: frank, mechanism: "SCRAM-SHA-256", secret: secret(1) }]);
    await one.createAcls([readTopic(`${p}-t`)]);
    expect(await credentials(two, p, frank)).toEqual([expected(frank, "SCRAM-SHA-256", secret(1))]);
    expect(await acls(two, p)).toEqual([readTopic(`${p}-t`)]);

    await two.alterScramCredentials([
      { user: frank, mechanism: "SCRAM-SHA-256", secret: secret(2) },
      { user: frank, mechanism: "SCRAM-SHA-512", secret: secret(3) },
    ]);
    await two.deleteAcls([readTopic(`${p}-t`)]);
    await two.createAcls([readTopic(`${p}-u`)]);
    expect(await credentials(one, p)).toEqual([expected(frank, "SCRAM-SHA-256", secret(2)), expected(frank, "SCRAM-SHA-512", secret(3))]);
    expect(await acls(one, p)).toEqual([readTopic(`${p}-u`)]);

    await one.alterScramCredentials([{ user: frank, mechanism: "SCRAM-SHA-256", secret: null }]);
    expect(await credentials(two, p, frank)).toEqual([expected(frank, "SCRAM-SHA-512", secret(3))]);
  });

  test("concurrent writers through two instances lose nothing", async () => {
    const p = ctx.topicName("security-race");
    const engines = [ctx.engine, await ctx.second()];
    const writers = 20;
    const bindings = Array.from({ length: writers }, (_, w) => readTopic(`${p}-t${w}`, `User:w${w}`));
    const users = Array.from({ length: writers }, (_, w) => `${p}-u${String(w).padStart(2, "0")}`);
    await engines[0]!.createAcls([readTopic(`${p}-doomed`)]);
    await Promise.all([
      ...bindings.map((b, w) => engines[w % 2]!.createAcls([b])),
      engines[1]!.deleteAcls([readTopic(`${p}-doomed`)]),
      ...users.map((user, w) => engines[(w + 1) % 2]!.alterScramCredentials([{ user, mechanism: "SCRAM-SHA-512", secret: secret(w) }])),
    ]);
    for (const engine of engines) {
      expect(await acls(engine, p)).toEqual(sorted(bindings));
      expect(await credentials(engine, p)).toEqual(users.map((user, w) => expected(user, "SCRAM-SHA-512", secret(w))));
    }
  });
}
