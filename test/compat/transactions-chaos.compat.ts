// The randomized transactions check: three broker processes over one store (the S3 test server;
// TXN_CHAOS_STORE=sqlite for a SQLite file), four confluent-kafka transactional producers writing
// transactions of random size to six partitions, each committing or aborting at random, and one
// broker SIGKILLed mid-run. Producers recover through the other brokers, creating themselves
// again with the same transactional.id after a fatal error. Then a read_committed consumer must see
// every confirmed commit exactly once and whole, nothing of an aborted transaction, unconfirmed
// ones all or nothing, and each producer's records in order within every partition.
// Known while this was written: librdkafka 2.0.2 keeps its transaction coordinator at the killed
// broker's address (every broker is node 111), so a producer whose EndTxn was in flight there
// times out three times (~30 s) and is created again; and a pipelined EndTxn(abort) can overtake
// its AddPartitionsToTxn (transactions-pipelining.compat.ts), a fatal INVALID_TXN_STATE that the
// producer survives the same way.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { TestBroker } from "../support/broker.ts";
import { python } from "./support/python.ts";
import { bootstrapList, openSharedStore, type SharedStore, startBrokers, storeKind } from "./support/shared-store.ts";
import { awaitStable, readTopic } from "./support/transactions.ts";
import { type ChaosRun, runChaosProducer } from "./support/txn-chaos.ts";
import { checkTransactions, summaryLine } from "./support/txn-check.ts";

const TOPIC = "txn-chaos";
const PARTITIONS = 6;
const PRODUCERS = 4;
const DURATION_S = 30;
const KILL_AFTER_MS = 12_000;
const MAX_SIZE = 12;
// TXN_CHAOS_DEBUG=eos,broker,protocol writes each producer's librdkafka log to $TMPDIR/txn-chaos-producer-N.log
const DEBUG = process.env.TXN_CHAOS_DEBUG || undefined;
const DEBUG_DIR = process.env.TMPDIR ?? "/tmp";

let store: SharedStore;
let brokers: TestBroker[] = [];

beforeAll(async () => {
  store = await openSharedStore(storeKind());
  brokers = await startBrokers(store, 3, ["--transaction-abort-timed-out-transaction-cleanup-interval-ms", "1000"]);
  await python("confluent_client.py", "create", { bootstrap: brokers[1]!.bootstrap, topic: TOPIC, partitions: PARTITIONS });
});

afterAll(async () => {
  for (const b of brokers) if (b.running()) expect(await b.stop()).toBe(0);
  await store?.close();
});

test(`${PRODUCERS} transactional producers, ${PARTITIONS} partitions, 3 brokers, one SIGKILLed: committed exactly once, aborted invisible, all or nothing`, async () => {
  const victim = brokers[0]!;
  const runs = Array.from({ length: PRODUCERS }, (_, producer) =>
    runChaosProducer(
      { bootstrap: bootstrapList(brokers, producer), topic: TOPIC, partitions: PARTITIONS, producer, seed: 1000 + producer, duration_s: DURATION_S, max_size: MAX_SIZE, debug: DEBUG },
      DEBUG === undefined ? undefined : `${DEBUG_DIR}/txn-chaos-producer-${producer}.log`,
    ),
  );
  await Bun.sleep(KILL_AFTER_MS);
  expect(await victim.kill("SIGKILL")).not.toBe(0);
  const done: ChaosRun[] = await Promise.all(runs);

  const survivors = bootstrapList(brokers.filter((b) => b.running()));
  // a transaction a producer could not end is aborted by the sweep once it times out
  await awaitStable(survivors, TOPIC, PARTITIONS, 30_000);
  const reads = await readTopic(survivors, TOPIC, PARTITIONS, "read_committed");
  const { problems, summary } = checkTransactions(done.flatMap((r) => r.events), reads);

  const recreated = done.reduce((n, r) => n + r.result.recreated, 0);
  console.log(summaryLine(store.kind, summary, `${recreated} producer re-creations`));
  for (const r of done) if (r.result.errors.length > 0) console.log(`producer ${r.result.producer} errors: ${r.result.errors.slice(0, 5).join(" | ")}`);
  expect(problems).toEqual([]);
  expect(summary.committed).toBeGreaterThan(PRODUCERS * 10);
  expect(summary.aborted).toBeGreaterThan(PRODUCERS * 3);
}, 150_000);
