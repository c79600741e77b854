#!/usr/bin/env bash
# Builds the libFuzzer targets in their own clang build directory and runs
# each for N seconds on a temporary copy of its seed corpus (fuzz/corpus/).
#
#   fuzz/run_fuzzers.sh [--seconds N] [--build DIR] [--jobs J]
#                       [--only TARGET] [--replay] [--no-build]
#
#   --seconds N  fuzzing time per target (default 20)
#   --build DIR  build directory (default build-fuzz; never the main build/)
#   --jobs J     ninja parallelism (default: number of cores)
#   --only T     run just target T (repeatable)
#   --replay     no fuzzing: run every seed (and crash-* regression seed)
#                once, as a quick regression check
#   --no-build   use the binaries already in DIR
#
# Crash, timeout and OOM inputs are written to DIR/fuzz/artifacts/<target>/
# and their paths printed. Ends with "N passed, M failed"; exits 1 if any
# target failed.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_PER_TARGET=20
BUILD=build-fuzz
JOBS=$(nproc)
REPLAY=0
DO_BUILD=1
ONLY=()
ALL=(fuzz_predict_request fuzz_artifact_loader fuzz_csv fuzz_model_config
     fuzz_http_json fuzz_http_framing)

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit "$1"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_PER_TARGET=${2:?}; shift 2 ;;
    --seconds=*) SECONDS_PER_TARGET=${1#*=}; shift ;;
    --build) BUILD=${2:?}; shift 2 ;;
    --build=*) BUILD=${1#*=}; shift ;;
    --jobs) JOBS=${2:?}; shift 2 ;;
    --jobs=*) JOBS=${1#*=}; shift ;;
    --only) ONLY+=("${2:?}"); shift 2 ;;
    --only=*) ONLY+=("${1#*=}"); shift ;;
    --replay) REPLAY=1; shift ;;
    --no-build) DO_BUILD=0; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
done
if ! [[ $SECONDS_PER_TARGET =~ ^[1-9][0-9]*$ ]]; then
  echo "--seconds needs a positive integer" >&2; exit 2
fi
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
if [[ $(realpath -m "$BUILD") == "$(realpath -m "$ROOT/build")" ]]; then
  echo "refusing to use the main build/ directory for fuzzing" >&2; exit 2
fi
TARGETS=("${ALL[@]}")
[[ ${#ONLY[@]} -gt 0 ]] && TARGETS=("${ONLY[@]}")

START=$(date +%s)
cd "$ROOT" || exit 2

if [[ $DO_BUILD == 1 ]]; then
  echo "== configure + build ($BUILD) under /tmp/regserve-build.lock"
  # The lock serializes builds across everyone sharing this machine.
  if ! flock /tmp/regserve-build.lock bash -c '
      set -e
      cmake -S "$1" -B "$2" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREGSERVE_FUZZ=ON \
        -DREGSERVE_BUILD_TESTS=OFF >/dev/null
      cmake --build "$2" --target regserve_fuzzers -j "$3"
    ' _ "$ROOT" "$BUILD" "$JOBS"; then
    echo "build failed" >&2
    echo "0 passed, ${#TARGETS[@]} failed"
    exit 1
  fi
  echo "== build done in $(( $(date +%s) - START ))s"
fi

BIN=$BUILD/fuzz/bin
WORK=$(mktemp -d /tmp/regserve-fuzz.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
failures=()

for t in "${TARGETS[@]}"; do
  exe=$BIN/$t
  if [[ ! -x $exe ]]; then
    echo "== $t: FAILED (no binary $exe)"
    failed=$((failed + 1)); failures+=("$t: not built"); continue
  fi
  seeds=$ROOT/fuzz/corpus/$t
  artifacts=$BUILD/fuzz/artifacts/$t
  mkdir -p "$artifacts" "$WORK/$t"
  log=$WORK/$t.log
  if [[ $REPLAY == 1 ]]; then
    echo "== $t: replaying $seeds"
    "$exe" -runs=0 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$seeds" >"$log" 2>&1
  else
    # Fuzz a copy, so the repository's corpus is never modified.
    cp -R "$seeds/." "$WORK/$t/"
    echo "== $t: fuzzing ${SECONDS_PER_TARGET}s"
    "$exe" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 \
      -timeout=30 -print_final_stats=1 -artifact_prefix="$artifacts/" \
      "$WORK/$t" >"$log" 2>&1
  fi
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
  units=$(ls "$WORK/$t" 2>/dev/null | wc -l)
  if [[ $rc == 0 ]]; then
    passed=$((passed + 1))
    echo "   ok: ${execs:-?} executions, coverage ${cov:-?} edges, corpus $units"
  else
    failed=$((failed + 1))
    crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    echo "   FAILED (exit $rc) after ${execs:-?} executions"
    # The sanitizer report or check failure, then where the input went.
    grep -E -m 14 'ERROR: |FUZZ_CHECK|SUMMARY|runtime error|terminate called|what\(\)|not JSON|^    #[0-9] ' "$log" |
      sed 's/^/   | /'
    echo "   crash input: ${crash:-none written} (full log below)"
    sed -n '1,400p' "$log" | grep -v -E '^#[0-9]+\s' | sed 's/^/   > /' | tail -n 80
    failures+=("$t: ${crash:-exit $rc}")
  fi
done

echo "== total wall time $(( $(date +%s) - START ))s"
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
