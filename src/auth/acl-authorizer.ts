// The ACL authorizer (--authorizer acl): the bindings in storage, shared by every broker over it,
// held in memory as an AclIndex and read again every --acl-refresh-interval-ms (and at once after
// this broker's CreateAcls and DeleteAcls). A failed read keeps the bindings held and is logged;
// checks never wait on storage. Super users (Kafka's super.users) are allowed everything.

import type { Logger } from "../log.ts";
import { every } from "../server/periodic.ts";
import type { Engine } from "../storage/engine.ts";
import { allowedOnSomeResource } from "./acl-by-type.ts";
import { decide, normalizeHost } from "./acl-decide.ts";
import { AclIndex } from "./acl-index.ts";
import type { AclOperation, Authorizer, ResourceType } from "./authorizer.ts";

export interface AclAuthorizerOptions {
  /** Principals (`User:name`) allowed everything. */
  readonly superUsers: readonly string[];
  /** Kafka's allow.everyone.if.no.acl.found: a resource no binding matches is open to all. */
  readonly allowEveryoneIfNoAclFound: boolean;
  readonly refreshIntervalMs: number;
}

/** Kafka's authorizeByResourceType first asks about a resource of this name (so super users, and
 * allow.everyone.if.no.acl.found when no binding matches it, pass at once). */
const PROBE_NAME = "hardcode";

export class StoredAclAuthorizer implements Authorizer {
  private index = new AclIndex([]);
  private readonly superUsers: ReadonlySet<string>;
  /** Refreshes are numbered as they start; an older one finishing last does not undo a newer. */
  private started = 0;
  private applied = 0;
  private stopTimer: (() => void) | null = null;
  private markLoaded: () => void = () => {};
  /** Settles once the bindings have been read from storage the first time. */
  readonly loaded: Promise<void>;

  constructor(
    private readonly engine: Pick<Engine, "acls">,
    private readonly log: Logger,
    private readonly options: AclAuthorizerOptions,
  ) {
    this.superUsers = new Set(options.superUsers);
    this.loaded = new Promise((resolve) => (this.markLoaded = resolve));
  }

  /** Reads the bindings now and then every refresh interval, until stop(). */
  start(): void {
    if (this.stopTimer !== null) return;
    this.stopTimer = every(this.options.refreshIntervalMs, "ACL refresh", this.log, () => this.refresh());
    this.refresh().catch((e: unknown) => this.log.warn("ACL refresh failed", { error: String(e) }));
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
  }

  async refresh(): Promise<void> {
    const ticket = ++this.started;
    const bindings = await this.engine.acls();
    if (ticket < this.applied) return;
    const first = this.applied === 0;
    this.applied = ticket;
    this.index = new AclIndex(bindings);
    if (first) {
      this.log.info("ACLs loaded", { count: bindings.length });
      this.markLoaded();
    }
  }

  authorize(principal: string, host: string, operation: AclOperation, resourceType: ResourceType, resourceName: string): boolean {
    if (this.superUsers.has(principal)) return true;
    const decision = decide(this.index.matching(resourceType, resourceName), principal, normalizeHost(host), operation);
    return decision === "allowed" || (decision === "no-acl" && this.options.allowEveryoneIfNoAclFound);
  }

  authorizeByResourceType(principal: string, host: string, operation: AclOperation, resourceType: ResourceType): boolean {
    if (this.authorize(principal, host, operation, resourceType, PROBE_NAME)) return true;
    return allowedOnSomeResource(this.index.ofType(resourceType), principal, normalizeHost(host), operation);
  }
}
