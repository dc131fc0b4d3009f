"""Shared by the client scripts: arguments, record files and the JSON they print.

Every script is run as `/usr/bin/python3 <script> <command> '<json arguments>'` and prints one
JSON object on its last stdout line. Records to produce are JSON lines {k, v, h, ts}; consumed
records are written as JSON lines {p, o, k, v, h, ts}.
"""

import json
import sys


def command_line():
    if len(sys.argv) != 3:
        sys.exit("usage: %s <command> '<json arguments>'" % sys.argv[0])
    return sys.argv[1], json.loads(sys.argv[2])


def encode(text):
    return None if text is None else text.encode("utf-8")


def decode(data):
    return None if data is None else data.decode("utf-8")


def read_records(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def consumed_line(partition, offset, key, value, headers, timestamp):
    return json.dumps({
        "p": partition,
        "o": offset,
        "k": decode(key),
        "v": decode(value),
        "h": [[name, decode(v)] for name, v in headers],
        "ts": timestamp,
    }) + "\n"


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
