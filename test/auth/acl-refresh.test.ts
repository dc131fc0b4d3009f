// The authorizer's copy of the stored bindings: read on refresh() and every refresh interval, kept
// when a read fails (with a warning), an older read never replacing a newer one; and its index,
// which answers a check on a thousand bindings by looking at the few that match.

import { describe, expect, test } from "bun:test";
import { StoredAclAuthorizer } from "../../src/auth/acl-authorizer.ts";
import { AclIndex } from "../../src/auth/acl-index.ts";
import { AclOperation, ResourceType } from "../../src/auth/authorizer.ts";
import { createLogger } from "../../src/log.ts";
import { type AclBinding, StorageError } from "../../src/storage/engine.ts";
import { openMemoryEngine } from "../../src/storage/memory/index.ts";
import { PREFIXED, authorizerOver, binding } from "./acl-fixtures.ts";

const { READ } = AclOperation;
const TOPIC = ResourceType.TOPIC;
const ALICE = "User:alice";
const HOST = "10.0.0.1";

describe("refresh", () => {
  test("bindings created or deleted in storage apply after refresh()", async () => {
    const { engine, authorizer } = await authorizerOver([]);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "orders")).toBe(false);
    await engine.createAcls([binding()]);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "orders")).toBe(false);
    await authorizer.refresh();
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "orders")).toBe(true);
    await engine.deleteAcls([binding()]);
    await authorizer.refresh();
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "orders")).toBe(false);
  });

  test("start() reads at once and then every interval; loaded settles after the first read", async () => {
    const engine = openMemoryEngine();
    await engine.createAcls([binding({ resourceName: "first" })]);
    const authorizer = new StoredAclAuthorizer(engine, createLogger("error"), { superUsers: [], allowEveryoneIfNoAclFound: false, refreshIntervalMs: 20 });
    authorizer.start();
    try {
      await authorizer.loaded;
      expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "first")).toBe(true);
      await engine.createAcls([binding({ resourceName: "second" })]);
      const deadline = Date.now() + 2000;
      while (!authorizer.authorize(ALICE, HOST, READ, TOPIC, "second") && Date.now() < deadline) await Bun.sleep(10);
      expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "second")).toBe(true);
    } finally {
      authorizer.stop();
    }
  });

  test("a failed read keeps the bindings held and logs a warning", async () => {
    const engine = openMemoryEngine();
    await engine.createAcls([binding()]);
    let failing = false;
    const flaky = { acls: () => (failing ? Promise.reject(new StorageError("unavailable", "store is down")) : engine.acls()) };
    const lines: string[] = [];
    const authorizer = new StoredAclAuthorizer(flaky, createLogger("warn", (line) => lines.push(line)), { superUsers: [], allowEveryoneIfNoAclFound: false, refreshIntervalMs: 10 });
    authorizer.start();
    try {
      await authorizer.loaded;
      failing = true;
      await engine.deleteAcls([binding()]);
      const deadline = Date.now() + 2000;
      while (lines.length === 0 && Date.now() < deadline) await Bun.sleep(10);
      expect(lines.some((l) => l.includes("WARN ACL refresh failed") && l.includes("store is down"))).toBe(true);
      expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "orders")).toBe(true);
      await expect(authorizer.refresh()).rejects.toThrow("store is down");
    } finally {
      authorizer.stop();
    }
  });

  test("a read that started earlier but finishes later does not replace a newer one", async () => {
    const reads: ((bindings: AclBinding[]) => void)[] = [];
    const slow = { acls: () => new Promise<AclBinding[]>((resolve) => reads.push(resolve)) };
    const authorizer = new StoredAclAuthorizer(slow, createLogger("error"), { superUsers: [], allowEveryoneIfNoAclFound: false, refreshIntervalMs: 3_600_000 });
    const older = authorizer.refresh();
    const newer = authorizer.refresh();
    reads[1]!([binding({ resourceName: "new" })]);
    await newer;
    reads[0]!([binding({ resourceName: "old" })]);
    await older;
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "new")).toBe(true);
    expect(authorizer.authorize(ALICE, HOST, READ, TOPIC, "old")).toBe(false);
  });
});

describe("index", () => {
  const many: AclBinding[] = [
    ...Array.from({ length: 600 }, (_, i) => binding({ resourceName: `topic-${i}`, principal: `User:u${i}` })),
    ...Array.from({ length: 300 }, (_, i) => binding({ resourceName: `team-${i}-`, patternType: PREFIXED })),
    ...Array.from({ length: 99 }, (_, i) => binding({ resourceType: ResourceType.GROUP, resourceName: `group-${i}` })),
    binding({ resourceName: "*", principal: "User:auditor", operation: AclOperation.DESCRIBE }),
  ];

  test("a name's matching bindings are its LITERAL ones, the * ones and those of its prefixes, and nothing else", () => {
    expect(many).toHaveLength(1000);
    const index = new AclIndex(many);
    const names = (type: number, name: string) => index.matching(type, name).flat().map((b) => b.resourceName).sort();
    expect(names(TOPIC, "topic-42")).toEqual(["*", "topic-42"]);
    expect(names(TOPIC, "team-7-events")).toEqual(["*", "team-7-"]);
    expect(names(TOPIC, "team-77-events")).toEqual(["*", "team-77-"]);
    expect(names(TOPIC, "unknown")).toEqual(["*"]);
    expect(names(ResourceType.GROUP, "group-3")).toEqual(["group-3"]);
    expect(index.ofType(ResourceType.GROUP)).toHaveLength(99);
  });

  test("checks on a thousand bindings stay cheap", async () => {
    const { authorizer } = await authorizerOver(many);
    const started = performance.now();
    let allowed = 0;
    for (let i = 0; i < 20_000; i++) if (authorizer.authorize(ALICE, HOST, READ, TOPIC, `team-${i % 300}-x`)) allowed++;
    const elapsed = performance.now() - started;
    expect(allowed).toBe(20_000);
    // a linear scan of every binding would be ~1000 times the work of the few lookups made
    expect(elapsed).toBeLessThan(1000);
  });
});
