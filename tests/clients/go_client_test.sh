#!/usr/bin/env bash
# The Go client (clients/go, stubs from Debian's protoc-gen-go and
# protoc-gen-go-grpc) against a real regserve-server: build the example
# offline from Debian's Go packages (clients/go/build.sh), run it, check its
# values and error codes. Usage: go_client_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin="$1"; src=$(cd "$2" && pwd)
source "$(dirname "$0")/lib.sh"
prepare_go_client "$work/example"
start_server "$bin" "$src"
rc=0
"$work/example" --target "127.0.0.1:$port" >"$work/out" 2>&1 || rc=$?
check_example go "$rc" "$work/out"
