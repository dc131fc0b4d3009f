// /ready follows the storage: 200 while PostgreSQL or S3 answers, 503 with the reason once it does
// not (the database dropped under the broker; the S3 server gone), and /health stays 200.

import { expect, test } from "bun:test";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { freshDatabase } from "../support/postgres.ts";
import { startS3Server } from "../support/s3-server/index.ts";

async function ready(broker: TestBroker): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${broker.adminUrl}/ready`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function expectUnready(broker: TestBroker): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = await ready(broker);
  while (last.status !== 503 && Date.now() < deadline) {
    await Bun.sleep(100);
    last = await ready(broker);
  }
  expect(last).toMatchObject({ status: 503, body: { status: "unavailable", reason: expect.any(String) } });
  expect(String(last.body.reason).length).toBeGreaterThan(0);
  expect((await fetch(`${broker.adminUrl}/health`)).status).toBe(200);
}

test("PostgreSQL: 503 once the database is gone", async () => {
  const db = await freshDatabase("admin_ready");
  const broker = await startBroker(["--storage-engine", db.url.href], {}, { admin: true });
  try {
    expect(await ready(broker)).toMatchObject({ status: 200, body: { status: "ready" } });
    await db.drop();
    await expectUnready(broker);
  } finally {
    await broker.kill("SIGKILL");
    await db.drop();
  }
}, 30_000);

test("S3: 503 once the S3 server is gone", async () => {
  const s3 = startS3Server({ buckets: ["ready"] });
  const broker = await startBroker(["--storage-engine", "s3://ready/tansu"], {
    AWS_ENDPOINT: s3.endpoint,
    AWS_ALLOW_HTTP: "true",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
  }, { admin: true });
  try {
    expect(await ready(broker)).toMatchObject({ status: 200, body: { status: "ready" } });
    await s3.stop();
    await expectUnready(broker);
  } finally {
    await broker.kill("SIGKILL");
  }
}, 30_000);
