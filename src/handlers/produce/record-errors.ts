// Produce's recordErrors (v8+): one entry per record that breaks a rule, batchIndex being the
// record's index in its batch, and the partition's errorMessage summing them up. Kafka lists every
// offending record, not just the first, and its summary shows at most three of them.

import type { ProduceResponseBatchIndexAndErrorMessage } from "../../protocol/generated/produce.ts";
import type { RecordFault, TimestampRules } from "../../protocol/records/index.ts";

const SHOWN = 3;

function describe(f: RecordFault, topic: string, rules: TimestampRules): string {
  switch (f.kind) {
    case "no-key":
      return `no key, and topic ${topic} is compacted (cleanup.policy)`;
    case "timestamp-out-of-range":
      return `timestamp ${f.timestamp} is outside [${rules.now - rules.beforeMaxMs}, ${rules.now + rules.afterMaxMs}] (message.timestamp.before.max.ms, message.timestamp.after.max.ms)`;
    case "producer-log-append-time":
      return "its batch claims LogAppendTime, which only the broker may set";
  }
}

export function recordErrors(faults: readonly RecordFault[], topic: string, rules: TimestampRules): ProduceResponseBatchIndexAndErrorMessage[] {
  return faults.map((f) => ({ batchIndex: f.batchIndex, batchIndexErrorMessage: describe(f, topic, rules) }));
}

export function summarize(errors: readonly ProduceResponseBatchIndexAndErrorMessage[], recordCount: number): string {
  const shown = errors.slice(0, SHOWN).map((e) => `record ${e.batchIndex}: ${e.batchIndexErrorMessage}`);
  if (errors.length > SHOWN) shown.push(`${errors.length - SHOWN} more`);
  return `${errors.length} of ${recordCount} records rejected; ${shown.join("; ")}`;
}
