#!/usr/bin/env bash
# Builds the Go example OFFLINE from Debian's Go packages (golang-go,
# golang-google-grpc-dev, golang-google-protobuf-dev) in GOPATH mode: a
# temporary GOPATH whose src/regserve is this folder, searched before
# /usr/share/gocode where Debian installs Go sources. No module proxy is used.
# Usage: clients/go/build.sh [OUTPUT_BINARY]   (default: clients/go/regserve-go-example)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/regserve-go-example"}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
bash "$here/generate.sh" >/dev/null
gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
mkdir -p "$gopath/src"
ln -s "$here" "$gopath/src/regserve"
export GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOPROXY=off GOFLAGS=
cd "$gopath/src/regserve"
go vet regserve/example regserve/gen/regserve/v1
go build -o "$out" regserve/example
echo "built $out"
