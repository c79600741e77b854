#!/usr/bin/env bash
# regserve-cli against a real regserve-server process on a free port: each
# subcommand's output and exit code. Usage: cli_e2e_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin="$1"; src="$2"
work=$(mktemp -d)
"$bin/regserve-server" --port=0 --metrics_port=0 --http_port=0 --threads=1 \
  --port_file="$work/port" --model_repository="$src/models" 2>"$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
# shellcheck source=tests/server_process.sh
. "$(dirname "$0")/../server_process.sh"
wait_for_port_file "$work/port" "$server" ||
  { echo "FAIL the server did not start:"; cat "$work/server.log"; exit 1; }
cli=("$bin/regserve-cli" "--target=127.0.0.1:$(cat "$work/port")")
failures=0
check() {  # check NAME WANT_EXIT WANT_SUBSTRING -- command...
  local name=$1 want_exit=$2 want=$3; shift 4
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  if [ "$rc" != "$want_exit" ] || [[ "$out" != *"$want"* ]]; then
    echo "FAIL $name: exit $rc (want $want_exit), output:"; echo "$out"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}
row1="CRIM=0.00632,ZN=18,INDUS=2.31,CHAS=0,NOX=0.538,RM=6.575,AGE=65.2"
row1="$row1,DIS=4.09,RAD=1,TAX=296,PTRATIO=15.3,B=396.9,LSTAT=4.98"
check predict 0 "30.00384338" -- "${cli[@]}" --feature "$row1" predict
check interval 0 "20.60172555" -- "${cli[@]}" --feature "$row1" \
  --interval_level=0.95 --explain predict
check json 0 "30.00384338" -- "${cli[@]}" --features_json \
  '{"CRIM":0.00632,"ZN":18,"INDUS":2.31,"CHAS":0,"NOX":0.538,"RM":6.575,"AGE":65.2,"DIS":4.09,"RAD":1,"TAX":296,"PTRATIO":15.3,"B":396.9,"LSTAT":4.98}' predict
check missing 1 "INVALID_ARGUMENT" -- "${cli[@]}" --feature CRIM=1 predict
check unknown-model 1 "NOT_FOUND" -- "${cli[@]}" --model=nope --feature "$row1" predict
check metadata 0 "MEDV" -- "${cli[@]}" metadata
check health 0 "SERVING" -- "${cli[@]}" health
check batch 0 "30.00384338" -- "${cli[@]}" --input="$src/data/boston_housing.csv" batch
lines=$("${cli[@]}" --input="$src/data/boston_housing.csv" batch | wc -l)
[ "$lines" = 507 ] && echo "ok   batch rows" || { echo "FAIL batch rows: $lines"; failures=$((failures + 1)); }
# The categorical model (models/iris): R's fitted values of iris rows 1
# and 101 (lm(Sepal.Length ~ ., iris)), a level as NAME=VALUE and as a
# JSON string, every row of data/iris.csv in a batch.
iris=("${cli[@]}" --model=iris)
check iris-predict 0 "6.971777514" -- "${iris[@]}" --feature \
  "Sepal.Width=3.3,Petal.Length=6.0,Petal.Width=2.5,Species=virginica" predict
check iris-interval 0 "[6.449631035, 7.493923994]" -- "${iris[@]}" \
  --interval_level=0.9 --feature \
  "Sepal.Width=3.3,Petal.Length=6.0,Petal.Width=2.5,Species=virginica" predict
check iris-json 0 "5.004788019" -- "${iris[@]}" --features_json \
  '{"Sepal.Width":3.5,"Petal.Length":1.4,"Petal.Width":0.2,"Species":"setosa"}' predict
check iris-unknown-level 1 "unknown level arctica" -- "${iris[@]}" --feature \
  "Sepal.Width=3.3,Petal.Length=6.0,Petal.Width=2.5,Species=arctica" predict
check iris-metadata 0 "categorical feature Species" -- "${iris[@]}" metadata
check iris-batch 0 "6.490778082" -- "${iris[@]}" --input="$src/data/iris.csv" batch
lines=$("${iris[@]}" --input="$src/data/iris.csv" batch | wc -l)
[ "$lines" = 151 ] && echo "ok   iris batch rows" || { echo "FAIL iris batch rows: $lines"; failures=$((failures + 1)); }
check usage 2 "" -- "${cli[@]}" frobnicate
echo "cli e2e: $failures failures"
[ "$failures" = 0 ]
