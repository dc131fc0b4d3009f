import { expect, test } from "bun:test";
import { resolveLimits, type QuotaSnapshot } from "../../src/quotas/resolve.ts";
import type { QuotaEntityPart } from "../../src/storage/engine.ts";
import { quotaEntityKey } from "../../src/storage/quota-entity.ts";

const user = (entityName: string | null): QuotaEntityPart => ({ entityType: "user", entityName });
const client = (entityName: string | null): QuotaEntityPart => ({ entityType: "client-id", entityName });

// Kafka's precedence, most specific first, with the usage each level's quota counts (user and
// client-id tags: "" where the level does not name that type)
const LEVELS: [QuotaEntityPart[], string, string][] = [
  [[user("alice"), client("app")], "alice", "app"],
  [[user("alice"), client(null)], "alice", "app"],
  [[user("alice")], "alice", ""],
  [[user(null), client("app")], "alice", "app"],
  [[user(null), client(null)], "alice", "app"],
  [[user(null)], "alice", ""],
  [[client("app")], "", "app"],
  [[client(null)], "", "app"],
];

const snapshot = (entities: [QuotaEntityPart[], Record<string, number>][]): QuotaSnapshot => new Map(entities.map(([e, v]) => [quotaEntityKey(e), v]));

test("the most specific entity that sets a key wins, level by level", () => {
  for (let level = 0; level < LEVELS.length; level++) {
    const entities = LEVELS.slice(level).map(([entity], i): [QuotaEntityPart[], Record<string, number>] => [entity, { producer_byte_rate: 1000 + level + i }]);
    const [, userTag, clientTag] = LEVELS[level]!;
    expect(resolveLimits(snapshot(entities), "alice", "app")?.produce).toEqual({ bound: 1000 + level, sensor: `producer_byte_rate\u0000${userTag}\u0000${clientTag}` });
  }
});

test("each key resolves on its own; entities of other users and client ids do not apply", () => {
  const s = snapshot([
    [[user("alice"), client("app")], { producer_byte_rate: 1 }],
    [[client(null)], { consumer_byte_rate: 2, producer_byte_rate: 3 }],
    [[user("bob")], { request_percentage: 4 }],
    [[client("other")], { request_percentage: 5 }],
  ]);
  expect(resolveLimits(s, "alice", "app")).toEqual({
    produce: { bound: 1, sensor: "producer_byte_rate\u0000alice\u0000app" },
    fetch: { bound: 2, sensor: "consumer_byte_rate\u0000\u0000app" },
    request: null,
  });
  expect(resolveLimits(s, "carol", "")?.produce).toEqual({ bound: 3, sensor: "producer_byte_rate\u0000\u0000" });
  expect(resolveLimits(snapshot([[[user("bob")], { request_percentage: 4 }]]), "alice", "app")).toBeNull();
  expect(resolveLimits(new Map(), "alice", "app")).toBeNull();
});
