#!/usr/bin/env bash
# Installs every Debian 12 package that regserve builds, tests and runs with.
# Idempotent; run as root. The Dockerfile's build stage runs this same script.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  grpc-proto libabsl-dev libeigen3-dev libboost-math-dev libssl-dev
  prometheus-cpp-dev libboost-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  prometheus curl ca-certificates python3 gnuplot-nox
  python3-grpc-tools python3-grpcio python3-protobuf
  golang-go protoc-gen-go protoc-gen-go-grpc golang-google-grpc-dev
  golang-google-protobuf-dev golang-github-golang-protobuf-1-5-dev
  python3-jsonschema python3-yaml openssl stress-ng wrk
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

# Node.js and npm for the Node client: use the machine's if it has them
# (an npm built into another Node.js conflicts with Debian's npm package).
if ! command -v npm >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends nodejs npm
fi
