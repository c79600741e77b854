#!/usr/bin/env bash
# Generates the Go protobuf and gRPC stubs for regserve.v1 from proto/ into
# gen/regserve/v1/ (not committed), package regservev1, import path
# "regserve/gen/regserve/v1" (the proto's go_package). Needs protoc and
# Debian's protoc-gen-go and protoc-gen-go-grpc (or the same plugins from
# `go install` on PATH). Usage: clients/go/generate.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
proto=$(cd "$here/../../proto" && pwd)
rm -rf "$here/gen/regserve"  # keep gen/.gitignore
protoc -I "$proto" \
  --go_out="$here" --go_opt=module=regserve \
  --go-grpc_out="$here" --go-grpc_opt=module=regserve \
  "$proto/regserve/v1/prediction_service.proto"
echo "generated $(cd "$here" && find gen -name '*.go' | sort | tr '\n' ' ')"
