// kcat 1.7.1 (librdkafka 2.0.2) producing binary Avro and Protobuf records and JSON text to topics
// with a schema: valid ones are stored and read back byte for byte by kcat, a batch with an invalid
// record is refused whole (librdkafka: "Broker failed to validate record"), a changed schema file
// is picked up without a restart.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { SCHEMA_FIXTURES } from "../support/schema-fixtures.ts";
import { kcatConsumeBinary, kcatProduceBinary } from "./support/kcat-binary.ts";

const CHECK_MS = 50;
let dir: string;
let broker: TestBroker;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tansu-schema-kcat-"));
  broker = await startBroker(["--schema-registry", `file://${dir}`, "--schema-registry-check-interval-ms", String(CHECK_MS)]);
});
afterAll(async () => {
  expect(await broker.stop()).toBe(0);
});

const REFUSED = "Broker failed to validate record";

for (const f of SCHEMA_FIXTURES) {
  describe(`kcat, ${f.format} schema`, () => {
    const topic = `kcat-${f.format}`;
    const valid = Array.from({ length: 20 }, (_, i) => f.record(i));
    beforeAll(() => writeFileSync(join(dir, topic + f.extension), f.schema));

    test("valid records are stored and read back byte for byte", async () => {
      const run = await kcatProduceBinary(broker.bootstrap, topic, valid);
      expect([run.code, run.stderr]).toEqual([0, ""]);
      expect(await kcatConsumeBinary(broker.bootstrap, topic)).toEqual(valid);
    });

    for (const bad of f.invalid) {
      test(`a ${bad.what} is refused and nothing is stored`, async () => {
        const run = await kcatProduceBinary(broker.bootstrap, topic, [bad.record]);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(REFUSED);
        expect(await kcatConsumeBinary(broker.bootstrap, topic)).toEqual(valid);
      });
    }

    test("a batch mixing valid and invalid records stores nothing", async () => {
      const run = await kcatProduceBinary(broker.bootstrap, topic, [f.record(100), f.invalid[0]!.record, f.record(101)]);
      expect(run.code).toBe(1);
      expect(run.stderr.split(REFUSED).length - 1).toBe(3);
      expect(await kcatConsumeBinary(broker.bootstrap, topic)).toEqual(valid);
    });

    test("a changed schema file is picked up without a restart", async () => {
      const changing = `kcat-changing-${f.format}`;
      writeFileSync(join(dir, changing + f.extension), f.schema);
      expect((await kcatProduceBinary(broker.bootstrap, changing, [f.record(1)])).code).toBe(0);
      writeFileSync(join(dir, changing + f.extension), f.changedSchema);
      await Bun.sleep(CHECK_MS * 3);
      expect((await kcatProduceBinary(broker.bootstrap, changing, [f.record(2)])).stderr).toContain(REFUSED);
      expect((await kcatProduceBinary(broker.bootstrap, changing, [f.changedRecord(3)])).code).toBe(0);
      expect(await kcatConsumeBinary(broker.bootstrap, changing)).toEqual([f.record(1), f.changedRecord(3)]);
    });
  });
}
