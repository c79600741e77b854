# Shared by the client tests (sourced): starts a real regserve-server on a
# free loopback port and checks an example's output line by line. Every
# example (clients/{python,node,go}) prints the same lines for the same calls.

# shellcheck source=tests/server_process.sh
. "$(dirname "${BASH_SOURCE[0]}")/../server_process.sh"
work=$(mktemp -d)
server=""
passed=0
failed=0
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {  # fail MESSAGE...: a failure that stops the test at once
  echo "FAIL $*"
  exit 1
}

start_server() {  # start_server BIN_DIR SOURCE_DIR [EXTRA_FLAG...]; sets $port
  local bin=$1 src=$2
  shift 2
  [ -x "$bin/regserve-server" ] || fail "no $bin/regserve-server (build first)"
  "$bin/regserve-server" --port=0 --metrics_port=0 --http_port=0 --threads=1 \
    --port_file="$work/port" --model_repository="$src/models" "$@" 2>"$work/server.log" &
  server=$!
  if ! wait_for_port_file "$work/port" "$server"; then
    cat "$work/server.log"
    fail "regserve-server did not start"
  fi
  port=$(sed -n 1p "$work/port")
}

# Each client's prerequisites and build, failing with what to install.
# $src is the source directory.
prepare_python_client() {  # sets $python
  # Debian's packages are for Debian's python3, not one first on PATH (pyenv).
  python=${PYTHON:-/usr/bin/python3}
  "$python" -c 'import grpc, grpc_tools, google.protobuf' 2>"$work/import.log" \
    || { cat "$work/import.log"; fail "$python cannot import grpc, grpc_tools and google.protobuf (scripts/setup.sh installs python3-grpc-tools python3-grpcio python3-protobuf)"; }
  bash "$src/clients/python/generate.sh" >/dev/null || fail "clients/python/generate.sh"
}
prepare_node_client() {
  command -v node >/dev/null || fail "node not found"
  if [ ! -d "$src/clients/node/node_modules" ]; then
    (cd "$src/clients/node" && npm ci --no-audit --no-fund) || fail "npm ci in clients/node"
  fi
}
prepare_go_client() {  # prepare_go_client OUTPUT_BINARY
  for tool in go protoc protoc-gen-go protoc-gen-go-grpc; do
    command -v "$tool" >/dev/null \
      || fail "$tool not found (scripts/setup.sh installs golang-go protoc-gen-go protoc-gen-go-grpc golang-google-grpc-dev golang-google-protobuf-dev)"
  done
  bash "$src/clients/go/build.sh" "$1" >/dev/null || fail "clients/go/build.sh"
}

record() {  # record NAME OK(0|1) DETAIL
  if [ "$2" = 0 ]; then
    echo "ok   $1"; passed=$((passed + 1))
  else
    echo "FAIL $1: $3"; failed=$((failed + 1))
  fi
}

expect_line() {  # expect_line NAME OUTPUT_FILE EXACT_LINE
  if grep -qxF -- "$3" "$2"; then record "$1" 0; else record "$1" 1 "no line '$3'"; fi
}

expect_prefix() {  # expect_prefix NAME OUTPUT_FILE LINE_PREFIX
  local line
  while IFS= read -r line; do
    if [[ "$line" == "$3"* ]]; then record "$1" 0; return; fi
  done < "$2"
  record "$1" 1 "no line starting '$3'"
}

# make_test_certs DIR: a CA (ca.pem), a server certificate for localhost and
# 127.0.0.1 (server.pem, server.key) and a client certificate (client.pem,
# client.key), P-256 keys valid for 1 day, as in docs/security-tls.md.
make_test_certs() {
  local dir=$1
  command -v openssl >/dev/null || fail "openssl not found"
  mkdir -p "$dir"
  cp "$(dirname "${BASH_SOURCE[0]}")/../server/security/test_certificates.cnf" "$dir/openssl.cnf"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  (
    set -e
    cd "$dir"
    openssl req -x509 -config openssl.cnf -extensions v3_ca "${ec[@]}" \
      -keyout ca.key -out ca.pem -subj /CN=regserve-test-ca -days 1
    for who in server client; do
      openssl req -new -config openssl.cnf "${ec[@]}" -keyout "$who.key" \
        -out "$who.csr" -subj "/CN=regserve-$who"
      openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key \
        -CAcreateserial -days 1 -extfile openssl.cnf -extensions "$who" \
        -out "$who.pem"
    done
    openssl verify -CAfile ca.pem server.pem client.pem
  ) >"$dir/openssl.log" 2>&1 \
    || { cat "$dir/openssl.log"; fail "openssl could not make the test certificates"; }
}

# check_example NAME EXIT_CODE OUTPUT_FILE: the assertions every language
# shares; prints the example's output on any failure and the counts last.
check_example() {
  local name=$1 rc=$2 out=$3
  local row1=30.00384338 row2=25.02556238
  local features="CRIM ZN INDUS CHAS NOX RM AGE DIS RAD TAX PTRATIO B LSTAT"
  if [ "$rc" = 0 ]; then record "example exit code" 0; else record "example exit code" 1 "exit $rc, want 0"; fi
  expect_line predict "$out" "Predict: $row1 (boston_housing version 1)"
  expect_line interval "$out" "Predict interval 0.95: [20.60172555, 39.40596120]"
  expect_line explain "$out" \
    "Predict explain: baseline 22.53280632, LSTAT +4.02650422, baseline + contributions $row1"
  expect_line batch-rows "$out" "BatchPredict rows: $row1 $row2"
  expect_line batch-table "$out" "BatchPredict table: $row1 $row2"
  expect_line metadata "$out" \
    "GetModelMetadata: boston_housing version 1, target MEDV, ols, 13 features: $features"
  expect_line list-models "$out" "ListModels: boston_housing [1 AVAILABLE] (default)"
  expect_prefix invalid-argument "$out" \
    "INVALID_ARGUMENT (missing features): missing features [ZN, INDUS, CHAS,"
  expect_line categorical "$out" "Predict categorical: 6.97177751 (iris version 1)"
  expect_line categorical-table "$out" "BatchPredict categorical table: 5.00478802 6.97177751"
  expect_line unknown-level "$out" \
    "INVALID_ARGUMENT (unknown level): categorical feature Species has unknown level arctica; known levels [setosa, versicolor, virginica]"
  expect_prefix not-found "$out" "NOT_FOUND (unknown model): "
  if ! grep -q '^NOT_FOUND (unknown model): .*no_such_model' "$out"; then
    record not-found-names-model 1 "the NOT_FOUND message does not name no_such_model"
  else
    record not-found-names-model 0
  fi
  if [ "$failed" != 0 ]; then
    echo "--- $name example output:"; cat "$out"; echo "---"
  fi
  echo "$name: $passed passed, $failed failed"
  [ "$failed" = 0 ]
}
