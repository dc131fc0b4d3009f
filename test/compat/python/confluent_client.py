"""confluent-kafka-python (librdkafka) for the compat tests: admin, produce, consume, offsets, and a
balanced consumer in a group with the group's committed offsets and description."""

import ctypes
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

import common


def admin(args):
    return AdminClient({"bootstrap.servers": args["bootstrap"]})


def create(args):
    client = admin(args)  # the handle must outlive its futures
    futures = client.create_topics([NewTopic(args["topic"], args["partitions"], 1)], operation_timeout=10)
    for future in futures.values():
        future.result(timeout=30)
    return {"created": args["topic"]}


def delete(args):
    client = admin(args)
    futures = client.delete_topics([args["topic"]], operation_timeout=10)
    for future in futures.values():
        future.result(timeout=30)
    return {"deleted": args["topic"]}


def topics(args):
    metadata = admin(args).list_topics(timeout=10)
    return {"topics": {name: len(t.partitions) for name, t in metadata.topics.items()}}


def produce(args):
    config = {
        "bootstrap.servers": args["bootstrap"],
        "compression.type": args["codec"],
        "acks": str(args["acks"]),
        "linger.ms": 5,
    }
    config.update(args.get("config", {}))
    producer = Producer(config)
    state = {"delivered": 0, "errors": []}

    def report(err, _msg):
        if err is None:
            state["delivered"] += 1
        else:
            state["errors"].append(str(err))

    for r in common.read_records(args["records"]):
        kwargs = {
            "key": common.encode(r["k"]),
            "value": common.encode(r["v"]),
            "headers": [(name, common.encode(v)) for name, v in r["h"]],
            "on_delivery": report,
        }
        if r["ts"] is not None:
            kwargs["timestamp"] = r["ts"]
        while True:
            try:
                producer.produce(args["topic"], **kwargs)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    remaining = producer.flush(60)
    return {"delivered": state["delivered"], "errors": state["errors"][:10], "remaining": remaining}


def consumer(args):
    return Consumer({
        "bootstrap.servers": args["bootstrap"],
        # required even though partitions are assigned, never subscribed; nothing is committed
        "group.id": "compat-assign",
        "enable.auto.commit": False,
    })


def high_watermarks(c, topic, partitions):
    return [c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in range(partitions)]


def keep_none_alive(headers):
    """confluent-kafka 1.7.0 puts Py_None into a header tuple without a reference of its own, so every
    null header value read costs None one reference (Python 3.11 aborts once it reaches zero)."""
    for _name, value in headers:
        if value is None:
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))


def consume(args):
    topic, partitions = args["topic"], args["partitions"]
    c = consumer(args)
    deadline = time.time() + 30
    ends = high_watermarks(c, topic, partitions)
    while sum(ends) < args["expect"] and time.time() < deadline:
        time.sleep(0.1)
        ends = high_watermarks(c, topic, partitions)
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    positions = [0] * partitions
    deadline = time.time() + 120
    count = 0
    with open(args["out"], "w", encoding="utf-8") as out:
        while any(positions[p] < ends[p] for p in range(partitions)):
            if time.time() > deadline:
                raise SystemExit("consume: timed out at %r of %r" % (positions, ends))
            for m in c.consume(1000, 1.0):
                if m.error() is not None:
                    raise KafkaException(m.error())
                headers = m.headers() or []
                keep_none_alive(headers)
                out.write(common.consumed_line(m.partition(), m.offset(), m.key(), m.value(), headers, m.timestamp()[1]))
                positions[m.partition()] = m.offset() + 1
                count += 1
    c.close()
    return {"consumed": count, "ends": ends}


def offsets(args):
    topic, partitions = args["topic"], args["partitions"]
    c = consumer(args)
    marks = [c.get_watermark_offsets(TopicPartition(topic, p), timeout=10) for p in range(partitions)]
    times = {}
    for ts in args["timestamps"]:
        found = c.offsets_for_times([TopicPartition(topic, p, ts) for p in range(partitions)], timeout=10)
        times[str(ts)] = [tp.offset for tp in sorted(found, key=lambda tp: tp.partition)]
    c.close()
    return {"earliest": [m[0] for m in marks], "latest": [m[1] for m in marks], "times": times}


