#!/usr/bin/env bash
# The Python client (clients/python) against a real regserve-server: generate
# the stubs with grpc_tools, run example.py, check its values and error codes.
# Needs Debian's python3-grpc-tools, python3-grpcio and python3-protobuf
# (scripts/setup.sh). Usage: python_client_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin="$1"; src=$(cd "$2" && pwd)
source "$(dirname "$0")/lib.sh"
prepare_python_client
start_server "$bin" "$src"
rc=0
"$python" "$src/clients/python/example.py" --target "127.0.0.1:$port" >"$work/out" 2>&1 || rc=$?
expect_line strings "$work/out" "Predict from strings: 6.97177751"
check_example python "$rc" "$work/out"
