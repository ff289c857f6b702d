#!/usr/bin/env bash
# Load benchmark of the example site against the hand-written baseline in
# ./baseline, in one run, on loopback. Needs wrk (Debian package "wrk").
#
#   bash example/bench/run.sh            # 10 s per flow, 32 connections
#   DURATION=30s CONNS=32 WRK_NICE=10 bash example/bench/run.sh
#   FLOWS=login_logout bash example/bench/run.sh   # some of the flows
#   EXAMPLE_PORT=18000 BASELINE_PORT=18001 (the defaults)
#
# Flows (Lua scripts here, one connection per wrk thread, see common.lua):
#   home_anonymous  GET /home/ without cookies;
#   home_logged_in  GET /home/ as demo (each connection logs in once first);
#   login_logout    GET login form, POST login, GET /home/, POST logout, then
#                   GET /home/ with the old session cookie, which must be
#                   anonymous (a logout that does not log out is a failure).
#
# Both servers render the example's templates (the baseline reads them from
# example/templates), so that they send the same pages.
#
# Each server gets a fresh SQLite file in a temp dir and a demo user whose
# password is hashed with pbkdf2-sha256 at the same iterations
# (PBKDF2_ITERATIONS, default 1000, so that the login flow measures the
# framework rather than the password hash; at Django's 1,200,000 a hash takes
# ~220 ms on these machines and dominates both sides equally).
# Prints a Markdown table of requests/s, latency percentiles, non-2xx/3xx
# responses, socket errors, flow cycles and flow failures, and the ratio
# example/baseline for every flow. Exits 1 if any flow failed or any response
# was not 2xx/3xx.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
# wrk runs on the same two cores as the server; niced, its 32 threads do not
# starve the server being measured (WRK_NICE=0 for an unniced run: p99 then
# mostly measures CPU contention, on both servers alike).
WRK_NICE=${WRK_NICE:-10}
PBKDF2_ITERATIONS=${PBKDF2_ITERATIONS:-1000}
EXAMPLE_PORT=${EXAMPLE_PORT:-18000}
BASELINE_PORT=${BASELINE_PORT:-18001}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
(cd "$root" && go build -o "$work/example" ./example && go build -o "$work/baseline" ./example/bench/baseline)

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$EXAMPLE_PORT" "$BASELINE_PORT"; do
  if port_open "$port"; then
    echo "port $port is already in use: stop what listens there or set EXAMPLE_PORT/BASELINE_PORT" >&2
    exit 1
  fi
done

wait_up() { # pid port name
  for _ in $(seq 1 100); do
    kill -0 "$1" 2>/dev/null || { echo "$3 exited:" >&2; cat "$work/$3.log" >&2; return 1; }
    if port_open "$2"; then return 0; fi
    sleep 0.1
  done
  echo "$3 did not start on port $2" >&2; return 1
}

"$work/example" -addr "127.0.0.1:$EXAMPLE_PORT" -db "$work/example.sqlite3" -pbkdf2-iterations "$PBKDF2_ITERATIONS" >"$work/example.log" 2>&1 &
pids+=($!)
wait_up "$!" "$EXAMPLE_PORT" example
"$work/baseline" -addr "127.0.0.1:$BASELINE_PORT" -db "$work/baseline.sqlite3" -pbkdf2-iterations "$PBKDF2_ITERATIONS" \
  -templates "$root/example/templates" >"$work/baseline.log" 2>&1 &
pids+=($!)
wait_up "$!" "$BASELINE_PORT" baseline

declare -A rps p50 p99 non err ok fail detail
run() { # flow server port
  local out
  out=$(BENCH_DIR="$here" nice -n "$WRK_NICE" wrk -t"$CONNS" -c"$CONNS" -d"$DURATION" --latency -s "$here/$1.lua" "http://127.0.0.1:$3/home/")
  echo "$out" >"$work/$1-$2.txt"
  rps[$1,$2]=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
  p50[$1,$2]=$(echo "$out" | sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p')
  p99[$1,$2]=$(echo "$out" | sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p')
  non[$1,$2]=$(echo "$out" | awk '/Non-2xx or 3xx/ {print $NF}'); non[$1,$2]=${non[$1,$2]:-0}
  # "Socket errors: connect 0, read 0, write 0, timeout 0"
  err[$1,$2]=$(echo "$out" | awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}'); err[$1,$2]=${err[$1,$2]:-0}
  ok[$1,$2]=$(echo "$out" | sed -n 's/.*flow cycles: \([0-9]*\).*/\1/p')
  fail[$1,$2]=$(echo "$out" | sed -n 's/.*flow failures: \([0-9]*\).*/\1/p')
  detail[$1,$2]=$(echo "$out" | sed -n 's/.*flow failures: [0-9]* (\(.*\))/\1/p')
}
read -r -a flows <<<"${FLOWS:-home_anonymous home_logged_in login_logout}"
for f in "${flows[@]}"; do
  run "$f" baseline "$BASELINE_PORT"
  run "$f" example "$EXAMPLE_PORT"
done

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo "machine: $(nproc) cores ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | awk '{print $3}'), $(wrk -v 2>&1 | awk 'NR==1 {print $1, $2}')"
echo "command: nice -n $WRK_NICE wrk -t$CONNS -c$CONNS -d$DURATION --latency -s example/bench/<flow>.lua http://127.0.0.1:<port>/home/ (pbkdf2 iterations $PBKDF2_ITERATIONS)"
echo
echo "| flow | server | req/s | p50 ms | p99 ms | non-2xx/3xx | socket errors | flow cycles | flow failures |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
bad=0
for f in "${flows[@]}"; do
  for s in baseline example; do
    echo "| $f | $s | ${rps[$f,$s]} | ${p50[$f,$s]} | ${p99[$f,$s]} | ${non[$f,$s]} | ${err[$f,$s]} | ${ok[$f,$s]} | ${fail[$f,$s]} (${detail[$f,$s]}) |"
    if [ "${non[$f,$s]}" != 0 ] || [ "${fail[$f,$s]:-1}" != 0 ] || [ "${ok[$f,$s]:-0}" = 0 ]; then bad=1; fi
  done
done
echo
echo "| flow | ratio example/baseline (req/s) |"
echo "|---|---:|"
for f in "${flows[@]}"; do
  echo "| $f | $(awk -v a="${rps[$f,example]}" -v b="${rps[$f,baseline]}" 'BEGIN {printf "%.2f", a/b}') |"
done
if [ "$bad" != 0 ]; then
  echo >&2
  echo "some flow failed or got non-2xx/3xx answers: see the table" >&2
  exit 1
fi
