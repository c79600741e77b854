#!/usr/bin/env bash
# The benchmark suite: baseline gRPC server vs regserve-server on the same
# machine and load shape, in one go. The server is pinned to CPU 0 and the
# load generator to CPU 1 (taskset) when the machine has two or more CPUs.
#
#   bench/run_bench.sh            # full run: 5 s x 3 repetitions per point
#   bench/run_bench.sh --smoke    # a seconds-long check that the tools run
#
# Writes bench/results/{results.jsonl,summary.md,latency.dat,latency.png}
# and prints the summary. Environment: DURATION (s), REPS, BUILD (build dir).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}; bin="$build/bin"
duration=${DURATION:-5}; reps=${REPS:-3}; smoke=0
if [ "${1:-}" = "--smoke" ]; then smoke=1; duration=1; reps=1; fi
out=bench/results; [ $smoke = 1 ] && out=$(mktemp -d)
mkdir -p "$out"; : > "$out/results.jsonl"
work=$(mktemp -d); server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

pin_server=(); pin_client=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  pin_server=(taskset -c 0); pin_client=(taskset -c 1)
fi

start_server() {  # start_server baseline|regserve [server flags...]
  local kind=$1; shift
  rm -f "$work/port"
  if [ "$kind" = baseline ]; then
    "${pin_server[@]}" "$bin/baseline-server" --port=0 --threads=1 \
      --port_file="$work/port" "$@" 2>"$work/server.log" &
  else
    "${pin_server[@]}" "$bin/regserve-server" --port=0 --http_port=0 --threads=1 \
      --model_repository=models --port_file="$work/port" "$@" 2>"$work/server.log" &
  fi
  server_pid=$!
  for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
  port=$(sed -n 1p "$work/port")
}

stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

server_cpu_ticks() {  # user + system clock ticks of the server process
  awk '{print $14 + $15}' "/proc/$server_pid/stat"
}

measure() {  # measure LABEL SERVER [bench flags...]: REPS runs into results
  local label=$1 server=$2; shift 2
  for _ in $(seq "$reps"); do
    local before after start end
    before=$(server_cpu_ticks); start=$(date +%s.%N)
    "${pin_client[@]}" "$bin/regserve-bench" --target="127.0.0.1:$port" \
      --duration_s="$duration" --warmup_s=1 --json --quiet "$@" > "$work/run.json"
    after=$(server_cpu_ticks); end=$(date +%s.%N)
    # Server CPU per call: comparable even when the load generator, not the
    # server, is what limits calls/s.
    python3 -c 'import json,sys,os
r=json.load(open(sys.argv[1])); r["label"]=sys.argv[2]; r["server"]=sys.argv[3]
cpu=(float(sys.argv[5])-float(sys.argv[4]))/os.sysconf("SC_CLK_TCK")
wall=float(sys.argv[7])-float(sys.argv[6])
r["server_cpu_util"]=cpu/wall
r["server_cpu_us_per_call"]=1e6*cpu/wall/max(r["calls_per_s"],1e-9)
print(json.dumps(r))' "$work/run.json" "$label" "$server" "$before" "$after" "$start" "$end" \
      >> "$out/results.jsonl"
  done
  echo "  $label done" >&2
}

concurrencies="1 16 64"; batches="1 100 10000"; loads="0.25 0.5 0.75 0.9"
[ $smoke = 1 ] && { concurrencies="16"; batches="100"; loads="0.5"; }

for server in baseline regserve; do
  echo "== $server: Predict, closed loop" >&2
  start_server $server
  for c in $concurrencies; do measure "predict c=$c" $server --concurrency="$c"; done
  max=$(python3 bench/summarize.py max "$out/results.jsonl" "predict c=${concurrencies##* }" $server)
  echo "== $server: Predict, open loop at fractions of $max calls/s" >&2
  for f in $loads; do
    rate=$(python3 -c "print(int($max * $f))")
    measure "predict open $f" $server --rate="$rate"
  done
  [ $server = regserve ] && for b in $batches; do
    conc=16; [ "$b" = 10000 ] && conc=4
    measure "batch table $b" $server --method=batch --batch_input=table \
      --batch_size="$b" --concurrency=$conc
  done
  stop_server
done

echo "== regserve: Predict with metrics off" >&2
start_server regserve --metrics_port=0
measure "predict c=${concurrencies##* } metrics off" regserve --concurrency="${concurrencies##* }"
stop_server
echo "== regserve: Predict with metrics on" >&2
start_server regserve --metrics_port=-1
measure "predict c=${concurrencies##* } metrics on" regserve --concurrency="${concurrencies##* }"
stop_server

echo "== regserve: idle memory and readiness" >&2
python3 bench/idle_check.py "$bin" >> "$out/results.jsonl"

python3 bench/summarize.py report "$out/results.jsonl" "$out" \
  "$(nproc) x $(lscpu | sed -n 's/^Model name: *//p'), ${duration}s x ${reps} reps"
if [ $smoke = 0 ] && command -v gnuplot >/dev/null; then
  gnuplot -e "data='$out/latency.dat'; out='$out/latency.png'" bench/latency.gnuplot
fi
cat "$out/summary.md"
