// DeleteTopics (key 20), v0–6. v0–5 name topics in topicNames; v6 names each by name or by id
// (never both). Unknown names answer UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID; a
// topic named twice (by name, by id, or once each way) answers INVALID_REQUEST and is kept.
// Results follow the request's order (Kafka shuffles them).
// Authorization, as Kafka's controller: DELETE on the cluster allows every topic; otherwise a topic
// named without DESCRIBE on it answers TOPIC_AUTHORIZATION_FAILED whether or not it exists, and one
// without DELETE answers it too (named by id, its name is shown only with DESCRIBE).

import { AclOperation, CLUSTER_NAME, ResourceType, allowed } from "../auth/authorizer.ts";
import type { Broker } from "../broker.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { DeleteTopicsApi, type DeleteTopicsRequest, type DeleteTopicsResponse, type DeleteTopicsResponseDeletableTopicResult } from "../protocol/generated/delete-topics.ts";
import { ZERO_UUID } from "../protocol/primitives.ts";
import type { TopicInfo } from "../storage/engine.ts";
import { defineHandler, type RequestContext } from "./handler.ts";

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

/** The topic when the sender may delete it, else the answer (lookup's for a describable name it cannot find). */
async function authorizedLookup(ctx: RequestContext, t: Target): Promise<TopicInfo | Result> {
  const everyTopic = allowed(ctx, AclOperation.DELETE, ResourceType.CLUSTER, CLUSTER_NAME);
  const may = (operation: AclOperation, name: string) => everyTopic || allowed(ctx, operation, ResourceType.TOPIC, name);
  const refused = (name: string | null) => answer({ name, topicId: t.topicId }, ErrorCodes.TOPIC_AUTHORIZATION_FAILED, "Topic authorization failed.");
  if (t.name !== null && !may(AclOperation.DESCRIBE, t.name)) return refused(t.name);
  const found = await lookup(ctx.broker, t);
  if ("errorCode" in found || may(AclOperation.DELETE, found.name)) return found;
  return refused(t.name !== null || may(AclOperation.DESCRIBE, found.name) ? found.name : null);
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
  async handle(request, ctx) {
    const { broker, apiVersion } = ctx;
    const targets: Target[] = apiVersion >= 6 ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const counts = new Map<string, number>();
    for (const t of targets) counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
    const unique = [...new Map(targets.map((t) => [key(t), t])).values()];
    const found = await Promise.all(
      unique.map(async (t) => {
        const problem = requestProblem(t, counts);
        return { t, found: problem === null ? await authorizedLookup(ctx, t) : answer(t, ErrorCodes.INVALID_REQUEST, problem) };
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
