"""One transactional producer of the randomized transactions check (transactions-chaos.compat.ts).

`txn_chaos.py run '<json>'` with bootstrap, topic, partitions, producer (its number), seed,
duration_s and max_size. Until duration_s has passed it runs transactions of 1..max_size records
spread over random partitions, each meant to commit or abort at random; a record's value is
"p<producer>-t<transaction>-i<index>-n<size>-<c|a>". On a fatal error (fenced, or a state it cannot
leave) it creates the producer again with the same transactional.id and goes on.

Prints one JSON line per transaction: {"t", "intent", "outcome", "records": [[partition, value]]},
where outcome is "committed" (commit_transaction returned), "aborted" (abort_transaction returned,
or commit was never asked for) or "unconfirmed" (commit was asked for, never confirmed); then the
result line {"producer", "transactions", "recreated", "errors"}.
"""

import random
import time

from confluent_kafka import KafkaException, Producer

import common

TIMEOUT_S = 10
TRIES = 3


class Failed(Exception):
    """The producer must be created again; the transaction in flight is settled by its re-init."""


class Chaos:
    def __init__(self, args):
        self.args = args
        self.started = time.time()
        self.rng = random.Random(args["seed"])
        self.recreated = -1
        self.errors = []
        self.producer = None
        self.create()

    def note(self, where, error):
        if len(self.errors) < 20:
            self.errors.append("%.1fs %s: %s" % (time.time() - self.started, where, error))

    def create(self):
        self.recreated += 1
        deadline = time.time() + 60
        while True:
            config = {
                "bootstrap.servers": self.args["bootstrap"],
                "transactional.id": "chaos-%d" % self.args["producer"],
                "transaction.timeout.ms": 10000,
                "linger.ms": 2,
            }
            if self.args.get("debug"):
                config["debug"] = self.args["debug"]  # librdkafka's debug contexts, logged on stderr
            self.producer = Producer(config)
            try:
                self.producer.init_transactions(TIMEOUT_S)
                return
            except KafkaException as e:
                self.note("init_transactions", e.args[0])
                if time.time() > deadline:
                    raise
                time.sleep(0.2)

    def attempt(self, call, where):
        """Runs call() until it returns; a retriable error is retried, an abortable one raised, anything else is Failed."""
        for _ in range(TRIES):
            try:
                return call()
            except KafkaException as e:
                error = e.args[0]
                self.note(where, error)
                if error.txn_requires_abort():
                    raise
                if not error.retriable():
                    raise Failed() from e
        raise Failed()

    def transaction(self, number):
        size = self.rng.randint(1, self.args["max_size"])
        intent = "c" if self.rng.random() < 0.7 else "a"
        name = "p%d-t%d" % (self.args["producer"], number)
        records = [[self.rng.randrange(self.args["partitions"]), "%s-i%d-n%d-%s" % (name, i, size, intent)] for i in range(size)]
        asked = False
        try:
            self.producer.begin_transaction()
            for partition, value in records:
                self.produce(partition, value)
            if intent == "a":
                self.attempt(lambda: self.producer.abort_transaction(TIMEOUT_S), "abort_transaction")
                return records, intent, "aborted"
            asked = True
            self.attempt(lambda: self.producer.commit_transaction(TIMEOUT_S), "commit_transaction")
            return records, intent, "committed"
        except KafkaException as e:  # abortable
            self.note("transaction", e.args[0])
            try:
                self.attempt(lambda: self.producer.abort_transaction(TIMEOUT_S), "abort_transaction")
                return records, intent, "aborted"
            except (KafkaException, Failed):
                pass
        except Failed:
            pass
        self.create()
        return records, intent, "unconfirmed" if asked else "aborted"

    def produce(self, partition, value):
        while True:
            try:
                self.producer.produce(self.args["topic"], value=value.encode(), partition=partition)
                return
            except BufferError:
                self.producer.poll(0.05)


def run(args):
    chaos = Chaos(args)
    deadline = time.time() + args["duration_s"]
    number = 0
    while time.time() < deadline:
        records, intent, outcome = chaos.transaction(number)
        common.events([{"t": number, "intent": intent, "outcome": outcome, "records": records}])
        number += 1
    return {"producer": args["producer"], "transactions": number, "recreated": chaos.recreated, "errors": chaos.errors}


if __name__ == "__main__":
    _name, arguments = common.command_line()
    common.reply(run(arguments))
