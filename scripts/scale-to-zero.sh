#!/usr/bin/env bash
# Scale to zero and back, locally: start a broker on SQLite in a temporary directory, produce one
# record, stop the broker with SIGTERM (as Fly.io's auto-stop does), start it again on the same
# file and consume the record. Exits 0 and prints "round trip ok" when the record came back.
#   scripts/scale-to-zero.sh                  runs bun src/main.ts
#   TANSU=dist/tansu scripts/scale-to-zero.sh runs the compiled binary
set -euo pipefail
cd "$(dirname "$0")/.."

read -r -a tansu <<<"${TANSU:-./node_modules/.bin/bun src/main.ts}"
dir=$(mktemp -d)
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$dir"' EXIT
storage="sqlite://$dir/tansu.db"
record=$'k1\tproduced before scaling to zero'

start() {
  : >"$dir/log"
  local t0=$(date +%s%N)
  "${tansu[@]}" broker --storage-engine "$storage" --listener-url tcp://127.0.0.1:0 --admin-listener-url http://127.0.0.1:0 2>"$dir/log" &
  pid=$!
  for _ in $(seq 1000); do
    port=$(sed -n 's/.*broker listening listener=[^ ]*:\([0-9]*\) .*/\1/p' "$dir/log")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$dir/log" >&2; exit 1; }
    sleep 0.01
  done
  [ -n "$port" ] || { echo "broker did not start" >&2; cat "$dir/log" >&2; exit 1; }
  echo "broker up on 127.0.0.1:$port after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

stop() {
  kill -TERM "$pid"
  wait "$pid"
  pid=""
  echo "broker stopped (SIGTERM)"
}

start
printf '%s\n' "$record" | "${tansu[@]}" cat produce scale-to-zero --bootstrap-server "127.0.0.1:$port"
stop
start
got=$("${tansu[@]}" cat consume scale-to-zero --from-beginning --max-messages 1 --timeout-ms 10000 --bootstrap-server "127.0.0.1:$port")
stop
if [ "$got" != "$record" ]; then
  echo "expected \"$record\", consumed \"$got\"" >&2
  exit 1
fi
echo "round trip ok: $got"
