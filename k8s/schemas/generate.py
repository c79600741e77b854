#!/usr/bin/env python3
"""Derives strict JSON Schemas for the Kubernetes kinds regserve uses.

Usage: generate.py SWAGGER_JSON [OUTPUT_DIR]

SWAGGER_JSON is the official OpenAPI v2 spec of a Kubernetes release (for
example kubernetes-v1.35.0-swagger.json, as published for the client
libraries). OUTPUT_DIR defaults to the directory of this script. One file per
kind is written, named <group>_<version>_<Kind>.json (group "core" for the
legacy API group), and index.json maps "apiVersion/Kind" to the file. The
outputs are committed, so validating the manifests never needs the swagger.

Each schema is self-contained (draft-07): every $ref is resolved by inlining
the referenced definition, descriptions are dropped, and it is strict:

- every object that has "properties" gets "additionalProperties": false, so
  an unknown or misspelt field fails (kubectl's --validate=strict behaviour);
  maps (objects with an "additionalProperties" schema, like labels) keep it;
- "required" lists are kept as the swagger has them;
- the top level also requires apiVersion, kind and metadata, and pins
  apiVersion and kind to the values of the kind;
- int-or-string fields (format int-or-string: ports, maxUnavailable, ...)
  accept an integer or a string; resource quantities accept a number or a
  quantity string ("500m", "128Mi", "1e3"); int32 and int64 get their
  ranges;
- the list metadata the API server enforces or uses for strategic merge
  (x-kubernetes-list-type, x-kubernetes-list-map-keys,
  x-kubernetes-patch-strategy, x-kubernetes-patch-merge-key) is kept;
  jsonschema ignores these keywords, the validator reads them.
"""
import hashlib
import json
import os
import re
import sys

# The kinds the manifests in k8s/ use (apiVersion, kind).
KINDS = [
    ("v1", "Namespace"),
    ("v1", "ServiceAccount"),
    ("v1", "ConfigMap"),
    ("v1", "Service"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "Pod"),                # examples/models-admin-pod.yaml
    ("apps/v1", "Deployment"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("policy/v1", "PodDisruptionBudget"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
]

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
# resource.Quantity's grammar: a signed decimal number and an optional
# binary-SI, decimal-SI or exponent suffix.
QUANTITY_PATTERN = (r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
                    r"(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$")
KEPT_EXTENSIONS = ("x-kubernetes-list-type", "x-kubernetes-list-map-keys",
                   "x-kubernetes-patch-strategy",
                   "x-kubernetes-patch-merge-key")
INT_RANGES = {
    "int32": (-2**31, 2**31 - 1),
    "int64": (-2**63, 2**63 - 1),
}


def file_name(api_version, kind):
    group, _, version = api_version.rpartition("/")
    return f"{group or 'core'}_{version}_{kind}.json"


class Converter:
    def __init__(self, definitions):
        self.definitions = definitions

    def definition(self, name, stack):
        if name in stack:
            raise ValueError("recursive definition, cannot inline: " +
                             " -> ".join(stack + (name,)))
        if name == INT_OR_STRING:
            return {"anyOf": [{"type": "integer"}, {"type": "string"}]}
        if name == QUANTITY:
            return {"anyOf": [{"type": "string", "pattern": QUANTITY_PATTERN},
                              {"type": "number"}]}
        return self.convert(self.definitions[name], stack + (name,))

    def convert(self, node, stack):
        if "$ref" in node:
            prefix = "#/definitions/"
            ref = node["$ref"]
            assert ref.startswith(prefix), ref
            return self.definition(ref[len(prefix):], stack)
        if node.get("format") == "int-or-string":
            return {"anyOf": [{"type": "integer"}, {"type": "string"}]}
        out = {}
        for key in ("type", "enum", "required") + KEPT_EXTENSIONS:
            if key in node:
                out[key] = node[key]
        fmt = node.get("format")
        if node.get("type") == "integer" and fmt in INT_RANGES:
            out["minimum"], out["maximum"] = INT_RANGES[fmt]
        if "items" in node:
            out["items"] = self.convert(node["items"], stack)
        if "properties" in node:
            out["properties"] = {
                key: self.convert(value, stack)
                for key, value in sorted(node["properties"].items())
            }
            out["additionalProperties"] = False
        elif isinstance(node.get("additionalProperties"), dict):
            out["additionalProperties"] = self.convert(
                node["additionalProperties"], stack)
        elif "additionalProperties" in node:
            out["additionalProperties"] = node["additionalProperties"]
        return out


def find_definition(definitions, api_version, kind):
    group, _, version = api_version.rpartition("/")
    for name, schema in definitions.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            if (gvk.get("group", ""), gvk["version"], gvk["kind"]) == (
                    group, version, kind):
                return name
    raise KeyError(f"{api_version} {kind} is not in the swagger")


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    with open(argv[1], "rb") as f:
        raw = f.read()
    swagger = json.loads(raw)
    out_dir = argv[2] if len(argv) == 3 else os.path.dirname(
        os.path.abspath(__file__))
    os.makedirs(out_dir, exist_ok=True)
    definitions = swagger["definitions"]
    # The published swagger says "unversioned"; its file name has the release.
    match = re.search(r"v[0-9]+\.[0-9]+\.[0-9]+", os.path.basename(argv[1]))
    release = match.group(0) if match else swagger["info"]["version"]
    converter = Converter(definitions)
    index = {}
    for api_version, kind in KINDS:
        name = find_definition(definitions, api_version, kind)
        schema = converter.definition(name, ())
        schema["properties"]["apiVersion"] = {"type": "string",
                                              "enum": [api_version]}
        schema["properties"]["kind"] = {"type": "string", "enum": [kind]}
        schema["required"] = sorted(
            set(schema.get("required", [])) | {"apiVersion", "kind",
                                               "metadata"})
        document = {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": f"{api_version} {kind} ({name}, Kubernetes {release}, "
                     "strict)",
        }
        document.update(schema)
        path = os.path.join(out_dir, file_name(api_version, kind))
        with open(path, "w") as f:
            json.dump(document, f, indent=1, sort_keys=True)
            f.write("\n")
        index[f"{api_version}/{kind}"] = file_name(api_version, kind)
    with open(os.path.join(out_dir, "index.json"), "w") as f:
        json.dump({"kubernetes": release,
                   "swagger": os.path.basename(argv[1]),
                   "swagger_sha256": hashlib.sha256(raw).hexdigest(),
                   "kinds": index}, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(index)} schemas from Kubernetes {release} in {out_dir}")


if __name__ == "__main__":
    main(sys.argv)
