"""kafka-python 2.0.2 for the compat tests: admin, produce, consume (dump: records of any bytes),
offsets, and a balanced consumer in a group with the group's committed offsets and description."""

import json
import sys
import time

from kafka import ConsumerRebalanceListener, KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError

import common


def admin(args):
    return KafkaAdminClient(bootstrap_servers=args["bootstrap"], client_id="compat-admin")


def create(args):
    client = admin(args)
    response = client.create_topics([NewTopic(args["topic"], args["partitions"], 1)], timeout_ms=10000)
    client.close()
    errors = [[topic, code] for topic, code, *_ in response.topic_errors if code != 0]
    if errors:
        raise SystemExit("create_topics failed: %r" % errors)
    return {"created": args["topic"]}


def delete(args):
    client = admin(args)
    response = client.delete_topics([args["topic"]], timeout_ms=10000)
    client.close()
    errors = [[topic, code] for topic, code in response.topic_error_codes if code != 0]
    if errors:
        raise SystemExit("delete_topics failed: %r" % errors)
    return {"deleted": args["topic"]}


def topics(args):
    c = KafkaConsumer(bootstrap_servers=args["bootstrap"], group_id=None)
    found = {name: len(c.partitions_for_topic(name) or []) for name in c.topics()}
    c.close()
    return {"topics": found}


def produce(args):
    acks = "all" if str(args["acks"]) in ("all", "-1") else int(args["acks"])
    codec = None if args["codec"] == "none" else args["codec"]
    producer = KafkaProducer(bootstrap_servers=args["bootstrap"], acks=acks, compression_type=codec, linger_ms=5, batch_size=65536)
    futures = []
    for r in common.read_records(args["records"]):
        futures.append(producer.send(
            args["topic"],
            key=common.encode(r["k"]),
            value=common.encode(r["v"]),
            headers=[(name, common.encode(v)) for name, v in r["h"]],
            timestamp_ms=r["ts"],
        ))
    producer.flush(60)
    producer.close()
    errors = [repr(f.exception) for f in futures if f.failed()]
    return {"delivered": sum(1 for f in futures if f.succeeded()), "errors": errors[:10], "remaining": sum(1 for f in futures if not f.is_done)}


def consumer(args):
    return KafkaConsumer(bootstrap_servers=args["bootstrap"], group_id=None, enable_auto_commit=False, auto_offset_reset="earliest")


def consume(args):
    topic, partitions = args["topic"], args["partitions"]
    c = consumer(args)
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    deadline = time.time() + 30
    ends = c.end_offsets(tps)
    while sum(ends.values()) < args["expect"] and time.time() < deadline:
        time.sleep(0.1)
        ends = c.end_offsets(tps)
    c.assign(tps)
    c.seek_to_beginning()
    positions = {tp: 0 for tp in tps}
    deadline = time.time() + 120
    count = 0
    with open(args["out"], "w", encoding="utf-8") as out:
        while any(positions[tp] < ends[tp] for tp in tps):
            if time.time() > deadline:
                raise SystemExit("consume: timed out at %r of %r" % (positions, ends))
            for tp, records in c.poll(timeout_ms=1000, max_records=5000).items():
                for m in records:
                    out.write(common.consumed_line(m.partition, m.offset, m.key, m.value, m.headers, m.timestamp))
                    positions[tp] = m.offset + 1
                    count += 1
    c.close()
    return {"consumed": count, "ends": [ends[tp] for tp in tps]}


def hexed(data):
    return None if data is None else bytes(data).hex()


def dump(args):
    """Every record of partition 0 from the beginning to the end offset, any bytes: keys, values
    and header values as hex, one JSON line each in args["out"]."""
    c = consumer(args)
    tp = TopicPartition(args["topic"], 0)
    end = c.end_offsets([tp])[tp]
    c.assign([tp])
    c.seek_to_beginning()
    position, count = 0, 0
    deadline = time.time() + 120
    with open(args["out"], "w", encoding="utf-8") as out:
        while position < end:
            if time.time() > deadline:
                raise SystemExit("dump: timed out at %d of %d" % (position, end))
            for records in c.poll(timeout_ms=1000, max_records=5000).values():
                for m in records:
                    out.write(json.dumps({"o": m.offset, "ts": m.timestamp, "k": hexed(m.key), "v": hexed(m.value), "h": [[name, hexed(v)] for name, v in m.headers]}) + "\n")
                    position = m.offset + 1
                    count += 1
    c.close()
    return {"dumped": count, "end": end}


