"""confluent-kafka-python (librdkafka) for the lake compat test: creates a topic with configs and
produces records whose key and value bytes the caller encoded (hex in the JSON arguments).

Run as `/usr/bin/python3 lake_producer.py <create|produce> '<json arguments>'`; the last stdout line
is a JSON object."""

import json
import sys

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic


def create(args):
    client = AdminClient({"bootstrap.servers": args["bootstrap"]})  # the handle must outlive its futures
    topic = NewTopic(args["topic"], args["partitions"], 1, config=args["config"])
    for future in client.create_topics([topic], operation_timeout=10).values():
        future.result(timeout=30)
    return {"created": args["topic"]}


def produce(args):
    producer = Producer({"bootstrap.servers": args["bootstrap"], "linger.ms": 5})
    state = {"delivered": 0, "errors": []}

    def report(err, _msg):
        if err is None:
            state["delivered"] += 1
        else:
            state["errors"].append(str(err))

    for r in args["records"]:
        producer.produce(args["topic"], key=bytes.fromhex(r["key"]), value=bytes.fromhex(r["value"]), on_delivery=report)
        producer.poll(0)
    remaining = producer.flush(60)
    return {"delivered": state["delivered"], "errors": state["errors"][:10], "remaining": remaining}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("create", "produce"):
        sys.exit("usage: %s create|produce '<json arguments>'" % sys.argv[0])
    print(json.dumps({"create": create, "produce": produce}[sys.argv[1]](json.loads(sys.argv[2]))))
