// IncrementalAlterConfigs' operations on one topic's configs, checked as Kafka's controller
// checks them, turned into the changes Engine.alterTopicConfigs applies (null removes).

import type { BrokerConfig } from "../config.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { defaultValue, topicConfigSpec, validateTopicConfig } from "./configs.ts";

/** Kafka's AlterConfigOp.OpType ids. */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

const OP_NAMES = ["SET", "DELETE", "APPEND", "SUBTRACT"] as const;

export interface AlterableConfig {
  name: string;
  configOperation: number;
  value: string | null;
}

export type Failure = { errorCode: number; errorMessage: string };
export type AlterOutcome = { changes: Record<string, string | null> } | Failure;

/** Checks every resource kind shares: each key once, a value for every operation but DELETE. */
export function operationsProblem(ops: readonly AlterableConfig[]): Failure | null {
  if (new Set(ops.map((o) => o.name)).size !== ops.length) return { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: "Error due to duplicate config keys" };
  const unknown = ops.find((o) => OP_NAMES[o.configOperation] === undefined);
  if (unknown !== undefined) return { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: `Unknown operation type ${unknown.configOperation} for ${unknown.name}` };
  const nulls = ops.filter((o) => o.configOperation !== AlterConfigOp.DELETE && o.value === null).map((o) => o.name);
  if (nulls.length > 0) return { errorCode: ErrorCodes.INVALID_REQUEST, errorMessage: `Null value not supported for : ${nulls.join(", ")}` };
  return null;
}

function listParts(value: string): string[] {
  return value.split(",").filter((p) => p !== "");
}

/**
 * The new value of one key, or why not. DELETE of a key the topic does not set (or Kafka does
 * not know) changes nothing and succeeds, as in Kafka. APPEND and SUBTRACT work on the effective
 * value (the topic's own, else the default) and only for LIST configs.
 */
function newValue(broker: BrokerConfig, explicit: Readonly<Record<string, string>>, op: AlterableConfig): { value: string | null } | Failure {
  if (op.configOperation === AlterConfigOp.DELETE) return { value: null };
  const given = op.value ?? "";
  let value = given;
  if (op.configOperation === AlterConfigOp.APPEND || op.configOperation === AlterConfigOp.SUBTRACT) {
    const spec = topicConfigSpec(op.name);
    if (spec === undefined) return { errorCode: ErrorCodes.INVALID_CONFIG, errorMessage: `unknown topic config ${op.name}` };
    const opName = OP_NAMES[op.configOperation] ?? "APPEND";
    if (spec.type !== "LIST") return { errorCode: ErrorCodes.INVALID_CONFIG, errorMessage: `Can't ${opName} to key ${op.name} because its type is not LIST.` };
    const parts = listParts(explicit[op.name] ?? defaultValue(spec, broker));
    const operands = listParts(given);
    if (op.configOperation === AlterConfigOp.SUBTRACT) value = parts.filter((p) => !operands.includes(p)).join(",");
    else value = [...new Set([...parts, ...operands])].join(",");
  }
  const problem = validateTopicConfig(op.name, value);
  return problem === null ? { value } : { errorCode: ErrorCodes.INVALID_CONFIG, errorMessage: problem };
}

/** The changes a list of operations makes to a topic whose explicit configs are `explicit`. */
export function topicConfigChanges(broker: BrokerConfig, explicit: Readonly<Record<string, string>>, ops: readonly AlterableConfig[]): AlterOutcome {
  const problem = operationsProblem(ops);
  if (problem !== null) return problem;
  const changes: Record<string, string | null> = {};
  for (const op of ops) {
    const next = newValue(broker, explicit, op);
    if ("errorCode" in next) return next;
    changes[op.name] = next.value;
  }
  return { changes };
}
