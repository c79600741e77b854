#!/usr/bin/env bash
# Regenerates the hand-written seeds of fuzz/corpus/ (binary protobuf seeds
# via `protoc --encode`, the rest as text). Run from anywhere; needs protoc.
# Leaves other files in the corpus (crash-* regression seeds) alone.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
C=$ROOT/fuzz/corpus
mkdir -p "$C"/{fuzz_predict_request,fuzz_artifact_loader,fuzz_csv,fuzz_model_config,fuzz_http_json,fuzz_http_framing}

encode() {  # encode MESSAGE OUT  (text format on stdin)
  protoc -I"$ROOT/proto" --encode="regserve.v1.$1" \
    regserve/v1/prediction_service.proto >"$2"
}

ROW1='features { key: "CRIM" value: 0.00632 } features { key: "ZN" value: 18 }
features { key: "INDUS" value: 2.31 } features { key: "CHAS" value: 0 }
features { key: "NOX" value: 0.538 } features { key: "RM" value: 6.575 }
features { key: "AGE" value: 65.2 } features { key: "DIS" value: 4.09 }
features { key: "RAD" value: 1 } features { key: "TAX" value: 296 }
features { key: "PTRATIO" value: 15.3 } features { key: "B" value: 396.9 }
features { key: "LSTAT" value: 4.98 }'
ROW2='features { key: "CRIM" value: 0.02731 } features { key: "ZN" value: 0 }
features { key: "INDUS" value: 7.07 } features { key: "CHAS" value: 0 }
features { key: "NOX" value: 0.469 } features { key: "RM" value: 6.421 }
features { key: "AGE" value: 78.9 } features { key: "DIS" value: 4.9671 }
features { key: "RAD" value: 2 } features { key: "TAX" value: 242 }
features { key: "PTRATIO" value: 17.8 } features { key: "B" value: 396.9 }
features { key: "LSTAT" value: 9.14 }'
COLS='columns: ["CRIM","ZN","INDUS","CHAS","NOX","RM","AGE","DIS","RAD","TAX","PTRATIO","B","LSTAT"]'
VALS='values: [0.00632,18,2.31,0,0.538,6.575,65.2,4.09,1,296,15.3,396.9,4.98,
 0.02731,0,7.07,0,0.469,6.421,78.9,4.9671,2,242,17.8,396.9,9.14]'

# --- fuzz_predict_request: binary PredictRequest / BatchPredictRequest -----
P=$C/fuzz_predict_request
encode PredictRequest "$P/predict_seed" <<<"$ROW1"
encode PredictRequest "$P/predict_interval_explain" <<<"model_spec { name: \"boston_housing\" version: 1 }
$ROW1 interval_level: 0.95 explain: true"
encode PredictRequest "$P/predict_missing" <<<'features { key: "CRIM" value: 1 } features { key: "XX" value: 2 }'
encode PredictRequest "$P/predict_nan" <<<"${ROW1/value: 18/value: nan}"
encode PredictRequest "$P/predict_bad_spec" <<<"model_spec { version: 2 version_label: \"stable\" } $ROW1 interval_level: 1"
encode BatchPredictRequest "$P/batch_table" <<<"table { $COLS $VALS } interval_level: 0.9"
encode BatchPredictRequest "$P/batch_table_permuted" <<<'table { columns: ["LSTAT","ZN","INDUS","CHAS","NOX","RM","AGE","DIS","RAD","TAX","PTRATIO","B","CRIM"]
 values: [4.98,18,2.31,0,0.538,6.575,65.2,4.09,1,296,15.3,396.9,0.00632] }'
