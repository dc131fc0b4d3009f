"""confluent-kafka-python (librdkafka) and kafka-python through `tansu proxy` for the proxy compat
tests: a produce-then-consume round trip with each client, a consumer group of three members in one
process, and a producer that keeps producing while the test takes an upstream broker down and moves
leadership (reading "stop" on stdin). Same calling convention as confluent_client.py (see common.py).
Records are [partition, offset, value]; record i of a run goes to partition i % partitions."""

import sys
import threading
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition
from kafka import KafkaConsumer, KafkaProducer
from kafka import TopicPartition as KafkaTopicPartition

import common


def value(args, i):
    return "%s-%d" % (args["run"], i)


def confluent_consume(args):
    """Every record of the topic, read by partition assignment from the beginning to the high
    watermark each partition had once the records were acknowledged."""
    topic, partitions = args["topic"], args["partitions"]
    c = Consumer({"bootstrap.servers": args["bootstrap"], "group.id": "proxy-compat-assign", "enable.auto.commit": False})
    ends = [c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in range(partitions)]
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    positions = [0] * partitions
    consumed = []
    deadline = time.time() + 30
    while any(positions[p] < ends[p] for p in range(partitions)):
        if time.time() > deadline:
            raise SystemExit("consume: read up to %r of %r within 30 s" % (positions, ends))
        for m in c.consume(1000, 0.5):
            if m.error() is not None:
                raise KafkaException(m.error())
            consumed.append([m.partition(), m.offset(), common.decode(m.value())])
            positions[m.partition()] = m.offset() + 1
    c.close()
    return {"consumed": consumed, "ends": ends}


def confluent_roundtrip(args):
    producer = Producer({"bootstrap.servers": args["bootstrap"], "enable.idempotence": True, "linger.ms": 5})
    delivered, errors = [], []

    def report(err, msg):
        if err is None:
            delivered.append([msg.partition(), msg.offset(), common.decode(msg.value())])
        else:
            errors.append(str(err))

    for i in range(args["count"]):
        producer.produce(args["topic"], key=common.encode("k%d" % i), value=common.encode(value(args, i)), partition=i % args["partitions"], on_delivery=report)
        producer.poll(0)
    remaining = producer.flush(30)
    result = {"delivered": delivered, "errors": errors[:10], "remaining": remaining}
    result.update(confluent_consume(args))
    return result


def kafka_python_roundtrip(args):
    topic, partitions = args["topic"], args["partitions"]
    producer = KafkaProducer(bootstrap_servers=args["bootstrap"], acks="all", linger_ms=5, max_in_flight_requests_per_connection=1)
    futures = [producer.send(topic, key=common.encode("k%d" % i), value=common.encode(value(args, i)), partition=i % partitions) for i in range(args["count"])]
    producer.flush(30)
    producer.close(10)
    delivered, errors = [], []
    for i, f in enumerate(futures):
        if f.succeeded():
            delivered.append([f.value.partition, f.value.offset, value(args, i)])
        else:
            errors.append(repr(f.exception))
    c = KafkaConsumer(bootstrap_servers=args["bootstrap"], group_id=None, enable_auto_commit=False, auto_offset_reset="earliest")
    tps = [KafkaTopicPartition(topic, p) for p in range(partitions)]
    ends = c.end_offsets(tps)
    c.assign(tps)
    c.seek_to_beginning()
    consumed = []
    deadline = time.time() + 30
    while any(c.position(tp) < ends[tp] for tp in tps):
        if time.time() > deadline:
            raise SystemExit("consume: read up to %r of %r within 30 s" % ([c.position(tp) for tp in tps], [ends[tp] for tp in tps]))
        for records in c.poll(timeout_ms=500, max_records=5000).values():
            consumed.extend([m.partition, m.offset, common.decode(m.value)] for m in records)
    c.close()
    return {"delivered": delivered, "errors": errors[:10], "remaining": sum(1 for f in futures if not f.is_done), "consumed": consumed, "ends": [ends[tp] for tp in tps]}


