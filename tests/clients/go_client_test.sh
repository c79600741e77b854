#!/usr/bin/env bash
# The Go client (clients/go, stubs from Debian's protoc-gen-go and
# protoc-gen-go-grpc) against a real regserve-server: build the example
# offline from Debian's Go packages (clients/go/build.sh), run it, check its
# values and error codes. Usage: go_client_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin="$1"; src=$(cd "$2" && pwd)
source "$(dirname "$0")/lib.sh"
for tool in go protoc protoc-gen-go protoc-gen-go-grpc; do
  command -v "$tool" >/dev/null \
    || fail "$tool not found (scripts/setup.sh installs golang-go protoc-gen-go protoc-gen-go-grpc golang-google-grpc-dev golang-google-protobuf-dev)"
done
bash "$src/clients/go/build.sh" "$work/example" || fail "clients/go/build.sh"
start_server "$bin" "$src"
rc=0
"$work/example" --target "127.0.0.1:$port" >"$work/out" 2>&1 || rc=$?
check_example go "$rc" "$work/out"