def offsets(args):
    topic, partitions = args["topic"], args["partitions"]
    c = consumer(args)
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    earliest = c.beginning_offsets(tps)
    latest = c.end_offsets(tps)
    times = {}
    for ts in args["timestamps"]:
        found = c.offsets_for_times({tp: ts for tp in tps})
        times[str(ts)] = [-1 if found[tp] is None else found[tp].offset for tp in tps]
    c.close()
    return {"earliest": [earliest[tp] for tp in tps], "latest": [latest[tp] for tp in tps], "times": times}


class Committer(ConsumerRebalanceListener):
    """Commits what was consumed after every batch and before partitions are given up."""

    def __init__(self):
        self.consumer = None
        self.uncommitted = False

    def commit(self):
        if not self.uncommitted:
            return
        try:
            self.consumer.commit()
            self.uncommitted = False
        except KafkaError as e:  # a rebalance under way: the next batch or the revoke commits
            sys.stderr.write("commit: %r\n" % e)

    def on_partitions_revoked(self, revoked):
        self.commit()
        self.uncommitted = False
        common.events([{"revoked": sorted(tp.partition for tp in revoked)}])

    def on_partitions_assigned(self, assigned):
        common.events([{"assigned": sorted(tp.partition for tp in assigned)}])


def group(args):
    """A subscribed consumer in args["group"] until SIGTERM, then close (final commit, LeaveGroup)."""
    stop = common.Stop()
    c = KafkaConsumer(
        bootstrap_servers=args["bootstrap"],
        group_id=args["group"],
        client_id=args["name"],
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=args["session_timeout_ms"],
        heartbeat_interval_ms=args["heartbeat_interval_ms"],
        fetch_max_wait_ms=100,
    )
    committer = Committer()
    committer.consumer = c
    c.subscribe([args["topic"]], listener=committer)
    consumed = 0
    while not stop.requested:
        lines = []
        for _tp, records in c.poll(timeout_ms=200, max_records=1000).items():
            lines.extend(common.record_event(m.partition, m.offset, m.key, m.value) for m in records)
        if lines:
            common.events(lines)
            committer.uncommitted = True
            consumed += len(lines)
        committer.commit()
    committer.commit()
    c.close(autocommit=False)
    return {"closed": args["name"], "consumed": consumed}


def committed(args):
    """OffsetFetch for the group (KafkaAdminClient.list_consumer_group_offsets), -1 for none."""
    client = admin(args)
    found = client.list_consumer_group_offsets(args["group"])
    client.close()
    offsets = [-1] * args["partitions"]
    for tp, meta in found.items():
        if tp.topic == args["topic"]:
            offsets[tp.partition] = meta.offset
    return {"committed": offsets}


def describe(args):
    """DescribeGroups (KafkaAdminClient.describe_consumer_groups): the group's state and members."""
    client = admin(args)
    (g,) = client.describe_consumer_groups([args["group"]])
    client.close()
    members = [{"client_id": m.client_id, "partitions": assigned(m.member_assignment, args["topic"])} for m in g.members]
    return {"state": g.state, "protocol_type": g.protocol_type, "protocol": g.protocol, "members": members}


def assigned(assignment, topic):
    """kafka-python decodes a consumer group's assignments itself; raw bytes otherwise."""
    if isinstance(assignment, (bytes, bytearray)):
        return common.assignment_partitions(bytes(assignment), topic)
    return sorted(p for name, partitions in assignment.assignment for p in partitions if name == topic)


COMMANDS = {
    "create": create,
    "delete": delete,
    "topics": topics,
    "produce": produce,
    "consume": consume,
    "dump": dump,
    "offsets": offsets,
    "group": group,
    "committed": committed,
    "describe": describe,
}

if __name__ == "__main__":
    name, arguments = common.command_line()
    common.reply(COMMANDS[name](arguments))
