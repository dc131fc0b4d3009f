// The API table says, without loading them, what each handler says of itself.

import { expect, test } from "bun:test";
import { API_TABLE } from "../../src/handlers/table.ts";

test("each table entry has its handler's API key, versions and ordering flags, in key order", async () => {
  for (const entry of API_TABLE) {
    const { default: h } = await entry.load();
    const flags = (x: { serial?: boolean; ordered?: boolean; largeResponses?: boolean }) => [x.serial === true, x.ordered === true, x.largeResponses === true];
    expect([h.api.apiKey, h.minVersion, h.maxVersion, ...flags(h)]).toEqual([entry.apiKey, entry.minVersion, entry.maxVersion, ...flags(entry)]);
  }
  const keys = API_TABLE.map((e) => e.apiKey);
  expect(keys).toEqual([...keys].sort((a, b) => a - b));
});
