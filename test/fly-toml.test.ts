// fly.toml says what the README promises: a private TCP service on 9092 that scales to zero, a
// health check on the admin port, a 256 MB machine, and [env] settings the broker accepts once
// Fly's environment (FLY_APP_NAME) and Tigris's secrets (BUCKET_NAME, AWS_*) are there.

import { expect, test } from "bun:test";
import { join } from "node:path";
import { brokerConfig } from "../src/config.ts";

const fly = Bun.TOML.parse(await Bun.file(join(import.meta.dir, "..", "fly.toml")).text()) as {
  build: { dockerfile: string };
  env: Record<string, string>;
  services: { protocol: string; internal_port: number; auto_stop_machines: string; auto_start_machines: boolean; min_machines_running: number; ports: { port: number; handlers?: string[] }[] }[];
  checks: Record<string, { type: string; port: number; path: string }>;
  vm: { memory: string }[];
};

test("a private Kafka service on 9092 that scales to zero, built from Dockerfile.scratch", () => {
  expect(fly.build.dockerfile).toBe("Dockerfile.scratch");
  expect(fly.services).toHaveLength(1);
  expect(fly.services[0]).toMatchObject({ protocol: "tcp", internal_port: 9092, auto_stop_machines: "stop", auto_start_machines: true, min_machines_running: 0, ports: [{ port: 9092 }] });
  expect(fly.services[0]!.ports[0]!.handlers).toBeUndefined();
  expect(Object.values(fly.checks)).toEqual([expect.objectContaining({ type: "http", port: 8080, path: "/health" })]);
  expect(fly.vm).toEqual([expect.objectContaining({ memory: "256mb" })]);
});

test("[env] gives a valid broker configuration on a Fly machine with a Tigris bucket", () => {
  const machine = { ...fly.env, FLY_APP_NAME: "tansu-demo", BUCKET_NAME: "tansu-demo-bucket" };
  const config = brokerConfig([], machine);
  expect(config.storageEngine.href).toBe("s3://tansu-demo-bucket");
  expect(config.advertisedListener).toEqual({ host: "tansu-demo.flycast", port: 9092 });
  expect(config.listener).toEqual({ host: "0.0.0.0", port: 9092 });
  expect(config.adminListener).toEqual({ host: "0.0.0.0", port: 8080 });
  expect(config.clusterId).toBe(fly.env.CLUSTER_ID!);
});
