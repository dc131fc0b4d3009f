"""confluent-kafka-python (librdkafka) transactions for the compat tests: a transactional producer
running a plan of committed and aborted transactions, one that leaves its transaction open and
exits, a consume-transform-produce loop that sends
its consumer's offsets with each transaction, and an assign-style consumer at either isolation level
that reads every partition to its end (partition EOF: the high watermark, or the last stable offset
under read_committed). Same calling convention as confluent_client.py (see common.py)."""

import json
import os
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer, TopicPartition

import common


def producer(args, transactional_id):
    return Producer({"bootstrap.servers": args["bootstrap"], "transactional.id": transactional_id, "linger.ms": 5})


def transact(args):
    """args["transactions"]: [{"records": [[partition, value], ...], "commit": bool}], run in order.
    An abort with "at_once" does not wait for the records first (librdkafka then sends EndTxn right
    behind AddPartitionsToTxn, before its answer)."""
    p = producer(args, args["transactional_id"])
    p.init_transactions(30)
    outcomes = []
    for t in args["transactions"]:
        p.begin_transaction()
        for partition, value in t["records"]:
            p.produce(args["topic"], value=common.encode(value), partition=partition)
        if t["commit"]:
            p.commit_transaction(30)
            outcomes.append("committed")
        else:
            if not t.get("at_once", False):
                p.flush(30)  # the records reach the log, so the abort has something to hide
            p.abort_transaction(30)
            outcomes.append("aborted")
    return {"outcomes": outcomes}


def ctp(args):
    """Reads args["input"] read_committed in group args["group"] and writes each value, prefixed
    "out:", to args["output"] in one transaction per batch along with the consumer's positions.
    The first batch is aborted once and read again from the committed offsets."""
    c = Consumer({
        "bootstrap.servers": args["bootstrap"],
        "group.id": args["group"],
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
    })
    c.subscribe([args["input"]])
    p = producer(args, args["transactional_id"])
    p.init_transactions(30)
    done, batches, aborted = 0, 0, 0
    deadline = time.time() + 90
    while done < args["expect"]:
        if time.time() > deadline:
            raise SystemExit("ctp: timed out after %d of %d" % (done, args["expect"]))
        batch = [m for m in c.consume(args.get("batch", 50), 0.5) if m.error() is None]
        if not batch:
            continue
        p.begin_transaction()
        for m in batch:
            p.produce(args["output"], key=m.key(), value=b"out:" + m.value(), partition=m.partition())
        p.send_offsets_to_transaction(c.position(c.assignment()), c.consumer_group_metadata(), 30)
        if aborted == 0:
            p.flush(30)
            p.abort_transaction(30)
            aborted += 1
            rewind(c, args["input"])
            continue
        p.commit_transaction(30)
        done += len(batch)
        batches += 1
    c.close()
    return {"processed": done, "batches": batches, "aborted": aborted}


def hang(args):
    """Begins a transaction, writes args["records"] and exits without ending it: the broker's
    sweep must abort it once args["timeout_ms"] (transaction.timeout.ms) has passed."""
    p = Producer({"bootstrap.servers": args["bootstrap"], "transactional.id": args["transactional_id"], "transaction.timeout.ms": args["timeout_ms"]})
    p.init_transactions(30)
    p.begin_transaction()
    for partition, value in args["records"]:
        p.produce(args["topic"], value=common.encode(value), partition=partition)
    p.flush(30)
    common.reply({"left_open": len(args["records"])})
    os._exit(0)  # no abort, no EndTxn: the producer is gone


def rewind(c, topic):
    """Back to the group's committed offsets (the beginning where none), as after a restart."""
    for tp in c.committed(c.assignment(), timeout=10):
        c.seek(TopicPartition(topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_BEGINNING))


def consume(args):
    """Every partition from the beginning to its end at args["isolation"] ("read_committed" or
    "read_uncommitted"); consumed records as JSON lines {p, o, k, v} in args["out"]."""
    topic, partitions = args["topic"], args["partitions"]
    c = Consumer({
        "bootstrap.servers": args["bootstrap"],
        "group.id": "compat-assign",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "isolation.level": args["isolation"],
    })
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    at_end, count = set(), 0
    deadline = time.time() + args.get("timeout_s", 60)
    with open(args["out"], "w", encoding="utf-8") as out:
        while len(at_end) < partitions:
            if time.time() > deadline:
                raise SystemExit("consume: timed out; at the end of %r" % sorted(at_end))
            for m in c.consume(1000, 0.5):
                if m.error() is not None:
                    if m.error().code() == KafkaError._PARTITION_EOF:
                        at_end.add(m.partition())
                        continue
                    raise KafkaException(m.error())
                at_end.discard(m.partition())
                out.write(json.dumps({"p": m.partition(), "o": m.offset(), "k": common.decode(m.key()), "v": common.decode(m.value())}) + "\n")
                count += 1
    c.close()
    return {"consumed": count}


def ends(args):
    """ListOffsets latest at args["isolation"]: the high watermarks, or the last stable offsets."""
    c = Consumer({"bootstrap.servers": args["bootstrap"], "group.id": "compat-assign", "isolation.level": args["isolation"]})
    found = [c.get_watermark_offsets(TopicPartition(args["topic"], p), timeout=10)[1] for p in range(args["partitions"])]
    c.close()
    return {"ends": found}


COMMANDS = {"transact": transact, "ctp": ctp, "hang": hang, "consume": consume, "ends": ends}

if __name__ == "__main__":
    name, arguments = common.command_line()
    common.reply(COMMANDS[name](arguments))
