// The stored bindings arranged for checks: per resource type, LITERAL bindings by name and PREFIXED
// ones by prefix, with the distinct prefix lengths, so the bindings matching a resource name are a
// handful of map lookups (its own name, `*`, and its prefixes of those lengths) whatever the number
// of bindings. Hosts are normalized once here.

import type { AclBinding } from "../storage/engine.ts";
import { PatternType, WILDCARD } from "./acl-codes.ts";
import { normalizeHost } from "./acl-decide.ts";

interface TypeIndex {
  readonly all: AclBinding[];
  readonly literal: Map<string, AclBinding[]>;
  readonly prefixed: Map<string, AclBinding[]>;
  /** Lengths of the prefixes in `prefixed`, ascending. */
  prefixLengths: number[];
}

function push(map: Map<string, AclBinding[]>, key: string, b: AclBinding): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [b]);
  else list.push(b);
}

export class AclIndex {
  private readonly types = new Map<number, TypeIndex>();

  constructor(bindings: readonly AclBinding[]) {
    for (const stored of bindings) {
      const b = { ...stored, host: normalizeHost(stored.host) };
      let t = this.types.get(b.resourceType);
      if (t === undefined) this.types.set(b.resourceType, (t = { all: [], literal: new Map(), prefixed: new Map(), prefixLengths: [] }));
      t.all.push(b);
      if (b.patternType === PatternType.LITERAL) push(t.literal, b.resourceName, b);
      else if (b.patternType === PatternType.PREFIXED) push(t.prefixed, b.resourceName, b);
    }
    for (const t of this.types.values()) t.prefixLengths = [...new Set([...t.prefixed.keys()].map((k) => k.length))].sort((a, b) => a - b);
  }

  /** The lists of bindings whose pattern matches a resource of this type and name. */
  matching(resourceType: number, name: string): AclBinding[][] {
    const t = this.types.get(resourceType);
    if (t === undefined) return [];
    const groups: AclBinding[][] = [];
    const exact = t.literal.get(name);
    if (exact !== undefined) groups.push(exact);
    const wildcard = name === WILDCARD ? undefined : t.literal.get(WILDCARD);
    if (wildcard !== undefined) groups.push(wildcard);
    for (const length of t.prefixLengths) {
      if (length > name.length) break;
      const prefixed = t.prefixed.get(name.slice(0, length));
      if (prefixed !== undefined) groups.push(prefixed);
    }
    return groups;
  }

  /** Every binding of the resource type (hosts normalized). */
  ofType(resourceType: number): readonly AclBinding[] {
    return this.types.get(resourceType)?.all ?? [];
  }
}
