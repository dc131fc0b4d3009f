// Where everything lives in the bucket (see docs/s3-layout.md). Immutable objects carry their
// creation time in the name, so maintenance can list them in time order.

export class Keys {
  constructor(readonly prefix: string) {}

  topicsPrefix(): string {
    return `${this.prefix}topics/`;
  }

  topic(name: string): string {
    return `${this.topicsPrefix()}${encodeURIComponent(name)}.json`;
  }

  partitionsPrefix(): string {
    return `${this.prefix}partitions/`;
  }

  /** Everything stored for a topic id: indexes, data and segments of all its partitions. */
  topicIdPrefix(topicId: string): string {
    return `${this.partitionsPrefix()}${topicId}/`;
  }

  partitionPrefix(topicId: string, partition: number): string {
    return `${this.topicIdPrefix(topicId)}${partition}/`;
  }

  index(topicId: string, partition: number): string {
    return `${this.partitionPrefix(topicId, partition)}index.json`;
  }

  producerIdCounter(): string {
    return `${this.prefix}producers/next-id.json`;
  }

  idempotentProducer(producerId: number): string {
    return `${this.prefix}producers/idempotent/${producerId}.json`;
  }

  transactionsPrefix(): string {
    return `${this.prefix}transactions/`;
  }

  transaction(transactionalId: string): string {
    return `${this.transactionsPrefix()}${encodeURIComponent(transactionalId)}.json`;
  }

  transactionalId(key: string): string {
    return decodeURIComponent(key.slice(this.transactionsPrefix().length, -".json".length));
  }

  groupsPrefix(): string {
    return `${this.prefix}groups/`;
  }

  group(groupId: string): string {
    return `${this.groupsPrefix()}${encodeURIComponent(groupId)}.json`;
  }

  groupId(key: string): string {
    return decodeURIComponent(key.slice(this.groupsPrefix().length, -".json".length));
  }

  clientQuotas(): string {
    return `${this.prefix}quotas/client-quotas.json`;
  }

  scramCredentials(): string {
    return `${this.prefix}security/scram-credentials.json`;
  }

  acls(): string {
    return `${this.prefix}security/acls.json`;
  }

  probe(): string {
    return `${this.prefix}.tansu/probe-${crypto.randomUUID()}`;
  }
}

const TIME_DIGITS = 13;

function uniqueName(now: number): string {
  return `${String(now).padStart(TIME_DIGITS, "0")}-${crypto.randomUUID()}`;
}

/** A new data object's name, relative to its partition's prefix. */
export function newDataName(now = Date.now()): string {
  return `data/${uniqueName(now)}`;
}

/** A new segment's name, relative to its partition's prefix. */
export function newSegmentName(now = Date.now()): string {
  return `segments/${uniqueName(now)}.json`;
}

/** Creation time (ms) written into an immutable object's name; NaN for other keys. */
export function createdAt(key: string): number {
  const name = key.slice(key.lastIndexOf("/") + 1);
  return /^\d{13}-/.test(name) ? Number(name.slice(0, TIME_DIGITS)) : Number.NaN;
}

/** The smallest key of `prefix` created at or after `time` (for ListObjectsV2 start-after). */
export function keyBefore(prefix: string, time: number): string {
  return `${prefix}${String(Math.max(0, time)).padStart(TIME_DIGITS, "0")}`;
}
