#!/usr/bin/env bash
# Installs, builds and starts regserve-server on the default model
# (models/boston_housing), gRPC on :50051. Extra arguments go to the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec build/bin/regserve-server --model_repository=models "$@"