encode BatchPredictRequest "$P/batch_table_ragged" <<<"table { $COLS values: [1,2,3] }"
encode BatchPredictRequest "$P/batch_rows" <<<"rows { $ROW1 } rows { $ROW2 } interval_level: 0.5"
encode BatchPredictRequest "$P/batch_rows_and_table" <<<"rows { $ROW1 } table { $COLS $VALS }"
IRIS='model_spec { name: "iris" } features { key: "Sepal.Width" value: 3.3 }
features { key: "Petal.Length" value: 6 } features { key: "Petal.Width" value: 2.5 }'
encode PredictRequest "$P/iris_predict" <<<"$IRIS categorical_features { key: \"Species\" value: \"virginica\" } explain: true"
encode PredictRequest "$P/iris_unknown_level" <<<"$IRIS categorical_features { key: \"Species\" value: \"arctica\" }"
encode BatchPredictRequest "$P/iris_table" <<<'model_spec { name: "iris" } table { columns: ["Petal.Width","Sepal.Width","Petal.Length"]
 values: [0.2,3.5,1.4,2.5,3.3,6] categorical_columns: ["Species"] categorical_values: ["setosa","virginica"] } interval_level: 0.9'

# --- fuzz_artifact_loader: model.json --------------------------------------
A=$C/fuzz_artifact_loader
cp "$ROOT/models/boston_housing/1/model.json" "$A/boston_housing_v1.json"
# A tiny valid artifact: y = 1 + 2x, sample x=3 -> 7.
TINY='{"format_version":1,"name":"tiny","version":"1","model_type":"ols",
"feature_names":["x"],"target_name":"y","intercept":1,"coefficients":[2],
"statistics":{"observations":"10","residual_std_error":0.5,"residual_df":8,
"unscaled_covariance":[0.5,-0.1,-0.1,0.05]},
"training_domain":{"features":[{"name":"x","min":0,"max":9,"mean":4.5,"stddev":3}],
"target":{"name":"y","min":1,"max":19,"mean":10,"stddev":6}},
"samples":[{"features":[3],"prediction":7}]}'
printf '%s\n' "$TINY" >"$A/tiny_valid.json"
printf '%s\n' "${TINY/\"prediction\":7/\"prediction\":8}" >"$A/tiny_bad_sample.json"
printf '%s\n' "${TINY/\"format_version\":1/\"format_version\":2}" >"$A/tiny_bad_format.json"
# residual_df 0.001 crashed the loader: fuzz/regressions/fuzz_artifact_loader/
printf '%s\n' "${TINY/\"unscaled_covariance\":\[0.5,-0.1,-0.1,0.05\]/\"unscaled_covariance\":[1]}" >"$A/tiny_bad_cov.json"
head -c 700 "$ROOT/models/boston_housing/1/model.json" >"$A/truncated.json"
printf '{"format_version":1,"name":"x","unknown_field":true}\n' >"$A/unknown_field.json"

# --- fuzz_csv ----------------------------------------------------------------
S=$C/fuzz_csv
head -n 4 "$ROOT/data/boston_housing.csv" >"$S/boston_head.csv"
printf 'a,b\r\n1,2\r\n3,4\r\n' >"$S/crlf.csv"
printf 'a,b\n1,2\n\n3,4\n' >"$S/blank_line.csv"
printf 'a,a\n1,2\n' >"$S/duplicate_header.csv"
printf 'a,b\n1,2,3\n' >"$S/ragged.csv"
printf 'a,b\n1,nan\n' >"$S/nan_cell.csv"
printf 'x, y ,z\n 1e3 ,-2.5,0x10\n' >"$S/spaces_hex.csv"
printf 'only_header\n' >"$S/header_only.csv"

# --- fuzz_model_config: text unless the first byte is '{' -----------------
M=$C/fuzz_model_config
cat >"$M/config.txtpb" <<'TXT'
models {
  name: "boston_housing"
  version_policy { latest { num_versions: 2 } }
  version_labels { key: "stable" value: 1 }
  version_labels { key: "canary" value: 2 }
}
models { name: "tiny" version_policy { specific { versions: [1, 3] } } }
models { name: "all" version_policy { all {} } }
TXT
printf 'models { name: "a" version_labels { key: "" value: 0 } }\n' >"$M/bad_label.txtpb"
printf 'models { name: "a" } models { name: "a" }\n' >"$M/duplicate.txtpb"
printf 'models { name: "a" version_policy { latest { num_versions: 0 } } }\n' >"$M/zero_latest.txtpb"
printf '{"models":[{"name":"boston_housing","versionPolicy":{"latest":{"numVersions":2}},"versionLabels":{"stable":"1"}},{"name":"t","versionPolicy":{"specific":{"versions":["1","3"]}}}]}\n' >"$M/config.json"
printf '{"models":[{"name":"","versionPolicy":{"all":{}}}]}\n' >"$M/empty_name.json"
printf '{"models":[{"name":"a","versionLabels":{"x":"-1"}}\n' >"$M/truncated.json"

