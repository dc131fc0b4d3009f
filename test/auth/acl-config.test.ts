// The authorizer's flags and their environment twins.

import { expect, test } from "bun:test";
import { brokerConfig } from "../../src/config.ts";

const config = (args: string[], env: Record<string, string> = {}) => brokerConfig(["--storage-engine", "memory://", ...args], env);

test("no authorizer by default", () => {
  expect(config([]).authorizer).toBeNull();
  expect(config(["--authorizer", "none"]).authorizer).toBeNull();
});

test("--authorizer acl with Kafka's defaults: no super users, nothing allowed without an ACL, read every second", () => {
  expect(config(["--authorizer", "acl"]).authorizer).toEqual({ superUsers: [], allowEveryoneIfNoAclFound: false, refreshIntervalMs: 1000 });
});

test("super users are ;-separated principals; the flag without a value allows everyone when no ACL is found", () => {
  const a = config(["--authorizer=acl", "--super-users", " User:admin ;User:ops;", "--allow-everyone-if-no-acl-found", "--acl-refresh-interval-ms", "250"]).authorizer;
  expect(a).toEqual({ superUsers: ["User:admin", "User:ops"], allowEveryoneIfNoAclFound: true, refreshIntervalMs: 250 });
});

test("environment twins", () => {
  const a = config([], { AUTHORIZER: "ACL", SUPER_USERS: "User:root", ALLOW_EVERYONE_IF_NO_ACL_FOUND: "true", ACL_REFRESH_INTERVAL_MS: "5000" }).authorizer;
  expect(a).toEqual({ superUsers: ["User:root"], allowEveryoneIfNoAclFound: true, refreshIntervalMs: 5000 });
});

test("clear errors", () => {
  expect(() => config(["--authorizer", "simple"])).toThrow('--authorizer: expected none or acl, got "simple"');
  expect(() => config(["--authorizer", "acl", "--super-users", "admin"])).toThrow('--super-users: "admin" is not a principal (use Type:name, e.g. User:admin)');
  expect(() => config(["--super-users", "User:admin"])).toThrow("--super-users is set but --authorizer is none (use acl)");
  expect(() => config(["--authorizer", "acl", "--acl-refresh-interval-ms", "0"])).toThrow("--acl-refresh-interval-ms");
});
