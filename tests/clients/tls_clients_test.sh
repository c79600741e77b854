#!/usr/bin/env bash
# The Python, Node.js and Go clients over mutual TLS (issue 9): make a test
# CA, a server certificate for localhost/127.0.0.1 and a client certificate
# with openssl, start one regserve-server that requires client certificates,
# run each example with --tls_ca/--tls_cert/--tls_key and check its values
# and error codes as the plaintext tests do; then check that the Python
# example without a client certificate is refused.
# Needs what python_client_test.sh, node_client_test.sh and go_client_test.sh
# need, plus openssl. Usage: tls_clients_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin="$1"; src=$(cd "$2" && pwd)
source "$(dirname "$0")/lib.sh"

prepare_python_client
prepare_node_client
prepare_go_client "$work/go-example"

tls="$work/tls"
make_test_certs "$tls"
start_server "$bin" "$src" --tls_cert="$tls/server.pem" --tls_key="$tls/server.key" \
  --tls_client_ca="$tls/ca.pem" --tls_require_client_cert
grep -q 'mutual TLS' "$work/server.log" \
  || { cat "$work/server.log"; fail "the server log does not say 'mutual TLS'"; }

mtls=(--tls_ca "$tls/ca.pem" --tls_cert "$tls/client.pem" --tls_key "$tls/client.key")
status=0
# run_example NAME TARGET_HOST EXTRA_ARGS... -- COMMAND...: runs the example
# with the mutual TLS flags and checks its output like the plaintext tests.
run_example() {
  local name=$1 host=$2 rc=0
  shift 2
  local extra=()
  while [ "$1" != -- ]; do extra+=("$1"); shift; done
  shift
  echo "== $name over mutual TLS: --target $host:$port${extra[*]:+ ${extra[*]}}"
  "$@" --target "$host:$port" "${mtls[@]}" "${extra[@]}" >"$work/$name.out" 2>&1 || rc=$?
  check_example "$name" "$rc" "$work/$name.out" || status=1
  passed=0; failed=0
}
# Each name the server certificate covers: its IP address, its DNS name, and
# an IP address verified against the DNS name with --tls_server_name.
run_example python 127.0.0.1 -- "$python" "$src/clients/python/example.py"
run_example node localhost -- node "$src/clients/node/example.js"
run_example go 127.0.0.1 --tls_server_name localhost -- "$work/go-example"

# Without the client certificate the handshake is refused: the first call
# fails (UNAVAILABLE) and the example exits 1 without printing a prediction.
echo "== python without a client certificate (must fail)"
rc=0
"$python" "$src/clients/python/example.py" --target "127.0.0.1:$port" \
  --tls_ca "$tls/ca.pem" >"$work/no-cert.out" 2>&1 || rc=$?
if [ "$rc" = 1 ] && ! grep -q '^Predict' "$work/no-cert.out" \
    && grep -q '^error: UNAVAILABLE' "$work/no-cert.out"; then
  record "python without client certificate refused" 0
else
  record "python without client certificate refused" 1 \
    "exit $rc, want 1 with 'error: UNAVAILABLE' and no prediction; output:"
  cat "$work/no-cert.out"
  status=1
fi

if [ "$status" != 0 ]; then
  echo "--- server log:"; cat "$work/server.log"; echo "---"
  echo "tls_clients_test: FAILED"
  exit 1
fi
echo "tls_clients_test: all passed"
