#!/usr/bin/env bash
# The sanitizer pass of CI: the whole test suite built with AddressSanitizer
# and UndefinedBehaviorSanitizer (build-asan/), and the snapshot-swap and
# model-reload stress tests under ThreadSanitizer (build-tsan/). Zero reports allowed: every
# sanitizer halts on its first error, which fails the test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/sanitizers/tsan.supp"

echo "== AddressSanitizer + UndefinedBehaviorSanitizer: the whole suite"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DREGSERVE_SANITIZE=ON >/dev/null
cmake --build build-asan
# dockerfile_test compares the image's packages with what the release
# binaries link; sanitized binaries link libasan, which no image ships.
ctest --test-dir build-asan --output-on-failure --timeout 600 -E dockerfile_test

echo "== ThreadSanitizer: the snapshot swap and model reloads under concurrent readers"
# Debian's gRPC and Abseil are not built with TSan, so only code that
# synchronizes with std:: primitives can be judged; see the test's header.
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DREGSERVE_TSAN=ON >/dev/null
cmake --build build-tsan --target registry_stress_test
build-tsan/bin/registry_stress_test