def confluent_group(args):
    """Three members subscribe to the topic in one group; once the group is stable (every partition
    assigned, each to one member) the records are produced, and the members poll in turn until they
    have read them all, then a little longer so that a record read twice would show."""
    topic, partitions, count = args["topic"], args["partitions"], args["count"]
    members = []
    assignments = []

    def tracker(index):
        def on_assign(_consumer, tps):
            assignments[index] = sorted(tp.partition for tp in tps)

        def on_revoke(_consumer, _tps):
            assignments[index] = []

        return on_assign, on_revoke

    for index in range(3):
        assignments.append([])
        c = Consumer({
            "bootstrap.servers": args["bootstrap"],
            "group.id": args["group"],
            "client.id": "member-%d" % index,
            "auto.offset.reset": "earliest",
            "partition.assignment.strategy": "range",
            # librdkafka's mock answers a follower's SyncGroup that comes after the leader's with
            # INVALID_REQUEST; the member then rejoins, and the mock waits session.timeout.ms - 1 s
            # for the others to rejoin too (44 s by default)
            "session.timeout.ms": 6000,
            "heartbeat.interval.ms": 500,
        })
        on_assign, on_revoke = tracker(index)
        c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
        members.append(c)

    def poll_all(consumed):
        for index, c in enumerate(members):
            m = c.poll(0.1)
            if m is None:
                continue
            if m.error() is not None:
                raise KafkaException(m.error())
            consumed.append([index, m.partition(), m.offset(), common.decode(m.value())])

    def stable():
        held = sorted(p for a in assignments for p in a)
        return held == list(range(partitions)) and all(assignments)

    early = []
    deadline = time.time() + 45
    while not stable():
        if time.time() > deadline:
            raise SystemExit("group: not stable within 45 s, assignments %r" % assignments)
        poll_all(early)
    stable_assignments = [list(a) for a in assignments]

    producer = Producer({"bootstrap.servers": args["bootstrap"], "linger.ms": 5})
    for i in range(count):
        producer.produce(topic, value=common.encode(value(args, i)), partition=i % partitions)
    remaining = producer.flush(30)

    consumed = list(early)
    deadline = time.time() + 45
    while len(consumed) < count:
        if time.time() > deadline:
            raise SystemExit("group: consumed %d of %d records within 45 s, assignments %r" % (len(consumed), count, assignments))
        poll_all(consumed)
    settle = time.time() + 1
    while time.time() < settle:
        poll_all(consumed)
    final = [list(a) for a in assignments]
    for c in members:
        c.close()
    return {"assignments": stable_assignments, "final": final, "remaining": remaining, "consumed": consumed}


def confluent_outage(args):
    """An idempotent producer: record after record, round-robin over the partitions, until "stop"
    (or EOF) on stdin, printing {"p", "o"} per acknowledged record as it comes; then waits for the
    records still in flight and replies with every acknowledged record and every delivery error."""
    topic, partitions = args["topic"], args["partitions"]
    producer = Producer({
        "bootstrap.servers": args["bootstrap"],
        "acks": "all",
        "linger.ms": 5,
        "message.timeout.ms": 60000,
        "reconnect.backoff.max.ms": 500,
        "enable.idempotence": True,
    })
    acked, errors = [], []
    stopping = threading.Event()

    def watch_stdin():
        for line in sys.stdin:
            if line.strip() == "stop":
                break
        stopping.set()

    threading.Thread(target=watch_stdin, daemon=True).start()

    def report(err, msg):
        if err is None:
            acked.append([msg.partition(), msg.offset(), common.decode(msg.value())])
            common.events([{"p": msg.partition(), "o": msg.offset()}])
        else:
            errors.append("%s: %s" % (common.decode(msg.value()), err))
            common.events([{"error": str(err)}])

    i = 0
    while not stopping.is_set():
        producer.produce(topic, value=common.encode(value(args, i)), partition=i % partitions, on_delivery=report)
        i += 1
        producer.poll(0.01)
    remaining = producer.flush(60)
    return {"produced": i, "acked": acked, "errors": errors[:10], "remaining": remaining}


COMMANDS = {
    "confluent_consume": confluent_consume,
    "confluent_roundtrip": confluent_roundtrip,
    "kafka_python_roundtrip": kafka_python_roundtrip,
    "confluent_group": confluent_group,
    "confluent_outage": confluent_outage,
}

if __name__ == "__main__":
    name, arguments = common.command_line()
    common.reply(COMMANDS[name](arguments))
