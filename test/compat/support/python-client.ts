// A ClientUnderTest driven through one of the Python client scripts.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PYTHON, python, type Script } from "./python.ts";
import { run } from "./run.ts";
import { fromJsonLines, type RecordShape, toJsonLines } from "./records.ts";
import type { ClientUnderTest, OffsetsAnswer } from "./suite.ts";

interface ProduceResult {
  delivered: number;
  errors: string[];
  remaining: number;
}

export interface PythonClientOptions {
  name: string;
  script: Script;
  codecs: readonly string[];
  effectiveCodec?(codec: string): string;
  codecLabel?(codec: string): string;
  shape: RecordShape;
  brokerArgs: readonly string[];
  /** Python expression printing the client's version. */
  versionExpression: string;
  /** More producer settings (confluent-kafka only). */
  producerConfig?: Record<string, string | number | boolean>;
}

function scratch<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "tansu-compat-"));
  return use(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

export function pythonClient(o: PythonClientOptions): ClientUnderTest {
  return {
    name: o.name,
    shape: o.shape,
    codecs: o.codecs,
    ...(o.effectiveCodec === undefined ? {} : { effectiveCodec: o.effectiveCodec }),
    ...(o.codecLabel === undefined ? {} : { codecLabel: o.codecLabel }),
    brokerArgs: o.brokerArgs,
    async version() {
      const { stdout, stderr } = await run([PYTHON, "-c", `print(${o.versionExpression})`]);
      return stdout + stderr;
    },
    async createTopic(bootstrap, topic, partitions) {
      await python(o.script, "create", { bootstrap, topic, partitions });
    },
    produce: (bootstrap, run) =>
      scratch(async (dir) => {
        const records = join(dir, "records.jsonl");
        writeFileSync(records, toJsonLines(run.records));
        const result = await python<ProduceResult>(o.script, "produce", { bootstrap, topic: run.topic, records, codec: run.codec, acks: run.acks, config: o.producerConfig ?? {} });
        if (result.errors.length > 0 || result.remaining > 0) throw new Error(`${o.name} produce: ${result.remaining} undelivered, errors ${JSON.stringify(result.errors)}`);
        return { delivered: result.delivered };
      }),
    consume: (bootstrap, topic, partitions, expect) =>
      scratch(async (dir) => {
        const out = join(dir, "consumed.jsonl");
        await python(o.script, "consume", { bootstrap, topic, partitions, expect, out });
        return fromJsonLines(readFileSync(out, "utf8"));
      }),
    offsets: (bootstrap, topic, partitions, timestamps) => python<OffsetsAnswer>(o.script, "offsets", { bootstrap, topic, partitions, timestamps }),
    deleteWith: `${o.name}'s admin client`,
    async deleteTopic(bootstrap, topic) {
      await python(o.script, "delete", { bootstrap, topic });
    },
    async topics(bootstrap) {
      const { topics } = await python<{ topics: Record<string, number> }>(o.script, "topics", { bootstrap });
      return new Map(Object.entries(topics));
    },
  };
}
