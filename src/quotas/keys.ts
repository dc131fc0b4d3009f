// The client quota keys of user and client-id entities (Kafka's QuotaConfigs) that this broker
// enforces, and the values AlterClientQuotas accepts for them.

export const PRODUCER_BYTE_RATE = "producer_byte_rate";
export const CONSUMER_BYTE_RATE = "consumer_byte_rate";
export const REQUEST_PERCENTAGE = "request_percentage";

export type QuotaKey = typeof PRODUCER_BYTE_RATE | typeof CONSUMER_BYTE_RATE | typeof REQUEST_PERCENTAGE;

/** Byte rates are Kafka LONG configs: whole numbers. request_percentage is a DOUBLE. */
const WHOLE: Readonly<Record<QuotaKey, boolean>> = {
  [PRODUCER_BYTE_RATE]: true,
  [CONSUMER_BYTE_RATE]: true,
  [REQUEST_PERCENTAGE]: false,
};

const isQuotaKey = (key: string): key is QuotaKey => Object.hasOwn(WHOLE, key);

/** Why `value` cannot be set for `key`, or null. */
export function quotaValueProblem(key: string, value: number): string | null {
  if (key === "controller_mutation_rate") return `Configuration ${key} is not supported by this broker`;
  if (!isQuotaKey(key)) return `Invalid configuration key ${key}`;
  if (!Number.isFinite(value)) return `Configuration ${key} must be a number`;
  if (value <= 0) return `Configuration ${key} must be greater than 0`;
  if (WHOLE[key] && !Number.isSafeInteger(value)) return `Configuration ${key} must be a Long value`;
  return null;
}
