// DescribeClientQuotas' filter (KIP-546): each component names an entity type and matches an exact
// name (0), the type's default entity (1) or any entity of that type (2). An entity matches when it
// has a part satisfying every component; with `strict` it must have no other parts. No components:
// every entity, or none when strict.

import { ErrorCodes } from "../protocol/errors.ts";
import type { ClientQuota } from "../storage/engine.ts";
import { CLIENT_ID, IP, USER } from "./entity.ts";

const EXACT = 0;
const DEFAULT = 1;
const ANY = 2;

export interface FilterComponent {
  entityType: string;
  matchType: number;
  match: string | null;
}

export type QuotaFilter = (quota: ClientQuota) => boolean;

export interface FilterProblem {
  errorCode: number;
  errorMessage: string;
}

const invalid = (errorMessage: string): FilterProblem => ({ errorCode: ErrorCodes.INVALID_REQUEST, errorMessage });

/** The components' filter, or the error Kafka answers for them. */
export function quotaFilter(components: readonly FilterComponent[], strict: boolean): QuotaFilter | FilterProblem {
  const exact = new Map<string, string | null>();
  const any = new Set<string>();
  for (const { entityType, matchType, match } of components) {
    if (entityType === "") return invalid("Invalid empty entity type.");
    if (exact.has(entityType) || any.has(entityType)) return invalid(`Entity type ${entityType} cannot appear more than once in the filter.`);
    if (entityType !== USER && entityType !== CLIENT_ID && entityType !== IP) {
      return { errorCode: ErrorCodes.UNSUPPORTED_VERSION, errorMessage: `Unsupported entity type ${entityType}` };
    }
    if (matchType === EXACT) {
      if (match === null) return invalid("Request specified MATCH_TYPE_EXACT, but set match string to null.");
      exact.set(entityType, match);
    } else if (matchType === DEFAULT || matchType === ANY) {
      if (match !== null) return invalid(`Request specified ${matchType === DEFAULT ? "MATCH_TYPE_DEFAULT" : "MATCH_TYPE_SPECIFIED"}, but also specified a match string.`);
      if (matchType === DEFAULT) exact.set(entityType, null);
      else any.add(entityType);
    } else {
      return invalid(`Unknown match type ${matchType}`);
    }
  }
  const named = (type: string) => exact.has(type) || any.has(type);
  if (named(IP) && (named(USER) || named(CLIENT_ID))) {
    return invalid("Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.");
  }
  if (components.length === 0) return () => !strict;
  return ({ entity }) => {
    if (strict && entity.length !== components.length) return false;
    for (const [type, name] of exact) if (!entity.some((p) => p.entityType === type && p.entityName === name)) return false;
    for (const type of any) if (!entity.some((p) => p.entityType === type)) return false;
    return true;
  };
}
