#!/usr/bin/env bash
# Generates the Python protobuf and gRPC stubs for regserve.v1 from proto/
# into regserve_client/gen/ (not committed). Needs Debian's python3-grpc-tools
# (run with /usr/bin/python3, or PYTHON=... for another interpreter that has
# grpcio-tools). Usage: clients/python/generate.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
proto=$(cd "$here/../../proto" && pwd)
out="$here/regserve_client/gen"
python=${PYTHON:-/usr/bin/python3}
includes=(-I "$proto")
# google/protobuf/timestamp.proto: Debian's grpc_tools uses the system's
# well-known protos (libprotobuf-dev); pip's grpcio-tools bundles its own.
[ -f /usr/include/google/protobuf/timestamp.proto ] && includes+=(-I /usr/include)
rm -rf "$out/regserve"  # keep gen/.gitignore
mkdir -p "$out"
"$python" -m grpc_tools.protoc "${includes[@]}" \
  --python_out="$out" --grpc_python_out="$out" \
  "$proto/regserve/v1/prediction_service.proto"
echo "generated $(cd "$out" && find . -name '*.py' | sort | tr '\n' ' ')"
