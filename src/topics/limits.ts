// Bounds on what one admin request may create, so a single request cannot exhaust a broker.

/**
 * Kafka's controller refuses an operation that would write more than 10000 metadata records at
 * once (POLICY_VIOLATION, "Unable to perform excessively large batch operation."). We bound the
 * partitions one topic gains in one CreateTopics or CreatePartitions request the same way.
 */
export const MAX_NEW_PARTITIONS = 10_000;

export function tooManyPartitions(requested: number): string {
  return `Unable to perform excessively large batch operation: ${requested} new partitions, at most ${MAX_NEW_PARTITIONS} per topic and request.`;
}