# --- fuzz_http_json: request bodies ------------------------------------------
H=$C/fuzz_http_json
F='"CRIM":0.00632,"ZN":18,"INDUS":2.31,"CHAS":0,"NOX":0.538,"RM":6.575,"AGE":65.2,"DIS":4.09,"RAD":1,"TAX":296,"PTRATIO":15.3,"B":396.9,"LSTAT":4.98'
printf '{"features":{%s}}' "$F" >"$H/predict_seed.json"
printf '{"features":{%s},"intervalLevel":0.95,"explain":true}' "$F" >"$H/predict_explain.json"
printf '{"modelSpec":{"name":"other"},"features":{"CRIM":1}}' >"$H/predict_wrong_model.json"
printf '{"features":{"CRIM":"NaN","ZN":"Infinity"}}' >"$H/predict_nan.json"
printf '{"table":{"columns":["CRIM","ZN","INDUS","CHAS","NOX","RM","AGE","DIS","RAD","TAX","PTRATIO","B","LSTAT"],"values":[0.00632,18,2.31,0,0.538,6.575,65.2,4.09,1,296,15.3,396.9,4.98,0.02731,0,7.07,0,0.469,6.421,78.9,4.9671,2,242,17.8,396.9,9.14]},"interval_level":0.9}' >"$H/batch_table.json"
printf '{"rows":[{"features":{%s}},{"features":{"ZN":1}}]}' "$F" >"$H/batch_rows.json"
printf '{"features":{"CRIM":1e999}' >"$H/truncated.json"
printf '[]' >"$H/array.json"
# Iris bodies (a level in features), padded to a size the target sends to
# the iris model (size % 4 == 2).
iris_seed() {  # iris_seed FILE BODY
  local body=$2
  while [ $(( ${#body} % 4 )) != 2 ]; do body="$body "; done
  printf '%s' "$body" >"$1"
}
IF='"Sepal.Width":3.3,"Petal.Length":6.0,"Petal.Width":2.5'
iris_seed "$H/iris_predict.json" "{\"features\":{$IF,\"Species\":\"virginica\"},\"explain\":true}"
iris_seed "$H/iris_number_level.json" "{\"features\":{$IF,\"Species\":2}}"
iris_seed "$H/iris_rows.json" "{\"rows\":[{\"features\":{$IF,\"Species\":\"setosa\"}},{\"features\":{$IF},\"categoricalFeatures\":{\"Species\":\"x\"}}]}"

# --- fuzz_http_framing: whole HTTP/1.1 connections ---------------------------
W=$C/fuzz_http_framing
B=$(printf '{"features":{%s}}' "$F")
post() {  # post PATH BODY [EXTRA-HEADER-LINES]
  printf 'POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n%b\r\n%s' \
    "$1" "${#2}" "${3:-}" "$2"
}
post /v1/models/boston_housing:predict "$B" >"$W/predict.http"
post /v1/models/boston_housing:predict "$B" 'Expect: 100-continue\r\n' >"$W/expect.http"
post /v1/models/boston_housing:predict "$B" 'Content-Encoding: gzip\r\n' >"$W/gzip.http"
post /v1/models/boston_housing:predict "${B:0:40}" >"$W/short_body.http"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nHEAD /readyz HTTP/1.1\r\n\r\nOPTIONS /v1/models/a%%3Apredict?x=1 HTTP/1.1\r\n\r\nPUT /v1/models HTTP/1.1\r\nContent-Length: 0\r\n\r\n' >"$W/pipelined.http"
printf 'POST /v1/models/boston_housing:batchPredict HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"row\r\n6\r\ns":[]}\r\n0\r\n\r\n' >"$W/chunked.http"
printf 'GET /v1/models/boston_housing HTTP/1.0\r\n\r\n' >"$W/http10.http"
printf 'POST /v1/models/x:predict HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n' >"$W/too_large.http"
echo "seeds written under $C"
