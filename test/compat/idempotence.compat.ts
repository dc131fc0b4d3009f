// Idempotent producers (librdkafka through kcat and confluent-kafka) against forced retries: a
// proxy between client and broker forwards the first Produce requests, lets the broker store them,
// then cuts the connection instead of delivering the responses. The client must send those batches
// again with the same producer id and sequence numbers, and the broker must store them only once.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { kcatConsume, kcatProduce } from "./support/kcat.ts";
import { python } from "./support/python.ts";
import { fromJsonLines, makeRecords, runHeaders, type SentRecord, toJsonLines } from "./support/records.ts";
import { resentBatches, type RetryProxy, startRetryProxy } from "./support/retry-proxy.ts";
import { checkLog, type Window } from "./support/verify.ts";

const PARTITIONS = 3;
const RECORDS = 10_000;
const CUTS = 2;

interface Setup {
  broker: TestBroker;
  proxy: RetryProxy;
}

function withRetryProxy(name: string, body: (setup: () => Setup) => void): void {
  describe(name, () => {
    let setup: Setup | undefined;
    beforeAll(async () => {
      const proxy = startRetryProxy(CUTS);
      const broker = await startBroker(["--num-partitions", String(PARTITIONS), "--advertised-listener-url", `tcp://127.0.0.1:${proxy.port}`]);
      proxy.setTarget(broker.port);
      setup = { broker, proxy };
    });
    afterAll(async () => {
      setup?.proxy.stop();
      expect(await setup?.broker.stop()).toBe(0);
    });
    body(() => {
      if (setup === undefined) throw new Error("no broker");
      return setup;
    });
  });
}

function expectExactlyOnce(proxy: RetryProxy, sent: readonly SentRecord[], consumed: Parameters<typeof checkLog>[1], windows: ReadonlyMap<string, Window>): void {
  expect(proxy.cuts).toBe(CUTS);
  // the withheld batches came again, with the same producer id, epoch and sequence
  expect(resentBatches(proxy.batches)).toBeGreaterThanOrEqual(1);
  expect(proxy.batches.every((b) => b.header.producerId >= 0)).toBe(true);
  expect(checkLog(sent, consumed, PARTITIONS, windows)).toEqual([]);
  expect(consumed.length).toBe(sent.length);
}

withRetryProxy("kcat -X enable.idempotence=true", (setup) => {
  test(`stores each of ${RECORDS} records exactly once when ${CUTS} Produce responses are lost`, async () => {
    const { broker, proxy } = setup();
    const run = "kcat-idempotent";
    const records = makeRecords(run, 0, RECORDS, { perRecordHeaders: false, explicitTimestamps: false, nullHeaderValues: true, nullKeyAndValue: true });
    const window = await kcatProduce(proxy.bootstrap, { topic: run, records, headers: runHeaders(run), codec: "lz4", acks: "all", config: ["enable.idempotence=true"], survivesDisconnects: true });
    const consumed = await kcatConsume(broker.bootstrap, run);
    expectExactlyOnce(proxy, records, consumed, new Map([[run, window]]));
  });
});

withRetryProxy("confluent-kafka enable.idempotence=True", (setup) => {
  test(`stores each of ${RECORDS} records exactly once when ${CUTS} Produce responses are lost`, async () => {
    const { broker, proxy } = setup();
    const run = "confluent-idempotent";
    const records = makeRecords(run, 0, RECORDS, { perRecordHeaders: true, explicitTimestamps: true, nullHeaderValues: true, nullKeyAndValue: true });
    const dir = mkdtempSync(join(tmpdir(), "tansu-compat-"));
    try {
      const file = join(dir, "records.jsonl");
      writeFileSync(file, toJsonLines(records));
      const from = Date.now();
      const produced = await python<{ delivered: number; errors: string[] }>("confluent_client.py", "produce", {
        bootstrap: proxy.bootstrap,
        topic: run,
        records: file,
        codec: "zstd",
        acks: "all",
        config: { "enable.idempotence": true },
      });
      const window = { from, to: Date.now() };
      expect(produced.errors).toEqual([]);
      expect(produced.delivered).toBe(RECORDS);
      const out = join(dir, "consumed.jsonl");
      await python("confluent_client.py", "consume", { bootstrap: broker.bootstrap, topic: run, partitions: PARTITIONS, expect: RECORDS, out });
      expectExactlyOnce(proxy, records, fromJsonLines(readFileSync(out, "utf8")), new Map([[run, window]]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
