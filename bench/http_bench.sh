#!/usr/bin/env bash
# The HTTP/1.1 JSON gateway under keep-alive load (wrk, Debian's): Predict
# (POST :predict, the seed row) against a true ceiling on the same server
# and connections, GET /healthz (no body to parse, no model). Runs
# alternate, REPS each; the medians are printed. The server is pinned to
# CPU 0 and wrk to CPU 1 when there are two CPUs.
#
#   bench/http_bench.sh [--smoke]
#
# Environment: BUILD (build dir), DURATION (s per run, 5), REPS (3),
# CONNECTIONS (space-separated, "8 64"). Writes bench/results/http.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BUILD:-build}/bin; duration=${DURATION:-5}; reps=${REPS:-3}
connections=${CONNECTIONS:-"8 64"}; out=bench/results/http.md
if [ "${1:-}" = "--smoke" ]; then duration=1; reps=1; connections=8; out=$(mktemp); fi
command -v wrk >/dev/null || { echo "http_bench: needs wrk (apt-get install wrk)" >&2; exit 2; }
work=$(mktemp -d); server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
pin_server=(); pin_client=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  pin_server=(taskset -c 0); pin_client=(taskset -c 1)
fi

"${pin_server[@]}" "$bin/regserve-server" --port=0 --http_port=-1 --metrics_port=0 \
  --threads=1 --http_threads=1 --model_repository=models \
  --port_file="$work/port" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 200); do [ "$(wc -l < "$work/port" 2>/dev/null || echo 0)" -ge 3 ] && break; sleep 0.05; done
http=$(sed -n 3p "$work/port")
cat > "$work/predict.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"features": {"CRIM": 0.00632, "ZN": 18, "INDUS": 2.31, "CHAS": 0, "NOX": 0.538, "RM": 6.575, "AGE": 65.2, "DIS": 4.09, "RAD": 1, "TAX": 296, "PTRATIO": 15.3, "B": 396.9, "LSTAT": 4.98}}'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.1f %.1f %d\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
LUA
sed -e '/wrk.method/d' -e '/wrk.body/d' -e '/Content-Type/d' "$work/predict.lua" > "$work/health.lua"

run() {  # run PATH SCRIPT CONNECTIONS: requests/s p50_us p99_us errors
  "${pin_client[@]}" wrk -t1 -c"$3" -d"${duration}s" -s "$2" \
    "http://127.0.0.1:$http$1" | awk '/^RESULT/ {printf "%.0f %s %s %s\n", $2 / ($3 / 1e6), $4, $5, $6}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

{
  echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); ${duration}s x ${reps}, alternating; medians. Server on CPU 0 (1 gRPC + 1 HTTP thread), wrk -t1 on CPU 1."
  echo
  echo "| connections | ceiling: GET /healthz req/s | POST :predict req/s | predict / ceiling | predict p50 / p99 µs | errors |"
  echo "|---|---|---|---|---|---|"
  for c in $connections; do
    : > "$work/h"; : > "$work/p"
    for _ in $(seq "$reps"); do
      run /healthz "$work/health.lua" "$c" >> "$work/h"
      run /v1/models/boston_housing:predict "$work/predict.lua" "$c" >> "$work/p"
    done
    h=$(cut -d' ' -f1 "$work/h" | median); p=$(cut -d' ' -f1 "$work/p" | median)
    p50=$(cut -d' ' -f2 "$work/p" | median); p99=$(cut -d' ' -f3 "$work/p" | median)
    errors=$(awk '{s += $4} END {print s}' "$work/h" "$work/p")
    if [ "$errors" != 0 ] || [ "${p:-0}" -le 0 ]; then failed=1; fi
    echo "| $c | $h | $p | $(awk -v a="$p" -v b="$h" 'BEGIN {printf "%.2f", a / b}') | $p50 / $p99 | $errors |"
  done
  exit "${failed:-0}"
} | tee "$out"
status=${PIPESTATUS[0]}
[ "$status" = 0 ] || echo "http_bench: errors or no answers (see the table)" >&2
exit "$status"
