#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests in k8s/ (no cluster, no kubectl
# needed). Usage: k8s_manifests_test.sh SOURCE_DIR [BIN_DIR]
#
#  1. validate_manifests.py: renders every kustomization like
#     `kubectl kustomize`, validates each object against the strict schemas
#     derived from the Kubernetes v1.35.0 swagger (k8s/schemas), checks the
#     Prometheus Operator objects and the cross-object rules;
#  2. the committed schemas match generate.py's output, when the swagger is
#     at ../shared (never required);
#  3. the rendering equals `kubectl kustomize`'s, when kubectl is installed;
#  4. a wrong field type, an unknown field and a missing required field in
#     a copy of the Deployment each FAIL, and the other accepted spellings
#     (int-or-string, quantities) pass; kustomize's load rules are enforced;
#  5. the hot-reload seed script seeds an empty volume once, also when pods
#     race;
#  6. with BIN_DIR: regserve-server runs with the Deployment's exact command
#     and flags (expanded from the ConfigMap), serves the readiness probe's
#     service, and on SIGTERM reports NOT_SERVING while still answering for
#     DRAIN_SECONDS, then exits 0 within terminationGracePeriodSeconds.
set -euo pipefail
src=$(cd "$1" && pwd)
bin=${2:-}
here="$src/tests/k8s"
# shellcheck source=lib.sh
. "$here/lib.sh"
py=$(pick_python)
validator=("$py" "$here/validate_manifests.py")
work=$(mktemp -d)
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT

# 1. The manifests as committed.
expect "renderer and schema self-test" 0 "selftest OK" -- \
  "${validator[@]}" --selftest "$src/k8s"
expect "k8s/ renders and validates" 0 "k8s/overlays/hot-reload: 12 objects OK" -- \
  "${validator[@]}" "$src/k8s"

# 2. Schemas up to date with the swagger.
swagger="$src/../shared/k8s/kubernetes-v1.35.0-swagger.json"
if [ -f "$swagger" ]; then
  "$py" "$src/k8s/schemas/generate.py" "$swagger" "$work/schemas" >/dev/null
  expect "k8s/schemas/ is generate.py's output" 0 "" -- \
    diff -r -x generate.py "$src/k8s/schemas" "$work/schemas"
else
  echo "skip schemas vs swagger: $swagger not here"
fi

# 3. The same objects as the real kustomize.
if command -v kubectl >/dev/null 2>&1 &&
   timeout 60 kubectl kustomize "$src/k8s/base" >/dev/null 2>&1; then
  for dir in k8s k8s/base k8s/overlays/hot-reload k8s/prometheus-operator; do
    timeout 60 kubectl kustomize "$src/$dir" >"$work/kubectl.yaml"
    "${validator[@]}" --render "$src/$dir" >"$work/ours.yaml"
    expect "$dir renders as kubectl kustomize does" 0 "same" -- "$py" -c '
import sys, yaml
a, b = ([d for d in yaml.safe_load_all(open(f)) if d] for f in sys.argv[1:])
print("same" if a == b else "differ")' "$work/kubectl.yaml" "$work/ours.yaml"
  done
else
  echo "skip comparison with kubectl kustomize: no kubectl"
fi

# 4. Mutations of a copy of the Deployment.
# mutate NAME WANT_EXIT WANT_SUBSTRING PYTHON: PYTHON edits `d` (the parsed
# k8s/base/deployment.yaml, `c` its container) in a fresh copy of k8s/.
mutate() {
  local name=$1 want_exit=$2 want=$3 code=$4
  rm -rf "$work/m"; mkdir "$work/m"; cp -r "$src/k8s" "$work/m/k8s"
  "$py" - "$work/m/k8s/base/deployment.yaml" "$code" <<'PY'
import sys, yaml
path, code = sys.argv[1:]
d = yaml.safe_load(open(path))
c = d["spec"]["template"]["spec"]["containers"][0]
exec(code)
yaml.safe_dump(d, open(path, "w"), sort_keys=False)
PY
  expect "$name" "$want_exit" "$want" -- "${validator[@]}" "$work/m/k8s"
}
mutate "wrong type fails (replicas: \"3\")" 1 \
  "spec.replicas: '3' is not of type 'integer'" \
  'd["spec"]["replicas"] = "3"'
