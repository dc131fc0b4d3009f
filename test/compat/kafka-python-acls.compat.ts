// kafka-python 2.0.2's create_acls, describe_acls and delete_acls (CreateAcls, DescribeAcls and
// DeleteAcls v1) against a broker with --authorizer acl, and describe_acls against one without an
// authorizer (SecurityDisabledError, as from Kafka).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { startBroker, type TestBroker } from "../support/broker.ts";
import { PYTHON } from "./support/python.ts";
import { runOk } from "./support/run.ts";

const SCRIPT = join(import.meta.dir, "python", "kafka_python_acls.py");

async function acls<T>(command: string, args: object): Promise<T> {
  const { stdout } = await runOk([PYTHON, SCRIPT, command, JSON.stringify(args)], { timeoutMs: 60_000 });
  return JSON.parse(stdout.trimEnd().split("\n").pop() ?? "") as T;
}

interface Created {
  succeeded: string[];
  failed: [string, string][];
}
interface Described {
  acls: string[];
  error: string;
}
interface Deleted {
  results: { deleted: string[]; error: string }[];
}

describe("kafka-python ACL admin against --authorizer acl", () => {
  let broker: TestBroker;
  beforeAll(async () => {
    // with no ACL on the cluster yet, the anonymous client may manage ACLs
    broker = await startBroker(["--authorizer", "acl", "--allow-everyone-if-no-acl-found"]);
  });
  afterAll(async () => {
    expect(await broker.stop()).toBe(0);
  });

  test("create_acls stores valid bindings and reports Kafka's refusals per binding", async () => {
    const created = await acls<Created>("create", {
      bootstrap: broker.bootstrap,
      acls: [
        { type: "TOPIC", name: "orders", principal: "User:alice", operation: "READ", permission: "ALLOW" },
        { type: "TOPIC", name: "orders-", pattern: "PREFIXED", principal: "User:bob", operation: "WRITE", permission: "DENY" },
        { type: "GROUP", name: "billing", principal: "User:alice", operation: "READ", permission: "ALLOW" },
        { type: "CLUSTER", name: "not-the-cluster", principal: "User:alice", operation: "ALTER", permission: "ALLOW" },
        { type: "TOPIC", name: "orders", principal: "alice", operation: "READ", permission: "ALLOW" },
      ],
    });
    expect(created.succeeded).toEqual(["TOPIC orders/LITERAL User:alice READ ALLOW", "TOPIC orders-/PREFIXED User:bob WRITE DENY", "GROUP billing/LITERAL User:alice READ ALLOW"]);
    expect(created.failed).toEqual([
      ["CLUSTER not-the-cluster/LITERAL User:alice ALTER ALLOW", "InvalidRequestError"],
      ["TOPIC orders/LITERAL alice READ ALLOW", "InvalidRequestError"],
    ]);
  });

  test("describe_acls filters by resource, pattern (MATCH included) and principal", async () => {
    const all = await acls<Described>("describe", { bootstrap: broker.bootstrap, filter: {} });
    expect(all).toEqual({ error: "NoError", acls: ["GROUP billing/LITERAL User:alice READ ALLOW", "TOPIC orders-/PREFIXED User:bob WRITE DENY", "TOPIC orders/LITERAL User:alice READ ALLOW"] });
    const matching = await acls<Described>("describe", { bootstrap: broker.bootstrap, filter: { type: "TOPIC", name: "orders-eu", pattern: "MATCH" } });
    expect(matching.acls).toEqual(["TOPIC orders-/PREFIXED User:bob WRITE DENY"]);
    const alices = await acls<Described>("describe", { bootstrap: broker.bootstrap, filter: { principal: "User:alice", type: "TOPIC" } });
    expect(alices.acls).toEqual(["TOPIC orders/LITERAL User:alice READ ALLOW"]);
  });

  test("delete_acls removes what each filter matches and lists it", async () => {
    const deleted = await acls<Deleted>("delete", { bootstrap: broker.bootstrap, filters: [{ type: "TOPIC", pattern: "PREFIXED" }, { type: "GROUP", name: "nothing" }] });
    expect(deleted.results).toEqual([
      { deleted: ["TOPIC orders-/PREFIXED User:bob WRITE DENY"], error: "NoError" },
      { deleted: [], error: "NoError" },
    ]);
    const left = await acls<Described>("describe", { bootstrap: broker.bootstrap, filter: {} });
    expect(left.acls).toEqual(["GROUP billing/LITERAL User:alice READ ALLOW", "TOPIC orders/LITERAL User:alice READ ALLOW"]);
  });
});

test("describe_acls without an authorizer raises SecurityDisabledError", async () => {
  const broker = await startBroker([]);
  try {
    expect(await acls<Described>("describe", { bootstrap: broker.bootstrap, filter: {} })).toEqual({ acls: [], error: "SecurityDisabledError" });
  } finally {
    expect(await broker.stop()).toBe(0);
  }
});
