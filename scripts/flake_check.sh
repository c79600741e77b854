#!/usr/bin/env bash
# Runs the whole test suite (ctest over the release build) several times in
# a row on a machine made hostile on purpose, to find tests whose verdict
# depends on timing or scheduling rather than on the behaviour they name.
#
#   scripts/flake_check.sh                    # 5 runs in each mode
#   scripts/flake_check.sh --runs 3 --mode hog
#   scripts/flake_check.sh --mode one-core --no-build
#
# Modes:
#   hog       every core kept busy for the whole run by a CPU hog
#             (stress-ng --cpu $(nproc), Debian's stress-ng)
#   one-core  every process of the suite confined to CPU 0 (taskset -c 0):
#             servers, clients and test threads share one core
#   both      hog, then one-core (the default)
# Each run's ctest output goes to DIR/<mode>-<run>.log (--logs DIR, default
# a new temporary directory, printed). One line per run, then the closing
# line "N passed, M failed" (runs); exit 1 if any run failed, 2 on a usage
# error. Builds first (scripts/build.sh) unless --no-build.
# Environment: BUILD (build dir, default build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}

usage() {
  sed -n '2,/^# Environment/p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

runs=5; mode=both; logs=""; do_build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --logs) logs=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    -h|--help) usage ;;
    *) echo "flake_check.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
case "$runs" in ''|*[!0-9]*|0) echo "flake_check.sh: --runs takes a whole number >= 1" >&2; exit 2 ;; esac
case "$mode" in
  hog) modes=(hog) ;; one-core) modes=(one-core) ;; both) modes=(hog one-core) ;;
  *) echo "flake_check.sh: --mode is hog, one-core or both" >&2; exit 2 ;;
esac

[ $do_build = 1 ] && bash scripts/build.sh
command -v stress-ng >/dev/null || bash scripts/setup.sh
[ -n "$logs" ] || logs=$(mktemp -d /tmp/regserve-flake.XXXXXX)
mkdir -p "$logs"
echo "flake_check: ${runs} run(s) in mode(s) ${modes[*]}; logs in $logs"

hog_pid=""
stop_hog() {
  if [ -n "$hog_pid" ]; then
    kill "$hog_pid" 2>/dev/null || true
    wait "$hog_pid" 2>/dev/null || true
    hog_pid=""
  fi
}
trap stop_hog EXIT

passed=0; failed=0
for m in "${modes[@]}"; do
  for r in $(seq "$runs"); do
    log="$logs/$m-$r.log"
    prefix=()
    if [ "$m" = hog ]; then
      stress-ng --cpu "$(nproc)" --quiet >/dev/null 2>&1 &
      hog_pid=$!
    else
      prefix=(taskset -c 0)
    fi
    start=$(date +%s)
    rc=0
    "${prefix[@]}" ctest --test-dir "$build" --timeout 600 --output-on-failure \
      >"$log" 2>&1 || rc=$?
    stop_hog
    took=$(( $(date +%s) - start ))
    summary=$(grep -E '^[0-9]+% tests passed' "$log" || echo "no ctest summary")
    if [ "$rc" = 0 ]; then
      passed=$((passed + 1))
      echo "$m run $r/$runs: passed in ${took} s ($summary)"
    else
      failed=$((failed + 1))
      echo "$m run $r/$runs: FAILED in ${took} s ($summary):"
      sed -n '/The following tests FAILED/,$p' "$log" | grep -E '^\s+[0-9]+ - ' || true
      grep -E '^\[  FAILED  \]|^FAIL ' "$log" | sort -u | head -20 || true
    fi
  done
done
echo "flake_check: ${passed} passed, ${failed} failed"
[ "$failed" = 0 ]
