#!/usr/bin/env bash
# The alert rules pass `promtool check rules` and their unit tests, and every
# PromQL expression of the Grafana dashboard parses (each is checked by
# promtool as a recording rule). Usage: monitoring_test.sh SOURCE_DIR
set -euo pipefail
dir="$1/k8s/monitoring"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
promtool check rules "$dir/regserve-rules.yaml"
(cd "$dir" && promtool test rules regserve-rules.test.yaml)
python3 - "$dir/grafana-dashboard.json" "$work/dashboard-rules.yaml" <<'PY'
import json, sys
dash = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
assert len(exprs) >= 12, exprs
with open(sys.argv[2], "w") as out:
    out.write("groups:\n- name: dashboard\n  rules:\n")
    for i, e in enumerate(exprs):
        e = e.replace("$__rate_interval", "5m")
        out.write(f"  - record: dashboard:expr{i}\n    expr: {json.dumps(e)}\n")
print(f"{len(dash['panels'])} panels, {len(exprs)} expressions")
PY
promtool check rules "$work/dashboard-rules.yaml"
