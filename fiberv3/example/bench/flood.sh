#!/usr/bin/env bash
# A flood of failed logins against the example site at its default hasher
# (pbkdf2_sha256, 1,200,000 iterations): ATTACKERS clients, each from its own
# loopback address, post wrong passwords for random usernames without pause
# while a prober loads the anonymous home page every 50 ms (see flood/main.go).
#
#   bash example/bench/flood.sh                 # 64 attackers, 20 s
#   ATTACKERS=64 DURATION=30s PORT=18010 bash example/bench/flood.sh
#
# EXAMPLE_DIR=/path/to/another/checkout measures that checkout's example
# (an older commit, for a before/after), with the flags it takes (FLAGS).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ATTACKERS=${ATTACKERS:-64}
DURATION=${DURATION:-20s}
PORT=${PORT:-18010}
EXAMPLE_DIR=${EXAMPLE_DIR:-$root}
FLAGS=${FLAGS:-}
work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
(cd "$EXAMPLE_DIR" && go build -o "$work/example" ./example)
(cd "$root" && go build -o "$work/flood" ./example/bench/flood)
# shellcheck disable=SC2086
"$work/example" -addr "127.0.0.1:$PORT" -db "$work/flood.sqlite3" $FLAGS >"$work/example.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
  sleep 0.1
done
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3); $ATTACKERS attackers for $DURATION"
"$work/flood" -url "http://127.0.0.1:$PORT" -attackers "$ATTACKERS" -duration "$DURATION"
