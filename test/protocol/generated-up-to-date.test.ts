import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateProtocol } from "../../scripts/generate-protocol.ts";

const specDir = process.env.KAFKA_MESSAGES_DIR ?? join(import.meta.dir, "../../../shared/kafka-protocol/messages");
const committedDir = join(import.meta.dir, "../../src/protocol/generated");
const committedSchema = join(import.meta.dir, "../fixtures/protocol-schema.json");

// The spec directory sits beside the repository on developers' machines and in CI; a plain clone
// without it has nothing to compare against.
test.if(existsSync(specDir))("committed generated code matches a fresh generation from the spec", () => {
  const out = mkdtempSync(join(tmpdir(), "tansu-gen-"));
  try {
    const schema = join(out, "schema.json");
    generateProtocol(specDir, join(out, "generated"), schema);
    const fresh = readdirSync(join(out, "generated")).sort();
    expect(readdirSync(committedDir).sort()).toEqual(fresh);
    for (const f of fresh) {
      expect(readFileSync(join(committedDir, f), "utf8"), f).toBe(readFileSync(join(out, "generated", f), "utf8"));
    }
    expect(readFileSync(committedSchema, "utf8")).toBe(readFileSync(schema, "utf8"));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
