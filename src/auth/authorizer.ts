// What handlers ask before they act: may this principal, from this host, perform this operation on
// this resource? Codes are Kafka's (AclOperation, ResourceType), so ACL bindings compare directly.

export const ResourceType = { TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7 } as const;
export type ResourceType = (typeof ResourceType)[keyof typeof ResourceType];

export const AclOperation = {
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;
export type AclOperation = (typeof AclOperation)[keyof typeof AclOperation];

/** The one cluster resource's name in ACL bindings. */
export const CLUSTER_NAME = "kafka-cluster";

/** The principal of a client that has not authenticated (plaintext and TLS without a client certificate). */
export const ANONYMOUS_PRINCIPAL = "User:ANONYMOUS";

export interface Authorizer {
  /**
   * True when `principal` connecting from `host` may perform `operation` on the resource: a super
   * user always; otherwise a matching DENY refuses, else a matching ALLOW (or one implying the
   * operation) permits, else allow.everyone.if.no.acl.found decides when no binding names the resource.
   */
  authorize(principal: string, host: string, operation: AclOperation, resourceType: ResourceType, resourceName: string): boolean;
  /**
   * True when `principal` from `host` may perform `operation` on at least one resource of the type
   * (Kafka's authorizeByResourceType, KIP-679: an ALLOW no DENY covers).
   */
  authorizeByResourceType(principal: string, host: string, operation: AclOperation, resourceType: ResourceType): boolean;
  /** Re-reads the stored ACLs now (after this broker changed them); other brokers' changes arrive within the refresh interval. */
  refresh(): Promise<void>;
}

interface Asker {
  readonly broker: { readonly authorizer?: Authorizer };
  readonly principal?: string;
  readonly clientAddress?: string;
}

/** Whether the request's sender may do this; true when the broker has no authorizer. */
export function allowed(ctx: Asker, operation: AclOperation, resourceType: ResourceType, resourceName: string): boolean {
  const { authorizer } = ctx.broker;
  if (authorizer === undefined) return true;
  return authorizer.authorize(ctx.principal ?? ANONYMOUS_PRINCIPAL, ctx.clientAddress ?? "", operation, resourceType, resourceName);
}

/** Whether the request's sender may do this to some resource of the type; true when the broker has no authorizer. */
export function allowedOnAny(ctx: Asker, operation: AclOperation, resourceType: ResourceType): boolean {
  const { authorizer } = ctx.broker;
  if (authorizer === undefined) return true;
  return authorizer.authorizeByResourceType(ctx.principal ?? ANONYMOUS_PRINCIPAL, ctx.clientAddress ?? "", operation, resourceType);
}
