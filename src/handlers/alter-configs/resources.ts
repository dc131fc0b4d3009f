// Altering one resource's configs, shared by IncrementalAlterConfigs and AlterConfigs (which
// sends its "replace everything" as SET and DELETE operations).
// BROKER and BROKER_LOGGER: this broker's settings come from flags and the environment, so any
// change answers INVALID_REQUEST, as Kafka does for configs it cannot update dynamically.

import type { Broker } from "../../broker.ts";
import { ErrorCodes } from "../../protocol/errors.ts";
import { type AlterableConfig, operationsProblem, topicConfigChanges } from "../../topics/alter-configs.ts";
import { ResourceType, brokerNameProblem } from "../../topics/config-entries.ts";
import { topicNameProblem } from "../../topics/names.ts";

export interface Resource {
  resourceType: number;
  resourceName: string;
  configs: AlterableConfig[];
}

export interface Answer {
  errorCode: number;
  errorMessage: string | null;
}

const OK: Answer = { errorCode: ErrorCodes.NONE, errorMessage: null };

export function invalid(errorMessage: string): Answer {
  return { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage };
}

async function alterTopic(broker: Broker, resource: Resource, validateOnly: boolean): Promise<Answer> {
  const name = resource.resourceName;
  if (name === "") return invalid("Default topic resources are not allowed.");
  const nameProblem = topicNameProblem(name);
  if (nameProblem !== null) return { errorCode: ErrorCodes.INVALID_TOPIC_EXCEPTION, errorMessage: nameProblem };
  const topic = await broker.engine.getTopic(name);
  if (topic === null) return { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${name} does not exist.` };
  const outcome = topicConfigChanges(broker.config, topic.configs, resource.configs);
  if ("errorCode" in outcome) return outcome;
  if (validateOnly || Object.keys(outcome.changes).length === 0) return OK;
  const errorCode = await broker.engine.alterTopicConfigs(name, outcome.changes);
  if (errorCode === ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION) return { errorCode, errorMessage: `Topic ${name} does not exist.` };
  if (errorCode !== ErrorCodes.NONE) return { errorCode, errorMessage: `altering the configs of ${name} failed` };
  broker.log.info("altered topic configs", { topic: name, configs: Object.keys(outcome.changes).join(",") });
  return OK;
}

function alterStatic(broker: Broker, resource: Resource): Answer {
  const name = resource.resourceName;
  if (resource.resourceType === ResourceType.BROKER_LOGGER && name === "") return invalid("Broker id must not be empty");
  const nameProblem = name === "" ? null : brokerNameProblem(broker.config.nodeId, name);
  if (nameProblem !== null) return invalid(nameProblem);
  const problem = operationsProblem(resource.configs);
  if (problem !== null) return problem;
  if (resource.configs.length === 0) return OK;
  const how = resource.resourceType === ResourceType.BROKER_LOGGER ? "the log level is LOG_LEVEL" : "broker settings come from flags and the environment";
  return invalid(`Cannot update these configs dynamically: ${resource.configs.map((c) => c.name).join(", ")} (${how})`);
}

export async function alter(broker: Broker, resource: Resource, validateOnly: boolean): Promise<Answer> {
  switch (resource.resourceType) {
    case ResourceType.TOPIC:
      return alterTopic(broker, resource, validateOnly);
    case ResourceType.BROKER:
    case ResourceType.BROKER_LOGGER:
      return alterStatic(broker, resource);
    default:
      return invalid(`Unknown resource type ${resource.resourceType}`);
  }
}
