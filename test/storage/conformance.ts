// The storage-engine conformance suite: every engine runs these same cases, e.g.
//   runEngineConformance("memory", async () => { const engine = openMemoryEngine(); ... });
// Each case gets a fresh fixture. Engines shared by several brokers provide `openSecond`, which
// opens another engine over the same store; cross-instance cases then go through both.

import { afterEach, beforeEach, describe } from "bun:test";
import type { Engine } from "../../src/storage/engine.ts";
import { compactionCases } from "./conformance/compaction.ts";
import { concurrencyCases } from "./conformance/concurrency.ts";
import type { ConformanceContext } from "./conformance/context.ts";
import { groupCases } from "./conformance/groups.ts";
import { idempotenceCases } from "./conformance/idempotence.ts";
import { offsetCases } from "./conformance/offsets.ts";
import { producerIdCases } from "./conformance/producer-ids.ts";
import { quotaCases } from "./conformance/quotas.ts";
import { recordCases } from "./conformance/records.ts";
import { retentionCases } from "./conformance/retention.ts";
import { securityCases } from "./conformance/security.ts";
import { timestampCases } from "./conformance/timestamps.ts";
import { topicCases } from "./conformance/topics.ts";
import { transactionCases } from "./conformance/transactions.ts";
import { waitCases } from "./conformance/wait.ts";

export interface EngineFixture {
  engine: Engine;
  /** Opens another engine over the same store (a second broker); without it the suite reuses `engine`. */
  openSecond?: () => Promise<Engine>;
  /** Closes every engine the fixture opened (including those from openSecond) and removes the store. */
  cleanup(): Promise<void>;
}

export function runEngineConformance(name: string, open: () => Promise<EngineFixture>): void {
  describe(`engine conformance: ${name}`, () => {
    let fixture: EngineFixture | undefined;
    let secondEngine: Engine | undefined;
    let run = 0;

    beforeEach(async () => {
      fixture = await open();
      secondEngine = undefined;
      run++;
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    const current = (): EngineFixture => {
      if (fixture === undefined) throw new Error("no engine fixture is open");
      return fixture;
    };
    const prefix = `conf-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const ctx: ConformanceContext = {
      get engine() {
        return current().engine;
      },
      async second() {
        const f = current();
        secondEngine ??= f.openSecond === undefined ? f.engine : await f.openSecond();
        return secondEngine;
      },
      topicName: (label) => `${prefix}-${run}-${label}`,
      async createTopic(label, partitionCount = 1, configs = {}) {
        const topic = ctx.topicName(label);
        const result = await ctx.engine.createTopic({ name: topic, partitionCount, replicationFactor: 1, configs });
        if (result.errorCode !== 0) throw new Error(`createTopic ${topic} failed with ${result.errorCode}`);
        return topic;
      },
    };

    describe("topics", () => topicCases(ctx));
    describe("append and read", () => recordCases(ctx));
    describe("batchByTimestamp", () => timestampCases(ctx));
    describe("idempotent producers", () => idempotenceCases(ctx));
    describe("initProducerId", () => producerIdCases(ctx));
    describe("waitForAppend", () => waitCases(ctx));
    describe("concurrency", () => concurrencyCases(ctx));
    describe("consumer group state", () => groupCases(ctx));
    describe("committed offsets", () => offsetCases(ctx));
    describe("client quotas", () => quotaCases(ctx));
    describe("security: SCRAM credentials and ACLs", () => securityCases(ctx));
    describe("transactions", () => transactionCases(ctx));
    describe("retention and DeleteRecords", () => retentionCases(ctx));
    describe("compaction", () => compactionCases(ctx));
  });
}
