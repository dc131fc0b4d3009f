// Which bindings DescribeAcls and DeleteAcls filters select (Kafka's AclBindingFilter), and what
// CreateAcls refuses, in Kafka's words.

import { describe, expect, test } from "bun:test";
import { creationProblem } from "../../src/auth/acl-creation.ts";
import { type AclBindingFilter, filterMatches, filterProblem } from "../../src/auth/acl-filter.ts";
import { AclOperation, ResourceType } from "../../src/auth/authorizer.ts";
import { ALLOW, DENY, LITERAL, PREFIXED, binding } from "./acl-fixtures.ts";

const ANY = 1;
const MATCH = 2;

const everything: AclBindingFilter = { resourceTypeFilter: ANY, resourceNameFilter: null, patternTypeFilter: ANY, principalFilter: null, hostFilter: null, operation: ANY, permissionType: ANY };

const literal = binding({ resourceName: "orders" });
const wildcard = binding({ resourceName: "*" });
const prefixed = binding({ resourceName: "ord", patternType: PREFIXED });
const other = binding({ resourceName: "payments" });
const stored = [literal, wildcard, prefixed, other];

const selected = (f: Partial<AclBindingFilter>) => stored.filter((b) => filterMatches({ ...everything, ...f }, b));

describe("filters", () => {
  test("ANY and null select every binding", () => {
    expect(selected({})).toEqual(stored);
  });

  test("a name with pattern ANY, or the binding's own pattern, selects that exact name", () => {
    expect(selected({ resourceNameFilter: "orders" })).toEqual([literal]);
    expect(selected({ resourceNameFilter: "ord", patternTypeFilter: PREFIXED })).toEqual([prefixed]);
    expect(selected({ resourceNameFilter: "ord", patternTypeFilter: LITERAL })).toEqual([]);
    expect(selected({ patternTypeFilter: LITERAL })).toEqual([literal, wildcard, other]);
  });

  test("MATCH selects the bindings that apply to a resource of that name", () => {
    expect(selected({ resourceNameFilter: "orders", patternTypeFilter: MATCH })).toEqual([literal, wildcard, prefixed]);
    expect(selected({ resourceNameFilter: "payments", patternTypeFilter: MATCH })).toEqual([wildcard, other]);
    expect(selected({ patternTypeFilter: MATCH })).toEqual(stored);
  });

  test("resource type, principal, host, operation and permission compare exactly unless ANY or null", () => {
    const group = binding({ resourceType: ResourceType.GROUP, principal: "User:*", host: "10.0.0.1", operation: AclOperation.DESCRIBE, permissionType: DENY });
    const f = (over: Partial<AclBindingFilter>) => filterMatches({ ...everything, ...over }, group);
    expect(f({ resourceTypeFilter: ResourceType.GROUP })).toBe(true);
    expect(f({ resourceTypeFilter: ResourceType.TOPIC })).toBe(false);
    expect(f({ principalFilter: "User:*" })).toBe(true);
    expect(f({ principalFilter: "User:alice" })).toBe(false);
    expect(f({ hostFilter: "10.0.0.1" })).toBe(true);
    expect(f({ hostFilter: "*" })).toBe(false);
    expect(f({ operation: AclOperation.DESCRIBE })).toBe(true);
    expect(f({ operation: AclOperation.READ })).toBe(false);
    expect(f({ permissionType: DENY })).toBe(true);
    expect(f({ permissionType: ALLOW })).toBe(false);
  });

  test("codes Kafka does not know make the filter invalid", () => {
    expect(filterProblem(everything)).toBeNull();
    expect(filterProblem({ ...everything, resourceTypeFilter: 0 })).toBe("Unknown patternFilter.");
    expect(filterProblem({ ...everything, patternTypeFilter: 9 })).toBe("Unknown patternFilter.");
    expect(filterProblem({ ...everything, operation: 0 })).toBe("Unknown entryFilter.");
    expect(filterProblem({ ...everything, permissionType: 7 })).toBe("Unknown entryFilter.");
  });
});

describe("creations", () => {
  test("a concrete binding is accepted, LITERAL or PREFIXED, of any principal type", () => {
    expect(creationProblem(binding())).toBeNull();
    expect(creationProblem(binding({ patternType: PREFIXED, principal: "Group:ops" }))).toBeNull();
    expect(creationProblem(binding({ resourceType: ResourceType.CLUSTER, resourceName: "kafka-cluster", operation: AclOperation.ALTER }))).toBeNull();
  });

  test("each refusal has Kafka's message", () => {
    expect(creationProblem(binding({ resourceType: ResourceType.CLUSTER, resourceName: "other" }))).toBe("The only valid name for the CLUSTER resource is kafka-cluster");
    expect(creationProblem(binding({ resourceName: "" }))).toBe("Invalid empty resource name");
    expect(creationProblem(binding({ resourceType: ANY }))).toBe("Invalid resourceType ANY");
    expect(creationProblem(binding({ resourceType: 42 }))).toBe("Invalid resourceType UNKNOWN");
    expect(creationProblem(binding({ patternType: MATCH }))).toBe("Invalid patternType MATCH");
    expect(creationProblem(binding({ patternType: ANY }))).toBe("Invalid patternType ANY");
    expect(creationProblem(binding({ operation: ANY }))).toBe("Invalid operation ANY");
    expect(creationProblem(binding({ operation: 0 }))).toBe("Invalid operation UNKNOWN");
    expect(creationProblem(binding({ permissionType: ANY }))).toBe("Invalid permissionType ANY");
    expect(creationProblem(binding({ principal: "alice" }))).toBe("expected a string in format principalType:principalName but got alice");
  });
});
