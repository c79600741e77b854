#!/usr/bin/env bash
# Checks of the Dockerfile without a Docker engine.
# Usage: dockerfile_test.sh SOURCE_DIR [BIN_DIR]
#
#  1. check_dockerfile.py: hadolint's rules that apply (hadolint is not in
#     Debian 12), the build stage runs the same scripts/setup.sh as the
#     README's commands and builds Release with Ninja, the runtime stage is
#     debian:bookworm-slim with a numeric non-root USER, EXPOSEs every
#     default port of server/main.cc (50051, 9090, 8080), has a HEALTHCHECK
#     through `regserve-cli health`, agrees with k8s/base/deployment.yaml,
#     and .dockerignore keeps build trees and .git out but not the sources;
#  2. with BIN_DIR: the runtime packages are exactly the Debian packages
#     that own the libraries `ldd` lists for the three binaries (less what
#     bookworm-slim has), and each exists in the apt lists;
#  3. with BIN_DIR: the ENTRYPOINT serves (with /models replaced by the
#     checkout's models/) and the HEALTHCHECK command passes against it.
set -euo pipefail
src=$(cd "$1" && pwd)
bin=${2:-}
here="$src/tests/k8s"
# shellcheck source=lib.sh
. "$here/lib.sh"
py=$(pick_python)
work=$(mktemp -d)
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT

if command -v hadolint >/dev/null 2>&1; then
  expect "hadolint" 0 "" -- hadolint "$src/Dockerfile"
fi

binaries=(regserve-server regserve-cli regserve-train)
have_bin=false
if [ -n "$bin" ] && [ -x "$bin/regserve-server" ] && [ -x "$bin/regserve-cli" ] &&
   [ -x "$bin/regserve-train" ]; then
  have_bin=true
fi

args=("$src")
if $have_bin && command -v ldd >/dev/null && command -v dpkg-query >/dev/null; then
  for b in "${binaries[@]}"; do ldd "$bin/$b"; done |
    awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u >"$work/libs"
  # usrmerge: dpkg knows a library under /lib or /usr/lib, not both, so ask
  # for both spellings (in one dpkg-query call: each scans every file list).
  sed -e 's#^/usr/#/#' -e 'p' -e 's#^/#/usr/#' "$work/libs" | sort -u \
    >"$work/candidates"
  xargs dpkg-query -S <"$work/candidates" 2>/dev/null >"$work/owners" || true
  : >"$work/packages"
  while read -r lib; do
    short=${lib#/usr}
    owner=$(awk -v a="$short" -v b="/usr$short" \
      '$2 == a || $2 == b {sub(/:.*/, "", $1); print $1; exit}' "$work/owners")
    if [ -z "$owner" ]; then
      echo "FAIL no Debian package owns $lib"; failures=$((failures + 1))
    fi
    echo "$owner" >>"$work/packages"
  done <"$work/libs"
  sort -u -o "$work/packages" "$work/packages"
  echo "linked libraries come from: $(tr '\n' ' ' <"$work/packages")"
  args+=("$work/packages")
else
  echo "skip runtime packages vs ldd: no BIN_DIR with the three binaries"
fi
expect "Dockerfile and .dockerignore checks" 0 "every check passed" -- \
  "$py" "$here/check_dockerfile.py" "${args[@]}"

# The runtime packages exist in Debian 12 (apt lists, when the machine has them).
if apt-cache show bash >/dev/null 2>&1; then
  packages=$("$py" - "$src/Dockerfile" <<'PY'
import re, shlex, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
runtime = text.split("FROM debian:bookworm-slim", 1)[1]
for m in re.finditer(r"apt-get install (.*?)(&&|\n)", runtime):
    print(" ".join(w for w in shlex.split(m.group(1)) if not w.startswith("-")))
PY
)
  # shellcheck disable=SC2086
  shown=$(apt-cache show --no-all-versions $packages 2>&1 || true)
  for p in $packages; do
    expect "runtime package $p is in the apt lists" 0 "" -- \
      grep -qx "Package: $p" <<<"$shown"
  done
else
  echo "skip apt-cache look-ups: no apt lists"
fi

if $have_bin; then
  mapfile -d '' entry < <("$py" "$here/check_dockerfile.py" --print ENTRYPOINT "$src")
  mapfile -d '' health < <("$py" "$here/check_dockerfile.py" --print HEALTHCHECK "$src")
  server=("$bin/${entry[0]##*/}")
  for a in "${entry[@]:1}"; do
    [ "$a" = "--model_repository=/models" ] && a="--model_repository=$src/models"
    server+=("$a")
  done
  start_server "$work/ports" "$work/server.log" "${server[@]}" \
    --port=0 --metrics_port=-1 --http_port=-1
  port=$(sed -n 1p "$work/ports")
  check=("$bin/${health[0]##*/}")
  for a in "${health[@]:1}"; do
    case "$a" in --target=*) a="--target=127.0.0.1:$port" ;; esac
    check+=("$a")
  done
  expect "HEALTHCHECK passes against the ENTRYPOINT" 0 "SERVING" -- "${check[@]}"
  kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=
  expect "HEALTHCHECK fails when nothing serves" 1 "" -- "${check[@]}"
  expect "regserve-train runs" 0 "" -- "$bin/regserve-train" --dry_run \
    --data="$src/data/boston_housing.csv" --target=MEDV \
    --model_name=boston_housing --cv_folds=0
else
  echo "skip ENTRYPOINT and HEALTHCHECK run: no BIN_DIR"
fi

echo "dockerfile: $failures failures"
[ "$failures" = 0 ]
