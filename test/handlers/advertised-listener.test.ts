// A client is told the advertised address of the listener it connected through, in every answer
// that names the broker; without a listener (a handler called directly) the broker's own.

import { expect, test } from "bun:test";
import type { Listener } from "../../src/broker.ts";
import { atOnce, type Handler, type RequestContext } from "../../src/handlers/handler.ts";
import { DescribeClusterApi, DescribeConfigsApi, FindCoordinatorApi, MetadataApi } from "../../src/protocol/generated/index.ts";
import type { ApiMessages } from "../../src/protocol/api.ts";
import { testBroker } from "./broker.ts";

const tls: Listener = { securityProtocol: "SSL", endpoint: { host: "0.0.0.0", port: 9093 }, advertised: { host: "secure.example", port: 19093 } };
const plain: Listener = { securityProtocol: "PLAINTEXT", endpoint: { host: "0.0.0.0", port: 9092 }, advertised: { host: "kafka.example", port: 9092 } };
const broker = { ...testBroker(["--node-id", "7"]), listeners: [plain, tls] };

async function handle<Req, Res>(api: ApiMessages<Req, Res>, version: number, request: Req, listener?: Listener): Promise<Res> {
  const handler = (await broker.handlers.load(api.apiKey)) as Handler<Req, Res>;
  const ctx: RequestContext = { broker, header: { apiKey: api.apiKey, apiVersion: version, correlationId: 1, clientId: "t" }, apiVersion: version, signal: new AbortController().signal, listener, inOrder: atOnce };
  const response = await handler.handle(request, ctx);
  if (response === null) throw new Error("no response");
  return response;
}

test("Metadata, FindCoordinator and DescribeCluster name the client's listener's advertised address", async () => {
  const metadata = await handle(MetadataApi, 12, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }, tls);
  expect(metadata.brokers).toEqual([{ nodeId: 7, host: "secure.example", port: 19093, rack: null }]);
  const coordinator = await handle(FindCoordinatorApi, 6, { key: "", keyType: 0, coordinatorKeys: ["g"] }, tls);
  expect(coordinator.coordinators).toEqual([{ key: "g", nodeId: 7, host: "secure.example", port: 19093, errorCode: 0, errorMessage: null }]);
  const legacy = await handle(FindCoordinatorApi, 3, { key: "g", keyType: 0, coordinatorKeys: [] }, tls);
  expect(legacy).toMatchObject({ nodeId: 7, host: "secure.example", port: 19093 });
  const cluster = await handle(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 }, tls);
  expect(cluster.brokers).toEqual([{ brokerId: 7, host: "secure.example", port: 19093, rack: null }]);
});

test("without a listener the broker's advertised address is answered", async () => {
  const metadata = await handle(MetadataApi, 12, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
  expect(metadata.brokers).toEqual([{ nodeId: 7, host: "kafka.example", port: 9092, rack: null }]);
});

test("DescribeConfigs' advertised.listeners lists every listener with its security protocol", async () => {
  const response = await handle(DescribeConfigsApi, 4, { resources: [{ resourceType: 4, resourceName: "7", configurationKeys: ["advertised.listeners"] }], includeSynonyms: false, includeDocumentation: false }, tls);
  expect(response.results[0]!.configs.map((c) => c.value)).toEqual(["PLAINTEXT://kafka.example:9092,SSL://secure.example:19093"]);
});
