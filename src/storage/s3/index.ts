// Opens the S3 engine. Loaded only when an s3:// URL is configured (the AWS SDK is large).

import { createLogger, type Logger } from "../../log.ts";
import type { LogLevel } from "../../config.ts";
import { S3Engine } from "./s3-engine.ts";
import { SdkObjectStore } from "./sdk-store.ts";
import { DEFAULT_TUNING, s3Settings, type Env, type S3Tuning } from "./settings.ts";

export type { S3Engine } from "./s3-engine.ts";
export type { S3Tuning } from "./settings.ts";

export interface S3EngineOptions {
  /** Where AWS_* settings come from (default: process.env). */
  env?: Env;
  /** Defaults under the URL's own parameters. */
  tuning?: Partial<S3Tuning>;
  log?: Logger;
}

const LEVELS: readonly LogLevel[] = ["error", "warn", "info", "debug"];

export async function openS3Engine(url: URL, options: S3EngineOptions = {}): Promise<S3Engine> {
  const env = options.env ?? process.env;
  const settings = s3Settings(url, env, { ...DEFAULT_TUNING, ...options.tuning });
  const level = LEVELS.find((l) => l === env.LOG_LEVEL) ?? "info";
  const engine = new S3Engine(settings, new SdkObjectStore(settings), options.log ?? createLogger(level));
  await engine.started();
  return engine;
}
