// DescribeConfigs (key 32), v0–4. v0 reports isDefault, v1+ configSource and (when asked)
// synonyms; v3+ configType and (when asked) documentation.
// TOPIC: every topic config (or the requested ones; unknown names are left out, as Kafka does).
// BROKER: this broker's settings, read-only and STATIC_BROKER_CONFIG; the cluster-default
// resource (empty name) lists only dynamic cluster-wide defaults, as Kafka does: there are none.
// BROKER_LOGGER: the root logger at LOG_LEVEL, read-only (Kafka lists every log4j logger).
// Authorization: DESCRIBE_CONFIGS on the topic (TOPIC_AUTHORIZATION_FAILED) or, for BROKER and
// BROKER_LOGGER, on the cluster (CLUSTER_AUTHORIZATION_FAILED), per resource (configs/authorize.ts).
// Deviation: an unknown resource type fails that resource only (Kafka fails the whole request).

import { AclOperation } from "../auth/authorizer.ts";
import type { Broker } from "../broker.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { DescribeConfigsApi, type DescribeConfigsRequest, type DescribeConfigsRequestDescribeConfigsResource, type DescribeConfigsResponse, type DescribeConfigsResponseDescribeConfigsResourceResult, type DescribeConfigsResponseDescribeConfigsResult } from "../protocol/generated/describe-configs.ts";
import { brokerConfigEntries } from "../topics/broker-config-entries.ts";
import { type ConfigEntry, CONFIG_TYPE_IDS, ConfigSource, ResourceType, brokerNameProblem, topicConfigEntries } from "../topics/config-entries.ts";
import { topicNameProblem } from "../topics/names.ts";
import { configsRefusal } from "./configs/authorize.ts";
import { defineHandler } from "./handler.ts";

type Resource = DescribeConfigsRequestDescribeConfigsResource;
type Outcome = { entries: ConfigEntry[] } | { errorCode: number; errorMessage: string };

function rootLogger(broker: Broker): ConfigEntry {
  const value = broker.config.logLevel.toUpperCase();
  return {
    name: "root",
    value,
    readOnly: true,
    source: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG,
    isSensitive: false,
    synonyms: [],
    configType: CONFIG_TYPE_IDS.STRING,
    documentation: "The broker's log level (LOG_LEVEL).",
  };
}

async function describe(broker: Broker, resource: Resource): Promise<Outcome> {
  const name = resource.resourceName;
  switch (resource.resourceType) {
    case ResourceType.TOPIC: {
      const problem = topicNameProblem(name);
      if (problem !== null) return { errorCode: ErrorCodes.INVALID_TOPIC_EXCEPTION, errorMessage: problem };
      const topic = await broker.engine.getTopic(name);
      if (topic === null) return { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${name} does not exist.` };
      return { entries: topicConfigEntries(broker.config, topic.configs) };
    }
    case ResourceType.BROKER: {
      if (name === "") return { entries: [] };
      const problem = brokerNameProblem(broker.config.nodeId, name);
      return problem === null ? { entries: brokerConfigEntries(broker) } : { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: problem };
    }
    case ResourceType.BROKER_LOGGER: {
      const problem = name === "" ? "Broker id must not be empty" : brokerNameProblem(broker.config.nodeId, name);
      return problem === null ? { entries: [rootLogger(broker)] } : { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: problem };
    }
    default:
      return { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: `Unsupported resource type: ${resource.resourceType}` };
  }
}

function toResult(entry: ConfigEntry, request: DescribeConfigsRequest): DescribeConfigsResponseDescribeConfigsResourceResult {
  return {
    name: entry.name,
    value: entry.isSensitive ? null : entry.value,
    readOnly: entry.readOnly,
    isDefault: entry.source === ConfigSource.DEFAULT_CONFIG,
    configSource: entry.source,
    isSensitive: entry.isSensitive,
    synonyms: request.includeSynonyms ? entry.synonyms.map((s) => ({ ...s, value: entry.isSensitive ? null : s.value })) : [],
    configType: entry.configType,
    documentation: request.includeDocumentation ? entry.documentation : null,
  };
}

export default defineHandler<DescribeConfigsRequest, DescribeConfigsResponse>({
  api: DescribeConfigsApi,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const { broker } = ctx;
    const results = await Promise.all(
      request.resources.map(async (resource): Promise<DescribeConfigsResponseDescribeConfigsResult> => {
        const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
        const outcome = configsRefusal(ctx, AclOperation.DESCRIBE_CONFIGS, resource) ?? (await describe(broker, resource));
        if ("errorCode" in outcome) return { ...base, ...outcome, configs: [] };
        const keys = resource.configurationKeys;
        const wanted = keys === null || keys.length === 0 ? outcome.entries : outcome.entries.filter((e) => keys.includes(e.name));
        return { ...base, errorCode: ErrorCodes.NONE, errorMessage: null, configs: wanted.map((e) => toResult(e, request)) };
      }),
    );
    return { throttleTimeMs: 0, results };
  },
});
