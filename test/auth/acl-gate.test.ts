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
  const handlers = handlerRegistry(untilAclsLoaded(loaded));
  const broker = { ...testBroker(), handlers };
  const ctx = (apiKey: number) => ({ broker, header: { apiKey, apiVersion: 0, correlationId: 1, clientId: "t" }, apiVersion: 0, signal: new AbortController().signal, inOrder: atOnce });

  const versions = (await (await handlers.load(ApiVersionsApi.apiKey))!.handle({ clientSoftwareName: "", clientSoftwareVersion: "" }, ctx(ApiVersionsApi.apiKey))) as ApiVersionsResponse;
  expect(versions.apiKeys.length).toBe(handlers.entries().length);

  let answered = false;
  const describeCluster = (await handlers.load(DescribeClusterApi.apiKey))!;
  const cluster = Promise.resolve(describeCluster.handle({ includeClusterAuthorizedOperations: false, endpointType: 1 }, ctx(DescribeClusterApi.apiKey))).then((r) => {
    answered = true;
    return r as DescribeClusterResponse;
  });
  await Bun.sleep(20);
  expect(answered).toBe(false);
  markLoaded();
  expect((await cluster).brokers).toHaveLength(1);
  const plain = handlerRegistry();
  for (const { apiKey } of plain.entries()) {
    const [gated, own] = [(await handlers.load(apiKey))!, (await plain.load(apiKey))!];
    expect([gated.ordered, gated.serial, gated.maxVersion]).toEqual([own.ordered, own.serial, own.maxVersion]);
  }
});
