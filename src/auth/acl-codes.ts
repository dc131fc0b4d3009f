// Kafka's codes for ACL bindings and filters beyond the ones authorizer.ts names for checks: the
// ANY and MATCH values filters use, pattern types, permissions, and the names Kafka's messages
// give each code.

/** The filter value of resource type, pattern type, operation and permission that matches every code. */
export const ANY = 1;

export const PatternType = { ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;

export const AclPermissionType = { ANY: 1, DENY: 2, ALLOW: 3 } as const;

/** A LITERAL resource name, principal name or host that stands for every one. */
export const WILDCARD = "*";

/** The principal every principal matches. */
export const WILDCARD_PRINCIPAL = "User:*";

const RESOURCE_TYPE_NAMES = ["UNKNOWN", "ANY", "TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID", "DELEGATION_TOKEN", "USER"];
const PATTERN_TYPE_NAMES = ["UNKNOWN", "ANY", "MATCH", "LITERAL", "PREFIXED"];
const OPERATION_NAMES = [
  "UNKNOWN",
  "ANY",
  "ALL",
  "READ",
  "WRITE",
  "CREATE",
  "DELETE",
  "ALTER",
  "DESCRIBE",
  "CLUSTER_ACTION",
  "DESCRIBE_CONFIGS",
  "ALTER_CONFIGS",
  "IDEMPOTENT_WRITE",
  "CREATE_TOKENS",
  "DESCRIBE_TOKENS",
];
const PERMISSION_NAMES = ["UNKNOWN", "ANY", "DENY", "ALLOW"];

// Kafka reads a code it does not know as UNKNOWN (0)
const named = (names: readonly string[]) => (code: number) => names[code] ?? "UNKNOWN";

export const resourceTypeName = named(RESOURCE_TYPE_NAMES);
export const patternTypeName = named(PATTERN_TYPE_NAMES);
export const operationName = named(OPERATION_NAMES);
export const permissionName = named(PERMISSION_NAMES);
