"""SASL and ACLs as confluent-kafka-python (librdkafka) and kafka-python see them: a round trip
(produce, then read back from the beginning) as a user, and a produce the broker refuses."""

import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, Producer, TopicPartition
from kafka import KafkaConsumer, KafkaProducer

import common


def confluent_config(args):
    config = {
        "bootstrap.servers": args["bootstrap"],
        "security.protocol": args["protocol"],
        "sasl.mechanisms": args["mechanism"],
        "sasl.username": args["user"],
        "sasl.password": args["password"],
    }
    if args.get("ca"):
        config["ssl.ca.location"] = args["ca"]
    return config


def confluent_roundtrip(args):
    reports = []
    p = Producer({**confluent_config(args), "acks": "all"})
    for i in range(args["count"]):
        p.produce(args["topic"], value=("v%d" % i).encode(), callback=lambda err, msg: reports.append(err))
    p.flush(30)
    errors = [e.name() for e in reports if e is not None]
    c = Consumer({**confluent_config(args), "group.id": "security-compat", "enable.auto.commit": False})
    c.assign([TopicPartition(args["topic"], 0, OFFSET_BEGINNING)])
    values = []
    deadline = time.time() + 30
    while len(values) < args["count"] and time.time() < deadline:
        m = c.poll(0.5)
        if m is not None and m.error() is None:
            values.append(common.decode(m.value()))
    c.close()
    return {"delivered": len(reports) - len(errors), "errors": errors, "values": values}


def confluent_produce(args):
    """One record; the delivery report's error name, or null when it was stored."""
    reports = []
    p = Producer({**confluent_config(args), "acks": "all", "message.timeout.ms": 10000})
    p.produce(args["topic"], value=b"x", callback=lambda err, msg: reports.append(err))
    p.flush(30)
    error = reports[0] if reports else KafkaError(KafkaError._MSG_TIMED_OUT)
    return {"error": None if error is None else error.name()}


def kafka_python_roundtrip(args):
    config = {
        "bootstrap_servers": args["bootstrap"],
        "security_protocol": args["protocol"],
        "sasl_mechanism": args["mechanism"],
        "sasl_plain_username": args["user"],
        "sasl_plain_password": args["password"],
    }
    p = KafkaProducer(acks="all", **config)
    for i in range(args["count"]):
        p.send(args["topic"], value=("v%d" % i).encode()).get(timeout=30)
    p.close()
    c = KafkaConsumer(args["topic"], auto_offset_reset="earliest", consumer_timeout_ms=3000, **config)
    values = [common.decode(m.value) for m in c]
    c.close()
    return {"values": values}


COMMANDS = {"confluent_roundtrip": confluent_roundtrip, "confluent_produce": confluent_produce, "kafka_python_roundtrip": kafka_python_roundtrip}

if __name__ == "__main__":
    name, arguments = common.command_line()
    common.reply(COMMANDS[name](arguments))