def group(args):
    """A subscribed consumer in args["group"] until SIGTERM; commits what it consumed after every
    batch and before giving partitions up, then closes (final commit, LeaveGroup)."""
    stop = common.Stop()
    c = Consumer({
        "bootstrap.servers": args["bootstrap"],
        "group.id": args["group"],
        "client.id": args["name"],
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "session.timeout.ms": args["session_timeout_ms"],
        "heartbeat.interval.ms": args["heartbeat_interval_ms"],
        "fetch.wait.max.ms": 100,
    })
    state = {"uncommitted": False, "consumed": 0}

    def commit():
        if not state["uncommitted"]:
            return
        try:
            c.commit(asynchronous=False)
            state["uncommitted"] = False
        except KafkaException as e:  # a rebalance under way: the next batch or the revoke commits
            sys.stderr.write("commit: %s\n" % e)

    def on_assign(_consumer, partitions):
        common.events([{"assigned": sorted(tp.partition for tp in partitions)}])

    def on_revoke(_consumer, partitions):
        commit()
        state["uncommitted"] = False
        common.events([{"revoked": sorted(tp.partition for tp in partitions)}])

    c.subscribe([args["topic"]], on_assign=on_assign, on_revoke=on_revoke)
    while not stop.requested:
        lines = []
        for m in c.consume(1000, 0.2):
            if m.error() is not None:
                sys.stderr.write("consume: %s\n" % m.error())
                continue
            lines.append(common.record_event(m.partition(), m.offset(), m.key(), m.value()))
        if lines:
            common.events(lines)
            state["uncommitted"] = True
            state["consumed"] += len(lines)
        commit()
    commit()
    c.close()
    return {"closed": args["name"], "consumed": state["consumed"]}


def committed(args):
    """OffsetFetch for the group: the committed offset of every partition, -1 for none."""
    c = Consumer({"bootstrap.servers": args["bootstrap"], "group.id": args["group"], "enable.auto.commit": False})
    found = c.committed([TopicPartition(args["topic"], p) for p in range(args["partitions"])], timeout=10)
    c.close()
    return {"committed": [max(tp.offset, -1) for tp in sorted(found, key=lambda tp: tp.partition)]}


def async_commits(args):
    """Joins the group, then commits offsets first..last of partition 0 one at a time without waiting
    (librdkafka pipelines them on the coordinator connection), waits for every callback, then reads
    the committed offset."""
    pending = {"left": args["last"] - args["first"] + 1, "errors": []}

    def done(err, _partitions):
        pending["left"] -= 1
        if err is not None:
            pending["errors"].append(str(err))

    joined = {"assigned": False}

    def assigned(_consumer, _partitions):
        joined["assigned"] = True

    c = Consumer({"bootstrap.servers": args["bootstrap"], "group.id": args["group"], "enable.auto.commit": False, "on_commit": done})
    c.subscribe([args["topic"]], on_assign=assigned)
    deadline = time.time() + 30
    while not joined["assigned"] and time.time() < deadline:
        c.poll(0.1)
    for offset in range(args["first"], args["last"] + 1):
        c.commit(offsets=[TopicPartition(args["topic"], 0, offset)], asynchronous=True)
    deadline = time.time() + 30
    while pending["left"] > 0 and time.time() < deadline:
        c.poll(0.1)
    found = c.committed([TopicPartition(args["topic"], 0)], timeout=10)
    c.close()
    return {"committed": found[0].offset, "unanswered": pending["left"], "errors": pending["errors"]}


def describe(args):
    """ListGroups and DescribeGroups (AdminClient.list_groups): the group's state and members."""
    found = admin(args).list_groups(args["group"], timeout=10)
    if len(found) != 1:
        raise SystemExit("list_groups found %d groups named %s" % (len(found), args["group"]))
    g = found[0]
    members = [{"client_id": m.client_id, "partitions": common.assignment_partitions(m.assignment, args["topic"])} for m in g.members]
    return {"state": g.state, "protocol_type": g.protocol_type, "protocol": g.protocol, "members": members}


COMMANDS = {
    "create": create,
    "delete": delete,
    "topics": topics,
    "produce": produce,
    "consume": consume,
    "offsets": offsets,
    "group": group,
    "committed": committed,
    "async_commits": async_commits,
    "describe": describe,
}

if __name__ == "__main__":
    name, arguments = common.command_line()
    common.reply(COMMANDS[name](arguments))
