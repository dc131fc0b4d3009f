"""Shared by the client scripts: arguments, record files and the JSON they print.

Every script is run as `/usr/bin/python3 <script> <command> '<json arguments>'` and prints one
JSON object on its last stdout line. Records to produce are JSON lines {k, v, h, ts}; consumed
records are written as JSON lines {p, o, k, v, h, ts}. The `group` command (a balanced consumer)
also streams its assignments and records on stdout until SIGTERM (see events).
"""

import json
import signal
import struct
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


class Stop:
    """Set by SIGTERM, so that a balanced consumer can commit, leave its group and exit 0."""

    def __init__(self):
        self.requested = False
        signal.signal(signal.SIGTERM, self._request)

    def _request(self, _signum, _frame):
        self.requested = True


def events(lines):
    """Balanced consumers report on stdout one JSON object a line: {"assigned": [...]},
    {"revoked": [...]}, {"p", "o", "k", "v"} per record, and their result last."""
    sys.stdout.write("".join(json.dumps(line) + "\n" for line in lines))
    sys.stdout.flush()


def record_event(partition, offset, key, value):
    return {"p": partition, "o": offset, "k": decode(key), "v": decode(value)}


def assignment_partitions(data, topic):
    """The partitions of `topic` in a ConsumerProtocolAssignment: int16 version, then an array of
    (string topic, array of int32 partition), then user data."""
    if not data:
        return []
    (topics,) = struct.unpack_from(">i", data, 2)
    at, found = 6, []
    for _ in range(max(topics, 0)):
        (length,) = struct.unpack_from(">h", data, at)
        name = data[at + 2:at + 2 + length].decode("utf-8")
        at += 2 + length
        (count,) = struct.unpack_from(">i", data, at)
        partitions = struct.unpack_from(">%di" % count, data, at + 4)
        at += 4 + 4 * count
        if name == topic:
            found.extend(partitions)
    return sorted(found)
