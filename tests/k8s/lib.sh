# shellcheck shell=bash
# Helpers shared by the tests in tests/k8s (sourced, not run).

# shellcheck source=tests/server_process.sh
. "$(dirname "${BASH_SOURCE[0]}")/../server_process.sh"

# No __pycache__ in the source tree when a test imports validate_manifests.
export PYTHONDONTWRITEBYTECODE=1

# The Python with python3-yaml and python3-jsonschema: Debian's first, since
# another python3 may come first on PATH.
pick_python() {
  local p
  for p in /usr/bin/python3 python3; do
    if command -v "$p" >/dev/null 2>&1 &&
       "$p" -c 'import yaml, jsonschema' 2>/dev/null; then
      echo "$p"; return 0
    fi
  done
  echo "tests/k8s: needs Debian's python3-yaml and python3-jsonschema" >&2
  return 1
}

# start_server PORT_FILE LOG COMMAND...: runs a regserve-server in the
# background (sets server_pid) and waits until it has written its ports.
start_server() {
  local port_file=$1 log=$2; shift 2
  "$@" --port_file="$port_file" >"$log" 2>&1 &
  server_pid=$!
  wait_for_port_file "$port_file" "$server_pid" && return 0
  echo "FAIL the server did not start:"; cat "$log"; return 1
}

failures=0
# expect NAME WANT_EXIT WANT_SUBSTRING -- COMMAND...: runs COMMAND and checks
# its exit status and that its output contains WANT_SUBSTRING.
expect() {
  local name=$1 want_exit=$2 want=$3; shift 4
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  if [ "$rc" != "$want_exit" ] || [[ "$out" != *"$want"* ]]; then
    echo "FAIL $name: exit $rc (want $want_exit, output containing '$want'):"
    echo "$out" | tail -20
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}
