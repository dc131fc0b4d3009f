"""confluent-kafka-python (librdkafka) for the compat tests: admin, produce, consume, offsets."""

import ctypes
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


COMMANDS = {"create": create, "delete": delete, "topics": topics, "produce": produce, "consume": consume, "offsets": offsets}

if __name__ == "__main__":
    name, arguments = common.command_line()
    common.reply(COMMANDS[name](arguments))