mutate "unknown field fails (imagePullpolicy)" 1 \
  "Additional properties are not allowed ('imagePullpolicy' was unexpected)" \
  'c["imagePullpolicy"] = c.pop("imagePullPolicy")'
mutate "missing required field fails (container name)" 1 \
  "'name' is a required property" \
  'del c["name"]'
mutate "int-or-string as a string passes (maxSurge: 25%)" 0 "12 objects OK" \
  'd["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = "25%"'
mutate "quantities as numbers pass (cpu: 1)" 0 "12 objects OK" \
  'c["resources"]["requests"]["cpu"] = 1; c["resources"]["limits"]["memory"] = "0.5Gi"'
mutate "a bad quantity fails (memory: 512MB)" 1 \
  "resources.limits.memory: '512MB' is not valid" \
  'c["resources"]["limits"]["memory"] = "512MB"'
mutate "shutdown longer than the grace period fails" 1 \
  "terminationGracePeriodSeconds 15 <= preStop 5 + drain 5 + grace 10" \
  'd["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = 15'

# kustomize's load rules, as kubectl applies them.
rm -rf "$work/m"; mkdir "$work/m"; cp -r "$src/k8s" "$work/m/k8s"
mkdir "$work/m/k8s/base/nested"
printf 'resources:\n  - ..\n' >"$work/m/k8s/base/nested/kustomization.yaml"
expect "an overlay inside its base is a cycle" 1 "cycle detected" -- \
  "${validator[@]}" --render "$work/m/k8s/base/nested"
rm -rf "$work/m/k8s/base/nested"
sed -i 's#- namespace.yaml#- ../prometheus-operator/servicemonitor.yaml#' \
  "$work/m/k8s/base/kustomization.yaml"
expect "files above a kustomization are refused" 1 "is not in or below" -- \
  "${validator[@]}" --render "$work/m/k8s/base"

# 5. The hot-reload seed script, with its paths moved into the work dir.
"${validator[@]}" --render "$src/k8s/overlays/hot-reload" | "$py" -c '
import sys, yaml
for d in yaml.safe_load_all(sys.stdin):
    if d and d["kind"] == "Deployment":
        init = d["spec"]["template"]["spec"]["initContainers"][0]
        print(init["command"][2])' |
  sed -e "s#/models/#$work/image/#g" -e "s#/repository#$work/volume#g" \
  >"$work/seed.sh"
mkdir -p "$work/image" "$work/volume"
cp -r "$src/models/." "$work/image/"
HOSTNAME=pod-a sh "$work/seed.sh" >"$work/seed-a.log" 2>&1 & seed_a=$!
HOSTNAME=pod-b sh "$work/seed.sh" >"$work/seed-b.log" 2>&1 & seed_b=$!
wait "$seed_a"; wait "$seed_b"
expect "seeding an empty volume copies the image's models" 0 "" -- \
  diff -r "$src/models" "$work/volume"
expect "two pods seeding at once leave no temporary directory" 0 "" -- \
  test -z "$(find "$work/volume" -mindepth 1 -maxdepth 1 -name '.*')"
echo changed >"$work/volume/boston_housing/1/marker"
HOSTNAME=pod-c sh "$work/seed.sh"
expect "seeding again keeps what the volume has" 0 "" -- \
  test -f "$work/volume/boston_housing/1/marker"

