import { describe, expect, test } from "bun:test";
import { passwordMatches, saltPassword } from "../../src/auth/scram.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { AlterUserScramCredentialsApi, DescribeUserScramCredentialsApi } from "../../src/protocol/generated/index.ts";
import { ADMIN, ALICE, aclBroker } from "./acl-broker.ts";
import { call, testBroker } from "./broker.ts";

const SHA256 = 1;
const SHA512 = 2;
const salt = new Uint8Array(16).fill(7);

async function upsert(name: string, mechanism: number, password: string, iterations = 4096) {
  const m = mechanism === SHA512 ? "SCRAM-SHA-512" : "SCRAM-SHA-256";
  const saltedPassword = mechanism === SHA256 || mechanism === SHA512 ? await saltPassword(m, password, salt, 4096) : new Uint8Array(32);
  return { name, mechanism, iterations, salt, saltedPassword };
}

describe("AlterUserScramCredentials (51)", () => {
  test("stores keys derived from the salted password, never the password; each user's errors are its own", async () => {
    const broker = testBroker();
    const r = await call(broker, AlterUserScramCredentialsApi, 0, {
      deletions: [{ name: "ghost", mechanism: SHA256 }],
      upsertions: [
        await upsert("alice", SHA256, "wonderland"),
        await upsert("alice", SHA512, "wonderland"),
        await upsert("bob", SHA256, "pw"),
        await upsert("bob", SHA256, "again"),
        await upsert("carol", 3, "pw"),
        await upsert("dave", SHA256, "pw", 100),
        await upsert("", SHA256, "pw"),
      ],
    });
    expect(r.results.map((x) => [x.user, x.errorCode])).toEqual([
      ["ghost", ErrorCodes.RESOURCE_NOT_FOUND],
      ["alice", 0],
      ["bob", ErrorCodes.DUPLICATE_RESOURCE],
      ["carol", ErrorCodes.UNSUPPORTED_SASL_MECHANISM],
      ["dave", ErrorCodes.UNACCEPTABLE_CREDENTIAL],
      ["", ErrorCodes.UNACCEPTABLE_CREDENTIAL],
    ]);
    const stored = await broker.engine.scramCredentials("alice");
    expect(stored.map((c) => c.mechanism).sort()).toEqual(["SCRAM-SHA-256", "SCRAM-SHA-512"]);
    for (const c of stored) {
      expect(await passwordMatches(c, "wonderland")).toBe(true);
      expect(await passwordMatches(c, "other")).toBe(false);
    }
    expect(await broker.engine.scramCredentials("bob")).toEqual([]);
  });

  test("deletes a credential; ALTER on the cluster is needed", async () => {
    const broker = await aclBroker();
    await call(broker, AlterUserScramCredentialsApi, 0, { deletions: [], upsertions: [await upsert("alice", SHA256, "pw")] }, undefined, ADMIN);
    const refused = await call(broker, AlterUserScramCredentialsApi, 0, { deletions: [{ name: "alice", mechanism: SHA256 }], upsertions: [] }, undefined, ALICE);
    expect(refused.results).toMatchObject([{ user: "alice", errorCode: ErrorCodes.CLUSTER_AUTHORIZATION_FAILED }]);
    const done = await call(broker, AlterUserScramCredentialsApi, 0, { deletions: [{ name: "alice", mechanism: SHA256 }], upsertions: [] }, undefined, ADMIN);
    expect(done.results).toEqual([{ user: "alice", errorCode: 0, errorMessage: null }]);
    expect(await broker.engine.scramCredentials("alice")).toEqual([]);
  });
});

describe("DescribeUserScramCredentials (50)", () => {
  test("mechanisms and iterations only; unknown and repeated users are errors of their own; DESCRIBE on the cluster is needed", async () => {
    const broker = await aclBroker();
    await call(broker, AlterUserScramCredentialsApi, 0, { deletions: [], upsertions: [await upsert("alice", SHA512, "pw", 8192), await upsert("bob", SHA256, "pw")] }, undefined, ADMIN);
    const all = await call(broker, DescribeUserScramCredentialsApi, 0, { users: null }, undefined, ADMIN);
    expect(all.results.map((r) => [r.user, r.credentialInfos])).toEqual([
      ["alice", [{ mechanism: SHA512, iterations: 8192 }]],
      ["bob", [{ mechanism: SHA256, iterations: 4096 }]],
    ]);
    const named = await call(broker, DescribeUserScramCredentialsApi, 0, { users: [{ name: "bob" }, { name: "nobody" }, { name: "alice" }, { name: "alice" }] }, undefined, ADMIN);
    expect(named.results.map((r) => [r.user, r.errorCode])).toEqual([
      ["bob", 0],
      ["nobody", ErrorCodes.RESOURCE_NOT_FOUND],
      ["alice", ErrorCodes.DUPLICATE_RESOURCE],
    ]);
    const refused = await call(broker, DescribeUserScramCredentialsApi, 0, { users: null }, undefined, ALICE);
    expect(refused).toMatchObject({ errorCode: ErrorCodes.CLUSTER_AUTHORIZATION_FAILED, results: [] });
  });
});
