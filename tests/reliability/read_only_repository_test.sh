#!/usr/bin/env bash
# Drill: the model repository on a read-only mount, under load.
#
# regserve-server only ever reads the repository, so a read-only path (a
# ConfigMap, a read-only volume, a filesystem the kernel remounted
# read-only after an I/O error) must change nothing for it. In a private
# mount namespace the repository is bind-mounted read-only, and:
#   1. the server starts on it and answers;
#   2. under load, a version published through the writable path beneath
#      appears through the read-only mount and is served, with no failed
#      call;
#   3. regserve-train cannot publish into the read-only path: it exits 1
#      with an error naming the path and the cause, and leaves nothing
#      behind (no version, no temporary directory).
# As root, permissions do not stop writes, hence a real read-only mount;
# where mount namespaces are not allowed the test is skipped (exit 77).
# Usage: read_only_repository_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin="$1"; src="$2"
if ! unshare -m true 2>/dev/null; then
  echo "SKIP: cannot create a mount namespace here (needs CAP_SYS_ADMIN)"
  exit 77
fi
work=$(mktemp -d); server=""
cleanup() {
  set +e
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/repo" "$work/ro"
cp -r "$src/models/boston_housing" "$work/repo/"

# in_read_only_ns CMD...: becomes CMD (exec, so call it in a subshell),
# running where $work/ro is $work/repo, read-only.
in_read_only_ns() {
  exec unshare -m --propagation private bash -c '
    set -e
    mount --bind "$1" "$2"
    mount -o remount,bind,ro "$2"
    if touch "$2/.write-probe" 2>/dev/null; then
      echo "$2 is writable: not a read-only mount" >&2; exit 3
    fi
    shift 2
    exec "$@"' _ "$work/repo" "$work/ro" "$@"
}

# The subshell becomes unshare, then bash, then the server: one pid.
(in_read_only_ns "$bin/regserve-server" --model_repository="$work/ro" \
  --port=0 --metrics_port=-1 --http_port=0 --threads=1 \
  --model_poll_seconds=0.2 --port_file="$work/port") >"$work/server.log" 2>&1 &
server=$!
# shellcheck source=tests/server_process.sh
. "$src/tests/server_process.sh"
if ! wait_for_port_file "$work/port" "$server"; then
  echo "FAIL: the server did not start on a read-only repository"
  cat "$work/server.log"; exit 1
fi
target="127.0.0.1:$(sed -n 1p "$work/port")"
metrics="http://127.0.0.1:$(sed -n 2p "$work/port")/metrics"
# metric_at_least SERIES_PREFIX N: the server's own count has reached N.
metric_at_least() {
  curl -sf "$metrics" | awk -v p="$1" -v n="$2" \
    'index($0, p) == 1 { s += $NF } END { exit !(s >= n) }'
}
cli=("$bin/regserve-cli" "--target=$target")
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
row1="CRIM=0.00632,ZN=18,INDUS=2.31,CHAS=0,NOX=0.538,RM=6.575,AGE=65.2"
row1="$row1,DIS=4.09,RAD=1,TAX=296,PTRATIO=15.3,B=396.9,LSTAT=4.98"

# 1. Serving from the read-only mount.
out=$("${cli[@]}" --feature "$row1" predict 2>&1) || true
[[ "$out" == *"30.00384338"* ]] && echo "ok   serves from a read-only mount" \
  || fail "predict on a read-only repository: $out"

# 2. A new version under load. The load runs until stopped (SIGTERM ends
# regserve-bench's run and it reports); each step waits for its event in the
# server's own metrics, so the switch happens under load on any machine.
"$bin/regserve-bench" --target="$target" --concurrency=8 --duration_s=600 \
  --warmup_s=0 --json --quiet > "$work/load.json" &
load=$!
wait_until 60 metric_at_least 'regserve_rows_predicted_total{model="boston_housing",version="1"}' 100 ||
  fail "the load never reached version 1"
"$bin/regserve-train" --data="$src/data/boston_housing.csv" --target=MEDV \
  --model_name=boston_housing --repository="$work/repo" --version=2 \
  --ridge_lambda=5 > "$work/train2.log" 2>&1 || fail "publishing version 2 beneath"
served_version() {
  version=$("${cli[@]}" metadata 2>/dev/null | awk '/^model:/ {print $NF; exit}')
  [ "$version" = 2 ]
}
version=""
wait_until 60 served_version && echo "ok   version 2 served through the read-only mount" \
  || fail "version 2 not served (metadata says version '$version')"
wait_until 60 metric_at_least 'regserve_rows_predicted_total{model="boston_housing",version="2"}' 100 ||
  fail "the load never reached version 2"
kill -TERM "$load"
wait "$load" || fail "regserve-bench exited $?"
python3 - "$work/load.json" <<'EOF' || failures=$((failures + 1))
import json, sys
r = json.load(open(sys.argv[1]))
ok = r["calls"] > 0 and r["failed_good"] == 0 and not r["errors"]
print(f"{'ok  ' if ok else 'FAIL'} under load: {r['calls']} calls, "
      f"{r['failed_good']} failed, errors {r['errors']}")
sys.exit(0 if ok else 1)
EOF

# 3. The trainer cannot publish into the read-only path, and says why.
rc=0
(in_read_only_ns "$bin/regserve-train" --data="$src/data/boston_housing.csv" \
  --target=MEDV --model_name=boston_housing --repository="$work/ro" \
  --version=3) > "$work/train3.log" 2>&1 || rc=$?
err=$(cat "$work/train3.log")
if [ "$rc" = 1 ] && [[ "$err" == *"$work/ro"* ]] && [[ "$err" == *"Read-only file system"* ]]; then
  echo "ok   regserve-train refused: $(grep -i 'read-only' "$work/train3.log" | head -1)"
else
  fail "regserve-train into a read-only repository: exit $rc, output: $err"
fi
left=$(ls -A "$work/repo/boston_housing")
[ "$left" = "$(printf '1\n2')" ] && echo "ok   nothing half-written (versions: $(echo $left))" \
  || fail "repository after the refused publish holds: $(echo $left)"

kill -0 "$server" 2>/dev/null && echo "ok   server still running" || fail "server died"
echo "read-only repository drill: $failures failures"
[ "$failures" = 0 ]
