#!/usr/bin/env bash
# End to end: Debian's real Prometheus scrapes a real regserve-server; after
# a known number of calls, Prometheus's HTTP API returns exactly that count.
# Both processes run on loopback, are started and stopped by PID, and never
# outlive the test. Usage: prometheus_e2e_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin="$1"; src="$2"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

"$bin/regserve-server" --port=0 --metrics_port=-1 --http_port=0 --threads=1 \
  --port_file="$work/ports" --model_repository="$src/models" 2>"$work/server.log" &
pids+=($!)
# shellcheck source=tests/server_process.sh
. "$(dirname "$0")/../../server_process.sh"
wait_for_port_file "$work/ports" "${pids[0]}" ||
  { echo "FAIL the server did not start:"; cat "$work/server.log"; exit 1; }
grpc_port=$(sed -n 1p "$work/ports"); metrics_port=$(sed -n 2p "$work/ports")

cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: regserve
    static_configs:
      - targets: ["127.0.0.1:$metrics_port"]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:0" >"$work/prometheus.log" 2>&1 &
pids+=($!)
# Its web server binds port 0 and logs the port it got (no port is picked
# before it is bound, so no other process can take it in between).
prom_listening() {
  prom_port=$(sed -n 's/.*msg="Listening on" address=127\.0\.0\.1:\([0-9]*\).*/\1/p' \
    "$work/prometheus.log" | head -1)
  [ -n "$prom_port" ]
}
wait_until 60 prom_listening ||
  { echo "FAIL Prometheus did not start:"; tail -20 "$work/prometheus.log"; exit 1; }

calls=25
row="CRIM=0.00632,ZN=18,INDUS=2.31,CHAS=0,NOX=0.538,RM=6.575,AGE=65.2,DIS=4.09,RAD=1,TAX=296,PTRATIO=15.3,B=396.9,LSTAT=4.98"
for _ in $(seq $calls); do
  "$bin/regserve-cli" --target="127.0.0.1:$grpc_port" --feature "$row" predict >/dev/null
done

query='sum(grpc_server_handled_total{grpc_method="Predict",grpc_code="OK"})'
got=""
for _ in $(seq 240); do  # bounds a hang: Prometheus starts and scrapes in ~2 s
  got=$(curl -sf --get "http://127.0.0.1:$prom_port/api/v1/query" \
          --data-urlencode "query=$query" 2>/dev/null |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' \
        2>/dev/null || true)
  [ "$got" = "$calls" ] && break
  sleep 0.5
done
echo "Prometheus says $query = ${got:-nothing} (sent $calls)"
[ "$got" = "$calls" ] || { tail -20 "$work/prometheus.log"; exit 1; }
up=$(curl -sf --get "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode 'query=up{job="regserve"}' |
     python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["result"][0]["value"][1])')
[ "$up" = 1 ] || { echo "target not up"; exit 1; }
