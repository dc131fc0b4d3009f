#!/usr/bin/python3
# Producer for bench/transactions.ts: confluent-kafka (librdkafka) sends RECORDS × 100-byte records
# to partition 0 of a topic, either in transactions of TXN records (transactional.id set) or as
# one idempotent stream (enable.idempotence), with the same producer settings otherwise.
#
#   /usr/bin/python3 bench/support/txn-producer.py '<json args>'
#   args: bootstrap, topic, records, mode ("transactional" | "idempotent"), txn (records per
#         transaction), warmup_topic, warmup_records, rtt (bool: log each response's round trip)
#
# Creates both topics (one partition each) first. Protocol on stdout, one JSON object a line:
# {"warm": true} once warmed up, {"timed": true} after the timed part — after each it waits for a
# line on stdin, so that the caller can read the broker's or the store's counters — then the result:
#   seconds      first produce (first begin_transaction) to the last acknowledgement (commit)
#   produce_ms   per transaction: begin_transaction → flush() returned (every record acknowledged)
#   commit_ms    per transaction: commit_transaction() after that flush (EndTxn round trip)
#   low, high, stable  the topic's log start, high watermark and last stable offset, read afterwards
#   rtt          with rtt: {api: [ms, …]} of every response the producer received in the timed part

import json
import re
import sys
import threading
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

args = json.loads(sys.argv[1])
bootstrap = args["bootstrap"]
topic = args["topic"]
records = int(args["records"])
mode = args["mode"]
txn = int(args.get("txn", 1000))
warmup_topic = args.get("warmup_topic", "bench-warmup")
warmup_records = int(args.get("warmup_records", 10_000))
trace_rtt = bool(args.get("rtt", False))

RECORD_BYTES = 100
filler = b"x" * (RECORD_BYTES - 8)
values = [b"%07d:" % i + filler for i in range(records)]

errors = []
rtts = {}
timing = threading.Event()
RECV = re.compile(r"Received (\w+)Response \(v\d+, \d+ bytes, CorrId \d+, rtt ([\d.]+)ms\)")


class RttLog:
    """librdkafka's debug=protocol lines, as a logging.Logger stand-in: each response's round trip."""

    def log(self, level, fmt, *a):
        if not timing.is_set():
            return
        m = RECV.search(fmt % a if a else fmt)
        if m:
            rtts.setdefault(m.group(1), []).append(float(m.group(2)))


config = {
    "bootstrap.servers": bootstrap,
    "linger.ms": 5,
    "batch.size": 1_000_000,
    "compression.type": "none",
    "queue.buffering.max.messages": 2_000_000,
    "queue.buffering.max.kbytes": 2_000_000,
    "error_cb": lambda e: errors.append(str(e)),
}
if mode == "transactional":
    config["transactional.id"] = "bench-txn"
elif mode == "idempotent":
    config["enable.idempotence"] = True
else:
    raise SystemExit(f"mode {mode}: expected transactional or idempotent")
if trace_rtt:
    config["debug"] = "protocol"
    config["logger"] = RttLog()

admin = AdminClient({"bootstrap.servers": bootstrap})
for name, created in admin.create_topics([NewTopic(t, 1, 1) for t in (topic, warmup_topic)], operation_timeout=30).items():
    created.result(30)
producer = Producer(config)


def produce(t, vs):
    for v in vs:
        try:
            producer.produce(t, v, partition=0)
        except BufferError:
            producer.poll(0.001)
            producer.produce(t, v, partition=0)


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


# warm-up: the producer id, the coordinator, metadata, and the broker's code paths, on another topic
if mode == "transactional":
    producer.init_transactions(30)
    for start in range(0, warmup_records, txn):
        producer.begin_transaction()
        produce(warmup_topic, values[start : start + txn])
        producer.commit_transaction(30)
else:
    produce(warmup_topic, values[:warmup_records])
    producer.flush(30)
producer.list_topics(topic, timeout=10)
emit({"warm": True})
sys.stdin.readline()

produce_ms = []
commit_ms = []
timing.set()
t0 = time.perf_counter()
if mode == "transactional":
    for start in range(0, records, txn):
        b0 = time.perf_counter()
        producer.begin_transaction()
        produce(topic, values[start : start + txn])
        # commit_transaction() would flush first anyway; flushing here separates the two
        if producer.flush(30) != 0:
            raise SystemExit("flush timed out")
        b1 = time.perf_counter()
        producer.commit_transaction(30)
        b2 = time.perf_counter()
        produce_ms.append((b1 - b0) * 1000)
        commit_ms.append((b2 - b1) * 1000)
else:
    produce(topic, values)
    if producer.flush(60) != 0:
        raise SystemExit("flush timed out")
seconds = time.perf_counter() - t0
timing.clear()
emit({"timed": True})
sys.stdin.readline()


def watermark(isolation):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-watermark", "isolation.level": isolation, "enable.auto.commit": False})
    try:
        return c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10, cached=False)
    finally:
        c.close()


low, high = watermark("read_uncommitted")
_, stable = watermark("read_committed")
emit({"seconds": seconds, "records": records, "transactions": len(commit_ms), "produce_ms": produce_ms, "commit_ms": commit_ms, "low": low, "high": high, "stable": stable, "errors": errors, "rtt": rtts})
