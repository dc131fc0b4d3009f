// AlterClientQuotas (49) and DescribeClientQuotas (48) against a real broker process: through
// @platformatic/kafka's admin, and with the project's own client for requests that admin refuses
// to build (unknown keys and entity types, bad values and filters).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Admin } from "@platformatic/kafka";
import { KafkaClient } from "../../src/client/client.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import {
  AlterClientQuotasApi,
  type AlterClientQuotasRequestEntryData,
  ApiVersionsApi,
  DescribeClientQuotasApi,
  type DescribeClientQuotasRequestComponentData,
  type DescribeClientQuotasResponse,
} from "../../src/protocol/generated/index.ts";
import { startBroker, type TestBroker } from "../support/broker.ts";

const EXACT = 0;
const DEFAULT = 1;
const ANY = 2;

const dir = mkdtempSync(join(tmpdir(), "tansu-quotas-"));
const storage = `sqlite://${join(dir, "tansu.db")}`;
let brokers: TestBroker[] = [];
let client: KafkaClient;

beforeAll(async () => {
  brokers = await Promise.all([startBroker(["--storage-engine", storage]), startBroker(["--storage-engine", storage])]);
  client = await KafkaClient.connect(brokers[0]!.bootstrap);
});
afterAll(async () => {
  await client.close();
  for (const b of brokers) expect(await b.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

const admin = (broker = brokers[0]!) => new Admin({ clientId: "quota-admin", bootstrapBrokers: [broker.bootstrap], retries: 0 });

async function alter(entries: Omit<AlterClientQuotasRequestEntryData, "unknownTaggedFields">[], validateOnly = false) {
  const response = await client.request(AlterClientQuotasApi, () => ({ entries, validateOnly }));
  return response.entries.map((e) => ({ errorCode: e.errorCode, errorMessage: e.errorMessage }));
}

function describeRaw(components: Omit<DescribeClientQuotasRequestComponentData, "unknownTaggedFields">[], strict = false): Promise<DescribeClientQuotasResponse> {
  return client.request(DescribeClientQuotasApi, () => ({ components, strict }));
}

/** Entities (as "type=name" lists, default names as null) with their values, in a fixed order. */
async function described(components: Omit<DescribeClientQuotasRequestComponentData, "unknownTaggedFields">[], strict = false) {
  const response = await describeRaw(components, strict);
  expect(response.errorCode).toBe(0);
  return (response.entries ?? [])
    .map((e) => ({ entity: e.entity.map((p) => `${p.entityType}=${p.entityName ?? "<default>"}`).sort(), values: Object.fromEntries(e.values.map((v) => [v.key, v.value])) }))
    .sort((a, b) => (a.entity.join() < b.entity.join() ? -1 : 1));
}

const user = (entityName: string | null) => ({ entityType: "user", entityName });
const clientId = (entityName: string | null) => ({ entityType: "client-id", entityName });

test("ApiVersions advertises DescribeClientQuotas and AlterClientQuotas v0–1", async () => {
  const { apiKeys } = await client.request(ApiVersionsApi, () => ({ clientSoftwareName: "tansu-test", clientSoftwareVersion: "1" }));
  expect(apiKeys.filter((k) => k.apiKey === 48 || k.apiKey === 49).map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }))).toEqual([
    { apiKey: 48, minVersion: 0, maxVersion: 1 },
    { apiKey: 49, minVersion: 0, maxVersion: 1 },
  ]);
});

