// CreateTopics' manual replica assignment. Every broker leads every partition and storage keeps
// the replicas, so an assignment of one replica per partition (any broker id) is a partition
// count; more replicas than the one broker clients see is INVALID_REPLICATION_FACTOR, as a
// one-broker Kafka cluster answers.

import { ErrorCodes } from "../protocol/errors.ts";
import type { CreateTopicsRequestCreatableReplicaAssignment } from "../protocol/generated/create-topics.ts";

export type AssignmentCheck = { ok: true; partitionCount: number } | { ok: false; errorCode: number; errorMessage: string };

const refuse = (errorCode: number, errorMessage: string): AssignmentCheck => ({ ok: false, errorCode, errorMessage });

export function checkReplicaAssignment(assignments: readonly CreateTopicsRequestCreatableReplicaAssignment[], numPartitions: number, replicationFactor: number): AssignmentCheck {
  if (numPartitions !== -1 || replicationFactor !== -1) {
    return refuse(ErrorCodes.INVALID_REQUEST, "Both numPartitions or replicationFactor and replicasAssignments were set; set numPartitions and replicationFactor to -1 with an assignment.");
  }
  const sorted = [...assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
  for (const [i, a] of sorted.entries()) {
    if (a.partitionIndex !== i) return refuse(ErrorCodes.INVALID_REPLICA_ASSIGNMENT, `The assignment must name partitions 0 to ${assignments.length - 1} once each; partition ${a.partitionIndex} is out of place.`);
    if (a.brokerIds.length === 0) return refuse(ErrorCodes.INVALID_REPLICA_ASSIGNMENT, `Partition ${i} has an empty replica list.`);
    if (new Set(a.brokerIds).size !== a.brokerIds.length) return refuse(ErrorCodes.INVALID_REPLICA_ASSIGNMENT, `Partition ${i} names a broker more than once: ${a.brokerIds.join(",")}.`);
    if (a.brokerIds.some((id) => id < 0)) return refuse(ErrorCodes.INVALID_REPLICA_ASSIGNMENT, `Partition ${i} names a negative broker id: ${a.brokerIds.join(",")}.`);
    if (a.brokerIds.length > 1) return refuse(ErrorCodes.INVALID_REPLICATION_FACTOR, `Partition ${i} asks for ${a.brokerIds.length} replicas, larger than the 1 available broker.`);
  }
  return { ok: true, partitionCount: assignments.length };
}
