// DeleteTopics (key 20), v0–6. v0–5 name topics in topicNames; v6 names each by name or by id
// (never both). Unknown names answer UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID; a
// topic named twice (by name, by id, or once each way) answers INVALID_REQUEST and is kept.
// Results follow the request's order (Kafka shuffles them).

import type { Broker } from "../broker.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import {
  DeleteTopicsApi,
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
  type DeleteTopicsResponseDeletableTopicResult,
} from "../protocol/generated/index.ts";
import { ZERO_UUID } from "../protocol/primitives.ts";
import type { TopicInfo } from "../storage/engine.ts";
import { defineHandler } from "./handler.ts";

type Result = DeleteTopicsResponseDeletableTopicResult;

interface Target {
  name: string | null;
  topicId: string;
}

function answer(t: Target, errorCode: number, errorMessage: string | null): Result {
  return { name: t.name, topicId: t.topicId, errorCode, errorMessage };
}

function key(t: Target): string {
  return t.name === null ? `id:${t.topicId}` : `name:${t.name}`;
}

/** The problem with a target on its own or as a repeat, or null when it can be looked up. */
function requestProblem(t: Target, counts: Map<string, number>): string | null {
  if (t.name === null && t.topicId === ZERO_UUID) return "Neither topic name nor id were specified.";
  if (t.name !== null && t.topicId !== ZERO_UUID) return "You may not specify both topic name and topic id.";
  if ((counts.get(key(t)) ?? 0) > 1) return t.name === null ? "Duplicate topic id." : "Duplicate topic name.";
  return null;
}

async function lookup(broker: Broker, t: Target): Promise<TopicInfo | Result> {
  if (t.name !== null) {
    const topic = await broker.engine.getTopic(t.name);
    return topic ?? answer(t, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${t.name} does not exist.`);
  }
  const topic = await broker.engine.getTopicById(t.topicId);
  return topic ?? answer(t, ErrorCodes.UNKNOWN_TOPIC_ID, `No topic has id ${t.topicId}.`);
}

async function remove(broker: Broker, t: Target, topic: TopicInfo): Promise<Result> {
  const deleted = await broker.engine.deleteTopic(topic.name);
  if (!deleted) return t.name === null ? answer(t, ErrorCodes.UNKNOWN_TOPIC_ID, `No topic has id ${t.topicId}.`) : answer(t, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${topic.name} does not exist.`);
  broker.log.info("deleted topic", { topic: topic.name });
  return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCodes.NONE, errorMessage: null };
}

export default defineHandler<DeleteTopicsRequest, DeleteTopicsResponse>({
  api: DeleteTopicsApi,
  minVersion: 0,
  maxVersion: 6,
  ordered: true,
  async handle(request, { broker, apiVersion }) {
    const targets: Target[] = apiVersion >= 6 ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const counts = new Map<string, number>();
    for (const t of targets) counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
    const unique = [...new Map(targets.map((t) => [key(t), t])).values()];
    const found = await Promise.all(
      unique.map(async (t) => {
        const problem = requestProblem(t, counts);
        return { t, found: problem === null ? await lookup(broker, t) : answer(t, ErrorCodes.INVALID_REQUEST, problem) };
      }),
    );
    const ids = new Map<string, number>();
    for (const { found: f } of found) if (!("errorCode" in f)) ids.set(f.topicId, (ids.get(f.topicId) ?? 0) + 1);
    const responses = await Promise.all(
      found.map(({ t, found: f }) => {
        if ("errorCode" in f) return f;
        if ((ids.get(f.topicId) ?? 0) > 1) return answer(t, ErrorCodes.INVALID_REQUEST, "The provided topic name maps to an ID that was already supplied.");
        return remove(broker, t, f);
      }),
    );
    return { throttleTimeMs: 0, responses };
  },
});
