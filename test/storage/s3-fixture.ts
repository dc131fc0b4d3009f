// Conformance fixtures for the S3 engine: every case gets a fresh prefix in one bucket, and
// openSecond opens another engine over the same prefix (another broker).

import { createLogger } from "../../src/log.ts";
import type { Engine } from "../../src/storage/engine.ts";
import { openS3Engine, type S3Engine, type S3Tuning } from "../../src/storage/s3/index.ts";
import type { EngineFixture } from "./conformance.ts";

export interface S3Target {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export function s3Env(target: S3Target): Record<string, string> {
  return {
    AWS_ENDPOINT: target.endpoint,
    AWS_ALLOW_HTTP: "true",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: target.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
    LOG_LEVEL: "error",
  };
}

let fixtures = 0;

export function uniquePrefix(label: string): string {
  return `${label}-${Date.now().toString(36)}-${(++fixtures).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

export function openS3(target: S3Target, prefix: string, tuning: Partial<S3Tuning> = {}): Promise<S3Engine> {
  // Probe failures under injected faults are retried; their log lines are noise here.
  const log = createLogger("error", () => {});
  return openS3Engine(new URL(`s3://${target.bucket}/${prefix}`), { env: s3Env(target), tuning: { maintenanceIntervalMs: 0, ...tuning }, log });
}

export async function s3Fixture(target: S3Target, tuning: Partial<S3Tuning> = {}): Promise<EngineFixture> {
  const prefix = uniquePrefix("conformance");
  const engines: Engine[] = [await openS3(target, prefix, tuning)];
  const [engine] = engines as [Engine];
  return {
    engine,
    openSecond: async () => {
      const second = await openS3(target, prefix, tuning);
      engines.push(second);
      return second;
    },
    async cleanup() {
      await Promise.all(engines.map((e) => e.close()));
    },
  };
}
