#!/usr/bin/python3
# Paced producer for bench/peers.ts: confluent-kafka (librdkafka) sends 100-byte records to
# partition 0 of a topic at a fixed rate, acks=all, and measures each record's latency from
# produce() to its acknowledgement (librdkafka's own Message.latency(), so the delivery callback's
# polling adds nothing).
#
#   /usr/bin/python3 bench/support/latency-producer.py '<json args>'
#   args: bootstrap, topic, rate (records/s), seconds (measured), warmup_seconds (sent first, not counted)
#
# Records are sent on a schedule (record i at i / rate seconds), in the small bursts that fall due
# each half millisecond. Prints one JSON object: sent, errors, rate (achieved), p50_ms, p99_ms, max_ms.

import json
import sys
import time

from confluent_kafka import Producer

args = json.loads(sys.argv[1])
rate = float(args["rate"])
warmup = int(rate * float(args["warmup_seconds"]))
total = warmup + int(rate * float(args["seconds"]))
topic = args["topic"]
value = b"x" * 100

latencies = []
errors = []


def delivered(err, msg):
    if err is not None:
        errors.append(str(err))
    else:
        latencies.append(msg.latency())


producer = Producer({"bootstrap.servers": args["bootstrap"], "acks": "all", "linger.ms": 5, "compression.type": "none"})
sent = 0
t0 = time.monotonic()
while sent < total:
    due = min(total, int((time.monotonic() - t0) * rate) + 1)
    while sent < due:
        producer.produce(topic, value, partition=0, on_delivery=delivered)
        sent += 1
    producer.poll(0)
    time.sleep(0.0005)
elapsed = time.monotonic() - t0
if producer.flush(30) != 0:
    errors.append("records left unacknowledged after 30 s")

# one partition: acknowledgements come in produce order, so the first `warmup` are the warm-up's
measured = sorted(latencies[warmup:])


def percentile(p):
    if not measured:
        return None
    return measured[min(len(measured) - 1, max(0, -(-len(measured) * p // 100) - 1))] * 1000


print(json.dumps({"sent": sent, "errors": errors[:5], "rate": sent / elapsed, "p50_ms": percentile(50), "p99_ms": percentile(99), "max_ms": percentile(100)}))
