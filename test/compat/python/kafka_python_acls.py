"""kafka-python 2.0.2's ACL admin calls for the compat tests: create_acls, describe_acls and
delete_acls, each answering what the broker said in plain JSON."""

from kafka import KafkaAdminClient
from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
)
from kafka.errors import KafkaError

import common


def admin(args):
    return KafkaAdminClient(bootstrap_servers=args["bootstrap"], client_id="compat-acls")


def acl_of(a):
    return ACL(
        principal=a["principal"],
        host=a.get("host", "*"),
        operation=ACLOperation[a["operation"]],
        permission_type=ACLPermissionType[a["permission"]],
        resource_pattern=ResourcePattern(ResourceType[a["type"]], a["name"], ACLResourcePatternType[a.get("pattern", "LITERAL")]),
    )


def filter_of(f):
    return ACLFilter(
        principal=f.get("principal"),
        host=f.get("host"),
        operation=ACLOperation[f.get("operation", "ANY")],
        permission_type=ACLPermissionType[f.get("permission", "ANY")],
        resource_pattern=ResourcePatternFilter(ResourceType[f.get("type", "ANY")], f.get("name"), ACLResourcePatternType[f.get("pattern", "ANY")]),
    )


def plain(acl):
    p = acl.resource_pattern
    return "%s %s/%s %s %s %s" % (p.resource_type.name, p.resource_name, p.pattern_type.name, acl.principal, acl.operation.name, acl.permission_type.name)


def create(args):
    client = admin(args)
    result = client.create_acls([acl_of(a) for a in args["acls"]])
    client.close()
    return {"succeeded": [plain(a) for a in result["succeeded"]], "failed": [[plain(a), error.__name__] for a, error in result["failed"]]}


def describe(args):
    client = admin(args)
    try:
        acls, error = client.describe_acls(filter_of(args["filter"]))
        return {"acls": sorted(plain(a) for a in acls), "error": error.__name__}
    except KafkaError as e:
        return {"acls": [], "error": type(e).__name__}
    finally:
        client.close()


def delete(args):
    client = admin(args)
    results = client.delete_acls([filter_of(f) for f in args["filters"]])
    client.close()
    return {"results": [{"deleted": sorted(plain(a) for a, _ in deleted), "error": error.__name__} for _, deleted, error in results]}


COMMANDS = {"create": create, "describe": describe, "delete": delete}

if __name__ == "__main__":
    name, arguments = common.command_line()
    common.reply(COMMANDS[name](arguments))
