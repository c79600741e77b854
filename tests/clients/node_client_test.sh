#!/usr/bin/env bash
# The Node.js client (clients/node, @grpc/grpc-js + @grpc/proto-loader loading
# proto/ at run time) against a real regserve-server: run example.js, check
# its values and error codes. Runs `npm ci` (package-lock.json, from the npm
# registry) only if clients/node/node_modules is missing.
# Usage: node_client_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin="$1"; src=$(cd "$2" && pwd)
source "$(dirname "$0")/lib.sh"
prepare_node_client
start_server "$bin" "$src"
rc=0
node "$src/clients/node/example.js" --target "127.0.0.1:$port" >"$work/out" 2>&1 || rc=$?
expect_line strings "$work/out" "Predict from strings: 6.97177751"
check_example node "$rc" "$work/out"
