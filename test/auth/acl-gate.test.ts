// Until the authorizer has first read the ACLs, requests other than ApiVersions wait for it.

import { expect, test } from "bun:test";
import { untilAclsLoaded } from "../../src/auth/acl-gate.ts";
import { atOnce } from "../../src/handlers/handler.ts";
import { handlerRegistry } from "../../src/handlers/index.ts";
import { ApiVersionsApi, DescribeClusterApi, type ApiVersionsResponse, type DescribeClusterResponse } from "../../src/protocol/generated/index.ts";
import { testBroker } from "../handlers/broker.ts";

test("ApiVersions answers at once; other APIs once the ACLs are loaded, keeping their handler's properties", async () => {
  let markLoaded = () => {};
  const loaded = new Promise<void>((resolve) => (markLoaded = resolve));
  const handlers = untilAclsLoaded(handlerRegistry(), loaded);
  const broker = { ...testBroker(), handlers };
  const ctx = (apiKey: number) => ({ broker, header: { apiKey, apiVersion: 0, correlationId: 1, clientId: "t" }, apiVersion: 0, signal: new AbortController().signal, inOrder: atOnce });

  const versions = (await handlers.get(ApiVersionsApi.apiKey)!.handle({ clientSoftwareName: "", clientSoftwareVersion: "" }, ctx(ApiVersionsApi.apiKey))) as ApiVersionsResponse;
  expect(versions.apiKeys.length).toBe(handlers.size);

  let answered = false;
  const cluster = Promise.resolve(handlers.get(DescribeClusterApi.apiKey)!.handle({ includeClusterAuthorizedOperations: false, endpointType: 1 }, ctx(DescribeClusterApi.apiKey))).then((r) => {
    answered = true;
    return r as DescribeClusterResponse;
  });
  await Bun.sleep(20);
  expect(answered).toBe(false);
  markLoaded();
  expect((await cluster).brokers).toHaveLength(1);
  for (const [key, h] of handlerRegistry()) expect([handlers.get(key)?.ordered, handlers.get(key)?.serial, handlers.get(key)?.maxVersion]).toEqual([h.ordered, h.serial, h.maxVersion]);
});