# 6. The server with the Deployment's command line.
if [ -n "$bin" ] && [ -x "$bin/regserve-server" ] && [ -x "$bin/regserve-cli" ]; then
  mapfile -d '' argv < <("$py" - "$here" "$src" "$bin" <<'PY'
import os, sys
here, src, bin_dir = sys.argv[1:]
sys.path.insert(0, here)
import validate_manifests as v
objs = v.Renderer(v.Schemas(os.path.join(src, "k8s", "schemas"))).render(
    os.path.join(src, "k8s"))
maps = {o["metadata"]["name"]: o for o in objs if o["kind"] == "ConfigMap"}
pod = [o for o in objs if o["kind"] == "Deployment"][0]["spec"]["template"]
c = pod["spec"]["containers"][0]
env = {}
for ref in c.get("envFrom", []):
    env.update(maps[ref["configMapRef"]["name"]]["data"])
argv = [v.VAR_REF.sub(lambda m: env[m.group(1)], a)
        for a in c["command"] + c["args"]]
# Only what differs on a test machine: the binary's directory, free ports
# and the checkout's model repository.
swap = {"--port=50051": "--port=0", "--metrics_port=9090": "--metrics_port=-1",
        "--http_port=8080": "--http_port=-1",
        "--model_repository=/models": "--model_repository=" +
        os.path.join(src, "models")}
argv = [os.path.join(bin_dir, os.path.basename(argv[0]))] + \
    [swap.get(a, a) for a in argv[1:]]
assert len(swap) == len(set(swap.values()) & set(argv)), argv
print(env["DRAIN_SECONDS"], env["SHUTDOWN_GRACE_SECONDS"],
      pod["spec"]["terminationGracePeriodSeconds"], sep="\0", end="\0")
print("\0".join(argv), end="")
PY
)
  drain=${argv[0]}; grace=${argv[1]}; period=${argv[2]}; argv=("${argv[@]:3}")
  echo "server: ${argv[*]}"
  start_server "$work/ports" "$work/server.log" "${argv[@]}"
  port=$(sed -n 1p "$work/ports")
  cli=("$bin/regserve-cli" "--target=127.0.0.1:$port" "--deadline_ms=2000")
  row="CRIM=0.00632,ZN=18,INDUS=2.31,CHAS=0,NOX=0.538,RM=6.575,AGE=65.2"
  row="$row,DIS=4.09,RAD=1,TAX=296,PTRATIO=15.3,B=396.9,LSTAT=4.98"
  expect "liveness/startup probe (service \"\") is SERVING" 0 "SERVING" -- \
    "${cli[@]}" health
  expect "readiness probe's service is SERVING" 0 "SERVING" -- \
    "${cli[@]}" --service=regserve.v1.PredictionService health
  expect "predict with the Deployment's flags" 0 "30.00384338" -- \
    "${cli[@]}" --feature "$row" predict
  start=$(date +%s.%N)
  kill -TERM "$server_pid"
  # The event itself, not a second's sleep: health turns NOT_SERVING at once
  # and stays so for DRAIN_SECONDS.
  not_serving() {
    local out
    out=$("${cli[@]}" --service=regserve.v1.PredictionService health 2>&1) || true
    [[ "$out" == *NOT_SERVING* ]]
  }
  expect "after SIGTERM the readiness service turns NOT_SERVING" 0 "" -- \
    wait_until 30 not_serving
  expect "and calls are still answered while draining" 0 "30.00384338" -- \
    "${cli[@]}" --feature "$row" predict
  rc=0; wait "$server_pid" || rc=$?
  server_pid=
  took=$("$py" -c "import time; print(round(time.time() - $start, 1))")
  expect "the server exits 0 after SIGTERM" 0 "" -- test "$rc" = 0
  expect "it drains for DRAIN_SECONDS ($drain s; took $took s)" 0 "" -- \
    "$py" -c "assert $took >= $drain - 0.2"
  expect "and ends within terminationGracePeriodSeconds ($period s)" 0 "" -- \
    "$py" -c "assert $took + 5 < $period and $took < $drain + $grace"
else
  echo "skip server with the Deployment's flags: no BIN_DIR with regserve-server and regserve-cli"
fi

echo "k8s manifests: $failures failures"
[ "$failures" = 0 ]
