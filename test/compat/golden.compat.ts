// Golden bytes: kcat, kafka-python and confluent-kafka talk to the broker through a capturing proxy.
// Every request they send must decode and re-encode byte for byte with src/protocol/frame.ts, every
// answer too, and each Produce request's batches must decode to the records that were sent, with
// the codec asked for. One request frame per API version (and per codec) is stored under
// test/fixtures/golden/<client>/ when UPDATE_GOLDEN=1 or none are stored yet, for the unit test
// test/protocol/golden.test.ts to re-check without the clients.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { type CaptureProxy, startCaptureProxy } from "../support/capture-proxy.ts";
import { hasGolden, producedRecords, reencodeRequest, reencodeResponse, writeGolden } from "../support/golden.ts";
import { PRODUCE_KEY } from "../support/produce-batches.ts";
import { firstDifference, produceProblems, selectFixtures, where } from "./support/golden-checks.ts";
import { GOLDEN_CLIENTS } from "./support/golden-clients.ts";

const UPDATE = process.env.UPDATE_GOLDEN === "1";

for (const c of GOLDEN_CLIENTS) {
  describe(`golden bytes: ${c.description}`, () => {
    let proxy: CaptureProxy;
    let broker: TestBroker;
    beforeAll(async () => {
      proxy = startCaptureProxy();
      broker = await startBroker(["--advertised-listener-url", `tcp://127.0.0.1:${proxy.port}`]);
      proxy.setTarget(broker.port);
    });
    afterAll(async () => {
      proxy.stop();
      expect(await broker.stop()).toBe(0);
    });
    const requests = () => proxy.frames.filter((f) => f.direction === "request");

    test(`captures ${c.scenarios.map((s) => s.name).join(", ")}`, async () => {
      for (const s of c.scenarios) {
        proxy.scenario = s.name;
        await s.run(proxy.bootstrap);
      }
      expect(requests().length).toBeGreaterThan(0);
    });

    test("every request decodes and re-encodes byte for byte", () => {
      const bad: string[] = [];
      for (const f of requests()) {
        try {
          const again = reencodeRequest(f.bytes);
          if (Buffer.compare(again, f.bytes) !== 0) bad.push(`${where(f)}: ${firstDifference(f.bytes, again)}`);
        } catch (e) {
          bad.push(`${where(f)}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      expect(bad).toEqual([]);
    });

    test("every response decodes and re-encodes byte for byte", () => {
      const bad: string[] = [];
      const responses = proxy.frames.filter((f) => f.direction === "response");
      expect(responses.length).toBeGreaterThan(0);
      for (const f of responses) {
        try {
          const again = reencodeResponse(f.bytes, f.apiKey, f.apiVersion);
          if (Buffer.compare(again, f.bytes) !== 0) bad.push(`${where(f)}: ${firstDifference(f.bytes, again)}`);
        } catch (e) {
          bad.push(`${where(f)}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      expect(bad).toEqual([]);
    });

    const codecs = c.scenarios.flatMap((s) => (s.sent === undefined ? [] : [c.label(s.sent.codec)]));
    test(`Produce batches decode to the records sent, with the codec asked for: ${codecs.join(", ")}`, () => {
      for (const s of c.scenarios) {
        if (s.sent === undefined) continue;
        const produced = requests()
          .filter((f) => f.scenario === s.name && f.apiKey === PRODUCE_KEY)
          .map((f) => producedRecords(f.bytes));
        const used = [...new Set(produced.flatMap((p) => p.codecs))];
        expect(`${s.name}: ${used.join(",")}`).toBe(`${s.name}: ${s.sent.expected}`);
        expect(produceProblems(s.sent.records, produced.flatMap((p) => p.records))).toEqual([]);
      }
    });

    test(`stores one request per API version (and per codec) in test/fixtures/golden/${c.dir}${UPDATE ? "" : " if none are stored"}`, () => {
      const { index, bytes } = selectFixtures(c, proxy.frames);
      expect(index.length).toBeGreaterThan(0);
      if (UPDATE || !hasGolden(c.dir)) writeGolden(c.dir, { client: c.description, frames: index }, bytes);
      expect(hasGolden(c.dir)).toBe(true);
    });
  });
}