describe("@platformatic/kafka admin", () => {
  test("sets, reads back, changes and removes quotas of user, client-id and default entities", async () => {
    const a = admin();
    try {
      await a.alterClientQuotas({
        entries: [
          { entities: [{ entityType: "client-id", entityName: "app" }], ops: [{ key: "producer_byte_rate", value: 51200, remove: false }] },
          { entities: [{ entityType: "user", entityName: "ANONYMOUS" }, { entityType: "client-id", entityName: "app" }], ops: [{ key: "consumer_byte_rate", value: 1024, remove: false }] },
          { entities: [{ entityType: "client-id", entityName: null }], ops: [{ key: "request_percentage", value: 12.5, remove: false }] },
          { entities: [{ entityType: "user", entityName: null }], ops: [{ key: "producer_byte_rate", value: 4096, remove: false }] },
        ],
      });
      const all = await a.describeClientQuotas({ components: [] });
      expect(all).toHaveLength(4);
      const app = await a.describeClientQuotas({ components: [{ entityType: "client-id", matchType: EXACT, match: "app" }], strict: true });
      expect(app).toEqual([{ entity: [{ entityType: "client-id", entityName: "app" }], values: [{ key: "producer_byte_rate", value: 51200 }] }]);
      const defaults = await a.describeClientQuotas({ components: [{ entityType: "client-id", matchType: DEFAULT }] });
      expect(defaults).toEqual([{ entity: [{ entityType: "client-id", entityName: null }], values: [{ key: "request_percentage", value: 12.5 }] }]);

      await a.alterClientQuotas({
        entries: [
          { entities: [{ entityType: "client-id", entityName: "app" }], ops: [{ key: "producer_byte_rate", value: 2048, remove: false }, { key: "consumer_byte_rate", value: 8192, remove: false }] },
          { entities: [{ entityType: "user", entityName: null }], ops: [{ key: "producer_byte_rate", remove: true }] },
        ],
      });
      expect(await a.describeClientQuotas({ components: [{ entityType: "client-id", matchType: EXACT, match: "app" }], strict: true })).toEqual([
        { entity: [{ entityType: "client-id", entityName: "app" }], values: [{ key: "consumer_byte_rate", value: 8192 }, { key: "producer_byte_rate", value: 2048 }] },
      ]);
      expect(await a.describeClientQuotas({ components: [{ entityType: "user", matchType: DEFAULT }] })).toEqual([]);
    } finally {
      await a.close();
    }
  });

  test("validateOnly checks and stores nothing", async () => {
    const a = admin();
    try {
      await a.alterClientQuotas({ entries: [{ entities: [{ entityType: "client-id", entityName: "dry-run" }], ops: [{ key: "producer_byte_rate", value: 1, remove: false }] }], validateOnly: true });
      expect(await a.describeClientQuotas({ components: [{ entityType: "client-id", matchType: EXACT, match: "dry-run" }] })).toEqual([]);
    } finally {
      await a.close();
    }
  });

  test("a quota set through one broker is described by another over the same storage", async () => {
    const a = admin(brokers[0]);
    const b = admin(brokers[1]);
    try {
      await a.alterClientQuotas({ entries: [{ entities: [{ entityType: "client-id", entityName: "shared" }], ops: [{ key: "consumer_byte_rate", value: 777, remove: false }] }] });
      expect(await b.describeClientQuotas({ components: [{ entityType: "client-id", matchType: EXACT, match: "shared" }] })).toEqual([
        { entity: [{ entityType: "client-id", entityName: "shared" }], values: [{ key: "consumer_byte_rate", value: 777 }] },
      ]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("DescribeClientQuotas filters", () => {
  beforeAll(async () => {
    expect(
      await alter([
        { entity: [user("filter-u"), clientId("filter-c")], ops: [{ key: "producer_byte_rate", value: 1, remove: false }] },
        { entity: [user("filter-u")], ops: [{ key: "producer_byte_rate", value: 2, remove: false }] },
        { entity: [user("filter-u"), clientId(null)], ops: [{ key: "producer_byte_rate", value: 3, remove: false }] },
        { entity: [clientId("filter-c")], ops: [{ key: "producer_byte_rate", value: 4, remove: false }] },
      ]),
    ).toEqual(Array(4).fill({ errorCode: 0, errorMessage: null }));
  });

  test("exact, default and any, with and without strict", async () => {
    const u = { entityType: "user", matchType: EXACT, match: "filter-u" };
    expect((await described([u])).map((e) => e.values.producer_byte_rate)).toEqual([3, 1, 2]);
    expect((await described([u], true)).map((e) => e.entity)).toEqual([["user=filter-u"]]);
    expect((await described([u, { entityType: "client-id", matchType: DEFAULT, match: null }], true)).map((e) => e.entity)).toEqual([["client-id=<default>", "user=filter-u"]]);
    expect((await described([u, { entityType: "client-id", matchType: ANY, match: null }], true)).map((e) => e.values.producer_byte_rate)).toEqual([3, 1]);
    expect((await described([{ entityType: "client-id", matchType: EXACT, match: "filter-c" }])).map((e) => e.values.producer_byte_rate)).toEqual([4, 1]);
    expect(await described([], true)).toEqual([]);
    expect(await described([{ entityType: "ip", matchType: ANY, match: null }])).toEqual([]);
  });

  test("invalid filters are answered with Kafka's error codes", async () => {
    const cases: [Omit<DescribeClientQuotasRequestComponentData, "unknownTaggedFields">[], number][] = [
      [[{ entityType: "group", matchType: ANY, match: null }], ErrorCodes.UNSUPPORTED_VERSION],
      [[{ entityType: "", matchType: ANY, match: null }], ErrorCodes.INVALID_REQUEST],
      [[{ entityType: "user", matchType: ANY, match: null }, { entityType: "user", matchType: EXACT, match: "x" }], ErrorCodes.INVALID_REQUEST],
      [[{ entityType: "user", matchType: EXACT, match: null }], ErrorCodes.INVALID_REQUEST],
      [[{ entityType: "user", matchType: DEFAULT, match: "x" }], ErrorCodes.INVALID_REQUEST],
      [[{ entityType: "user", matchType: ANY, match: "x" }], ErrorCodes.INVALID_REQUEST],
      [[{ entityType: "user", matchType: 7, match: null }], ErrorCodes.INVALID_REQUEST],
      [[{ entityType: "ip", matchType: ANY, match: null }, { entityType: "user", matchType: ANY, match: null }], ErrorCodes.INVALID_REQUEST],
    ];
    for (const [components, errorCode] of cases) {
      const response = await describeRaw(components);
      expect({ components, errorCode: response.errorCode, entries: response.entries }).toEqual({ components, errorCode, entries: null });
      expect(response.errorMessage).toBeString();
    }
  });
});

describe("AlterClientQuotas validation", () => {
  const invalid = { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: expect.any(String) };
  const ok = { errorCode: 0, errorMessage: null };

  test("bad keys, values and entities are INVALID_REQUEST per entry; the valid entries are stored", async () => {
    const set = (key: string, value: number) => ({ key, value, remove: false });
    const results = await alter([
      { entity: [clientId("v-unknown-key")], ops: [set("producer_rate", 1)] },
      { entity: [clientId("v-negative")], ops: [set("producer_byte_rate", -1)] },
      { entity: [clientId("v-zero")], ops: [set("consumer_byte_rate", 0)] },
      { entity: [clientId("v-nan")], ops: [set("request_percentage", Number.NaN)] },
      { entity: [clientId("v-infinite")], ops: [set("request_percentage", Number.POSITIVE_INFINITY)] },
      { entity: [clientId("v-fraction")], ops: [set("producer_byte_rate", 10.5)] },
      { entity: [clientId("v-mutation")], ops: [set("controller_mutation_rate", 10)] },
      { entity: [{ entityType: "group", entityName: "g" }], ops: [set("producer_byte_rate", 1)] },
      { entity: [{ entityType: "ip", entityName: "127.0.0.1" }], ops: [set("connection_creation_rate", 1)] },
      { entity: [], ops: [set("producer_byte_rate", 1)] },
      { entity: [clientId("v-twice"), clientId("v-twice-again")], ops: [set("producer_byte_rate", 1)] },
      { entity: [clientId("")], ops: [set("producer_byte_rate", 1)] },
      { entity: [clientId("v-duplicate-key")], ops: [set("producer_byte_rate", 1), set("producer_byte_rate", 2)] },
      { entity: [clientId("v-duplicate-entity")], ops: [set("producer_byte_rate", 1)] },
      { entity: [clientId("v-duplicate-entity")], ops: [set("consumer_byte_rate", 1)] },
      { entity: [clientId("v-good")], ops: [set("request_percentage", 33.3), { key: "no_such_key", value: 0, remove: true }] },
    ]);
    expect(results).toEqual([...Array(15).fill(invalid), ok]);
    expect(results[0]?.errorMessage).toBe("Invalid configuration key producer_rate");
    const stored = await described([{ entityType: "client-id", matchType: ANY, match: null }]);
    expect(stored.filter((e) => e.entity.some((p) => p.startsWith("client-id=v-")))).toEqual([{ entity: ["client-id=v-good"], values: { request_percentage: 33.3 } }]);
  });
});
