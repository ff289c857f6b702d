#!/usr/bin/env bash
# Load benchmark of the example site against the hand-written baseline in
# ./baseline, in one run, on loopback. Needs wrk (Debian package "wrk").
#
#   bash example/bench/run.sh            # 10 s per flow, 32 connections
#   DURATION=30s CONNS=32 bash example/bench/run.sh
#
# Each server gets a fresh SQLite file in a temp dir and a demo user whose
# password is hashed with the same bcrypt cost (BCRYPT_COST, default 4, so the
# login flow measures the framework rather than the password hash; at cost 10 a
# hash takes ~60 ms on these machines and dominates both sides equally).
# Prints a Markdown table of requests/s, latency percentiles, non-2xx/3xx
# responses and flow failures, and the ratio example/baseline for every flow.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
BCRYPT_COST=${BCRYPT_COST:-4}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
(cd "$root" && go build -o "$work/example" ./example && go build -o "$work/baseline" ./example/bench/baseline)

wait_up() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2; return 1
}

"$work/example" -addr 127.0.0.1:18000 -db "$work/example.sqlite3" -bcrypt-cost "$BCRYPT_COST" >"$work/example.log" 2>&1 &
pids+=($!)
"$work/baseline" -addr 127.0.0.1:18001 -db "$work/baseline.sqlite3" -bcrypt-cost "$BCRYPT_COST" >"$work/baseline.log" 2>&1 &
pids+=($!)
wait_up 18000; wait_up 18001

declare -A rps p50 p99 non ok fail
run() { # name server port script
  local out
  out=$(BENCH_DIR="$here" wrk -t"$CONNS" -c"$CONNS" -d"$DURATION" --latency -s "$here/$4.lua" "http://127.0.0.1:$3/home/")
  echo "$out" >"$work/$1-$2.txt"
  rps[$1,$2]=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
  p50[$1,$2]=$(echo "$out" | sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p')
  p99[$1,$2]=$(echo "$out" | sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p')
  non[$1,$2]=$(echo "$out" | awk '/Non-2xx or 3xx/ {print $NF}'); non[$1,$2]=${non[$1,$2]:-0}
  ok[$1,$2]=$(echo "$out" | sed -n 's/.*flow cycles: \([0-9]*\).*/\1/p')
  fail[$1,$2]=$(echo "$out" | sed -n 's/.*flow failures: \([0-9]*\).*/\1/p')
}
flows=(home_anonymous home_logged_in login_logout)
for f in "${flows[@]}"; do
  run "$f" baseline 18001 "$f"
  run "$f" example 18000 "$f"
done

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | awk '{print $3}'), wrk -t$CONNS -c$CONNS -d$DURATION, bcrypt cost $BCRYPT_COST"
echo
echo "| flow | server | req/s | p50 ms | p99 ms | non-2xx/3xx | flow ok | flow failures |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for f in "${flows[@]}"; do
  for s in baseline example; do
    echo "| $f | $s | ${rps[$f,$s]} | ${p50[$f,$s]} | ${p99[$f,$s]} | ${non[$f,$s]} | ${ok[$f,$s]} | ${fail[$f,$s]} |"
  done
done
echo
echo "| flow | ratio example/baseline (req/s) |"
echo "|---|---:|"
for f in "${flows[@]}"; do
  echo "| $f | $(awk -v a="${rps[$f,example]}" -v b="${rps[$f,baseline]}" 'BEGIN {printf "%.2f", a/b}') |"
done
