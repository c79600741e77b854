#!/usr/bin/env python3
"""Offline checks of regserve's Kubernetes manifests (no cluster, no kubectl).

Usage:
  validate_manifests.py K8S_DIR            render and check every entry point
  validate_manifests.py --render DIR       print what `kubectl kustomize DIR`
                                           would (for the features below)
  validate_manifests.py --selftest K8S_DIR check the renderer and schemas

Needs only Debian's python3-yaml and python3-jsonschema.

1. Renders each kustomization under K8S_DIR (every directory with a
   kustomization.yaml of kind Kustomization) the way `kubectl kustomize` does,
   for the features these manifests use: resources (files and directories,
   with kustomize's cycle check and its rule that files are read only below
   the kustomization's directory), components, configMapGenerator (literals,
   files, envs; behavior create/merge/replace; options labels, annotations,
   disableNameSuffixHash, immutable) with kustomize's content-hash name
   suffix and the rewriting of references to the generated names,
   namespace, patches (strategic merge, using the merge keys from the API
   schema, and JSON 6902; by target or by the patch's own kind and name),
   images, replacements, commonLabels and commonAnnotations. Any other
   kustomization field is an error rather than silently ignored.
2. Validates every rendered object against the strict JSON Schema of its
   apiVersion/kind derived from the official Kubernetes swagger
   (K8S_DIR/schemas, see generate.py there): unknown fields, wrong types and
   missing required fields fail; int-or-string fields and quantities take
   both forms. List-map keys must be unique (as the API server requires).
3. For the Prometheus Operator kinds (no schema in the swagger) checks the
   fields the operator needs: a ServiceMonitor's spec.selector and
   spec.endpoints[].port|targetPort; a PrometheusRule's
   spec.groups[].name and rules[] with exactly one of alert/record and expr.
4. Cross-object checks: selectors select the pods, named ports, ConfigMap,
   PVC, ServiceAccount and HPA targets exist, $(VARS) in command and args are
   defined, probes use a container port, the restricted Pod Security
   settings and resources are on every container, the shutdown timing fits
   terminationGracePeriodSeconds, the PrometheusRule equals
   monitoring/regserve-rules.yaml and the dashboard ConfigMap equals
   monitoring/grafana-dashboard.json.
5. Checks the objects under K8S_DIR/examples against their schemas and the
   HPA example's metric against the prometheus-adapter rule.

Exit status: 0 when everything passes, 1 with one line per problem.
"""
import copy
import hashlib
import json
import os
import re
import sys

import jsonschema
import yaml

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml",
                       "Kustomization")
KUSTOMIZATION_FIELDS = {
    "apiVersion", "kind", "namespace", "resources", "components",
    "configMapGenerator", "patches", "images", "replacements",
    "commonLabels", "commonAnnotations",
}
CLUSTER_SCOPED = {
    "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole",
    "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass",
    "IngressClass", "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration", "APIService", "RuntimeClass",
}
# kustomize's legacy output order (api/resid/gvk.go).
ORDER_FIRST = [
    "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition",
    "ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole",
    "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints",
    "Service", "LimitRange", "PriorityClass", "PersistentVolume",
    "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob",
    "PodDisruptionBudget",
]
ORDER_LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]
# Where a pod spec sits in each workload kind.
POD_SPEC_PATHS = {
    "Pod": ["spec"],
    "Deployment": ["spec", "template", "spec"],
    "StatefulSet": ["spec", "template", "spec"],
    "DaemonSet": ["spec", "template", "spec"],
    "ReplicaSet": ["spec", "template", "spec"],
    "Job": ["spec", "template", "spec"],
    "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
}
CRD_KINDS = {("monitoring.coreos.com/v1", "ServiceMonitor"),
             ("monitoring.coreos.com/v1", "PrometheusRule")}

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
VAR_REF = re.compile(r"(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)")
DURATION = re.compile(r"^(([0-9]+)(ms|s|m|h|d|w|y))+$")


class RenderError(Exception):
    pass


# ---------------------------------------------------------------- schemas

class Schemas:
    def __init__(self, schema_dir):
        self.dir = schema_dir
        with open(os.path.join(schema_dir, "index.json")) as f:
            self.index = json.load(f)["kinds"]
        self.cache = {}

    def get(self, api_version, kind):
        key = f"{api_version}/{kind}"
        if key not in self.index:
            return None
        if key not in self.cache:
            with open(os.path.join(self.dir, self.index[key])) as f:
                schema = json.load(f)
            jsonschema.Draft7Validator.check_schema(schema)
            self.cache[key] = schema
        return self.cache[key]


def child_schema(schema, key):
    if not isinstance(schema, dict):
        return {}
    if key in schema.get("properties", {}):
        return schema["properties"][key]
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else {}


# ------------------------------------------------------- kustomize renderer

class Resource:
    """One object plus what kustomize remembers about it."""

    def __init__(self, obj, origin, generated=False, hashed=False):
        self.obj = obj
        self.origin = origin
        self.generated = generated      # made by a generator
        self.hashed = hashed            # gets the content-hash name suffix

    @property
    def kind(self):
        return self.obj.get("kind")

    @property
    def name(self):
        return self.obj.get("metadata", {}).get("name")

    @property
    def namespace(self):
        return self.obj.get("metadata", {}).get("namespace")

    def id(self):
        group = self.obj.get("apiVersion", "").rpartition("/")[0]
        return (group, self.kind, self.namespace or "", self.name)


def go_json(value):
    """encoding/json.Marshal: sorted keys, compact, HTML characters escaped."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"),
                          (">", "\\u003e"), ("\u2028", "\\u2028"),
                          ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def config_map_hash(obj):
    """kustomize's ConfigMap name suffix (api/hasher/hasher.go). kustomize v5
    hashes a generated ConfigMap with its name left empty (checked against
    `kubectl kustomize`, kustomize v5.5.0): only data and binaryData count."""
    encoded = {"kind": "ConfigMap", "name": "",
               "data": obj.get("data", "")}
    if isinstance(obj.get("binaryData"), dict):
        encoded["binaryData"] = obj["binaryData"]
    digest = hashlib.sha256(go_json(encoded).encode()).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


def load_yaml_documents(path):
    with open(path) as f:
        try:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
        except yaml.YAMLError as e:
            raise RenderError(f"{path}: not valid YAML: {e}")
    return docs


def within(path, root):
    path, root = os.path.realpath(path), os.path.realpath(root)
    return path == root or path.startswith(root + os.sep)


class Renderer:
    def __init__(self, schemas):
        self.schemas = schemas

    def kustomization(self, directory):
        for name in KUSTOMIZATION_FILES:
            path = os.path.join(directory, name)
            if os.path.isfile(path):
                docs = load_yaml_documents(path)
                if len(docs) != 1 or not isinstance(docs[0], dict):
                    raise RenderError(f"{path}: expected one mapping")
                k = docs[0]
                unknown = set(k) - KUSTOMIZATION_FIELDS
                if unknown:
                    raise RenderError(
                        f"{path}: fields not supported by this renderer: "
                        f"{sorted(unknown)}")
                return path, k
        raise RenderError(f"{directory}: no kustomization.yaml")

    def load_file(self, root, relative, what):
        """kustomize's LoadRestrictionsRootOnly: only files below root."""
        path = os.path.normpath(os.path.join(root, relative))
        if not within(path, root):
            raise RenderError(
                f"security; file '{path}' ({what}) is not in or below "
                f"'{root}'")
        if not os.path.isfile(path):
            raise RenderError(f"{path} ({what}): no such file")
        return path

    def render(self, directory):
        resources = self.build(os.path.realpath(directory), [], None,
                               "Kustomization")
        self.add_hash_suffixes(resources)
        return [r.obj for r in sorted(resources, key=sort_key)]

    def build(self, root, chain, inputs, expected_kind):
        path, k = self.kustomization(root)
        kind = k.get("kind", "Kustomization")
        if kind != expected_kind:
            raise RenderError(f"{path}: kind {kind}, expected {expected_kind}")
        want_api = ("kustomize.config.k8s.io/v1alpha1" if kind == "Component"
                    else "kustomize.config.k8s.io/v1beta1")
        if k.get("apiVersion", want_api) != want_api:
            raise RenderError(f"{path}: apiVersion {k.get('apiVersion')}")
        resources = list(inputs or [])
        for entry in k.get("resources", []) or []:
            candidate = os.path.normpath(os.path.join(root, entry))
            if os.path.isdir(candidate):
                self.check_cycle(candidate, chain + [root])
                self.add(resources, self.build(
                    os.path.realpath(candidate), chain + [root], None,
                    "Kustomization"), path)
            else:
                file = self.load_file(root, entry, "resource")
                objs = []
                for doc in load_yaml_documents(file):
                    if not isinstance(doc, dict) or not doc.get("kind") or \
                            not doc.get("apiVersion") or \
                            not doc.get("metadata", {}).get("name"):
                        raise RenderError(
                            f"{file}: every document needs apiVersion, kind "
                            "and metadata.name")
                    objs.append(Resource(doc, file))
                self.add(resources, objs, path)
        for entry in k.get("components", []) or []:
            candidate = os.path.normpath(os.path.join(root, entry))
            if not os.path.isdir(candidate):
                raise RenderError(f"{path}: component {entry} is not a "
                                  "directory")
            self.check_cycle(candidate, chain + [root])
            resources = self.build(os.path.realpath(candidate),
                                   chain + [root], resources, "Component")
        for gen in k.get("configMapGenerator", []) or []:
            self.generate_config_map(root, path, gen, resources)
        for patch in k.get("patches", []) or []:
            self.apply_patch(root, path, patch, resources)
        if k.get("namespace"):
            for r in resources:
                if r.kind == "Namespace":
                    r.obj["metadata"]["name"] = k["namespace"]
                elif r.kind not in CLUSTER_SCOPED:
                    r.obj["metadata"]["namespace"] = k["namespace"]
        for field, meta_key in (("commonLabels", "labels"),
                                ("commonAnnotations", "annotations")):
            if k.get(field):
                for r in resources:
                    self.common_metadata(r.obj, meta_key, k[field],
                                         field == "commonLabels")
        for image in k.get("images", []) or []:
            for r in resources:
                self.set_image(r.obj, image)
        for replacement in k.get("replacements", []) or []:
            self.replace(path, replacement, resources)
        return resources

    @staticmethod
    def check_cycle(candidate, chain):
        """errIfArgEqualOrHigher: a base may not contain a visited root."""
        candidate = os.path.realpath(candidate)
        for visited in chain:
            if within(visited, candidate):
                raise RenderError(
                    f"cycle detected: candidate root '{candidate}' contains "
                    f"visited root '{visited}'")

    @staticmethod
    def add(resources, new, path):
        ids = {r.id() for r in resources}
        for r in new:
            if r.id() in ids:
                raise RenderError(
                    f"{path}: may not add resource with an already "
                    f"registered id: {r.kind} {r.name}")
            ids.add(r.id())
            resources.append(r)

    def generate_config_map(self, root, path, gen, resources):
        known = {"name", "namespace", "behavior", "literals", "files", "envs",
                 "options"}
        if set(gen) - known:
            raise RenderError(f"{path}: configMapGenerator fields not "
                              f"supported: {sorted(set(gen) - known)}")
        name = gen.get("name")
        if not name:
            raise RenderError(f"{path}: configMapGenerator without a name")
        data = {}

        def put(key, value, where):
            if key in data:
                raise RenderError(f"{path}: {name}: key {key} twice ({where})")
            data[key] = value

        for literal in gen.get("literals", []) or []:
            key, sep, value = str(literal).partition("=")
            if not sep or not key:
                raise RenderError(f"{path}: {name}: literal '{literal}' is "
                                  "not KEY=VALUE")
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            put(key, value, "literals")
        for entry in gen.get("files", []) or []:
            key, sep, file = str(entry).partition("=")
            if not sep:
                key, file = os.path.basename(entry), entry
            with open(self.load_file(root, file, f"{name} file")) as f:
                put(key, f.read(), "files")
        for entry in gen.get("envs", []) or []:
            with open(self.load_file(root, entry, f"{name} env file")) as f:
                for line in f:
                    line = line.strip()
                    if not line or line.startswith("#"):
                        continue
                    key, sep, value = line.partition("=")
                    if not sep:
                        raise RenderError(f"{entry}: '{line}' is not "
                                          "KEY=VALUE")
                    put(key, value, "envs")
        options = gen.get("options", {}) or {}
        unknown = set(options) - {"labels", "annotations",
                                  "disableNameSuffixHash", "immutable"}
        if unknown:
            raise RenderError(f"{path}: {name}: options not supported: "
                              f"{sorted(unknown)}")
        behavior = gen.get("behavior", "create")
        existing = [r for r in resources if r.kind == "ConfigMap" and
                    r.name == name and
                    (gen.get("namespace") is None or
                     r.namespace == gen.get("namespace"))]
        if behavior == "create":
            if existing:
                raise RenderError(f"{path}: ConfigMap {name} already exists "
                                  "(use behavior: merge or replace)")
            metadata = {"name": name}
            if gen.get("namespace"):
                metadata["namespace"] = gen["namespace"]
            if options.get("labels"):
                metadata["labels"] = dict(options["labels"])
            if options.get("annotations"):
                metadata["annotations"] = dict(options["annotations"])
            obj = {"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": metadata, "data": data}
            if options.get("immutable"):
                obj["immutable"] = True
            resources.append(Resource(
                obj, path, generated=True,
                hashed=not options.get("disableNameSuffixHash", False)))
        elif behavior in ("merge", "replace"):
            if len(existing) != 1:
                raise RenderError(f"{path}: behavior {behavior}: no single "
                                  f"ConfigMap {name} to {behavior}")
            target = existing[0]
            if behavior == "merge":
                target.obj.setdefault("data", {}).update(data)
            else:
                target.obj["data"] = data
            meta = target.obj["metadata"]
            for key in ("labels", "annotations"):
                if options.get(key):
                    meta.setdefault(key, {}).update(options[key])
            if "disableNameSuffixHash" in options:
                target.hashed = not options["disableNameSuffixHash"]
        else:
            raise RenderError(f"{path}: {name}: unknown behavior {behavior}")

    # -------------------------------------------------------------- patches

    def apply_patch(self, root, path, patch, resources):
        if set(patch) - {"path", "patch", "target", "options"}:
            raise RenderError(f"{path}: patch fields not supported: "
                              f"{sorted(set(patch) - {'path', 'patch', 'target', 'options'})}")
        if "path" in patch:
            file = self.load_file(root, patch["path"], "patch")
            with open(file) as f:
                text = f.read()
        else:
            file, text = path, patch.get("patch", "")
        try:
            body = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise RenderError(f"{file}: patch is not valid YAML: {e}")
        target = patch.get("target")
        if isinstance(body, list):
            if not target:
                raise RenderError(f"{file}: a JSON 6902 patch needs a target")
            matches = self.select(resources, target)
            for r in matches:
                for op in body:
                    json_patch(r.obj, op, file)
        elif isinstance(body, dict):
            if not target:
                target = {"kind": body.get("kind"),
                          "name": body.get("metadata", {}).get("name")}
            matches = self.select(resources, target)
            for r in matches:
                schema = self.schemas.get(r.obj.get("apiVersion"), r.kind) \
                    or {}
                patch_body = copy.deepcopy(body)
                for key in ("apiVersion", "kind"):
                    patch_body.pop(key, None)
                meta = patch_body.get("metadata", {})
                meta.pop("name", None)
                meta.pop("namespace", None)
                if not meta:
                    patch_body.pop("metadata", None)
                strategic_merge(r.obj, patch_body, schema, file)
        else:
            raise RenderError(f"{file}: empty patch")
        if not matches:
            raise RenderError(f"{file}: patch target {target} matches no "
                              "resource")

    @staticmethod
    def select(resources, selector):
        unknown = set(selector) - {"group", "version", "kind", "name",
                                   "namespace", "labelSelector"}
        if unknown:
            raise RenderError(f"selector fields not supported: "
                              f"{sorted(unknown)}")
        out = []
        for r in resources:
            group, _, version = r.obj.get("apiVersion", "").rpartition("/")
            if selector.get("kind") and selector["kind"] != r.kind:
                continue
            if selector.get("name") and not re.fullmatch(selector["name"],
                                                         r.name or ""):
                continue
            if selector.get("namespace") and \
                    selector["namespace"] != r.namespace:
                continue
            if "group" in selector and selector["group"] != group:
                continue
            if selector.get("version") and selector["version"] != version:
                continue
            if selector.get("labelSelector"):
                labels = r.obj.get("metadata", {}).get("labels", {}) or {}
                wanted = dict(p.split("=", 1) for p in
                              selector["labelSelector"].split(","))
                if any(labels.get(k) != v for k, v in wanted.items()):
                    continue
            out.append(r)
        return out

    @staticmethod
    def common_metadata(obj, key, values, labels):
        obj.setdefault("metadata", {}).setdefault(key, {}).update(values)
        if obj.get("kind") in POD_SPEC_PATHS and obj["kind"] != "Pod":
            template = get_path(obj, POD_SPEC_PATHS[obj["kind"]][:-1])
            if isinstance(template, dict):
                template.setdefault("metadata", {}).setdefault(
                    key, {}).update(values)
            if labels and obj["kind"] != "Job":
                selector = obj.get("spec", {}).setdefault("selector", {})
                selector.setdefault("matchLabels", {}).update(values)
        if labels and obj.get("kind") == "Service":
            obj.setdefault("spec", {}).setdefault("selector", {}).update(
                values)

    # --------------------------------------------------------------- images

    @staticmethod
    def set_image(obj, image):
        pod = pod_spec(obj)
        if pod is None:
            return
        for container in pod.get("containers", []) + \
                pod.get("initContainers", []):
            ref = container.get("image", "")
            name, tag = split_image(ref)
            if name != image.get("name"):
                continue
            if image.get("newName"):
                name = image["newName"]
            if image.get("digest"):
                tag = "@" + image["digest"]
            elif image.get("newTag") is not None:
                tag = ":" + str(image["newTag"])
            container["image"] = name + tag

    # --------------------------------------------------------- replacements

    def replace(self, path, replacement, resources):
        source = replacement.get("source", {})
        sources = self.select(resources, {k: v for k, v in source.items()
                                          if k != "fieldPath"})
        if len(sources) != 1:
            raise RenderError(f"{path}: replacement source {source} matches "
                              f"{len(sources)} resources")
        value = field_path_get(sources[0].obj,
                               source.get("fieldPath", "metadata.name"))
        if value is None:
            raise RenderError(f"{path}: replacement source field "
                              f"{source.get('fieldPath')} not found")
        for target in replacement.get("targets", []):
            matches = self.select(resources, target.get("select", {}))
            if not matches:
                raise RenderError(f"{path}: replacement target "
                                  f"{target.get('select')} matches nothing")
            for r in matches:
                for field in target.get("fieldPaths", []):
                    if not field_path_set(r.obj, field, copy.deepcopy(value)):
                        raise RenderError(
                            f"{path}: replacement target field {field} not "
                            f"found in {r.kind} {r.name}")

    # ------------------------------------------------------ name suffixes

    @staticmethod
    def add_hash_suffixes(resources):
        renames = {}
        for r in resources:
            if r.generated and r.hashed:
                old = r.name
                new = f"{old}-{config_map_hash(r.obj)}"
                r.obj["metadata"]["name"] = new
                renames[(r.namespace, old)] = new
        for r in resources:
            pod = pod_spec(r.obj)
            if pod is None:
                continue
            for ref in config_map_refs(pod):
                key = (r.namespace, ref["name"])
                if key in renames:
                    ref["name"] = renames[key]


QUANTITY_SUFFIXES = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30,
                     "Ti": 1 << 40, "k": 10**3, "M": 10**6, "G": 10**9,
                     "T": 10**12}


def parse_quantity(text):
    """Bytes of a Kubernetes memory quantity ("512Mi", "1G", "1000")."""
    for suffix, factor in QUANTITY_SUFFIXES.items():
        if text.endswith(suffix):
            return int(float(text[:-len(suffix)]) * factor)
    return int(float(text))


def sort_key(resource):
    kind = resource.kind
    if kind in ORDER_FIRST:
        index = ORDER_FIRST.index(kind) - len(ORDER_FIRST)
    elif kind in ORDER_LAST:
        index = 1 + ORDER_LAST.index(kind)
    else:
        index = 0
    return (index, resource.obj.get("apiVersion", ""), kind,
            resource.namespace or "", resource.name or "")


def split_image(ref):
    if "@" in ref:
        name, digest = ref.split("@", 1)
        return name, "@" + digest
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon:]
    return ref, ""


def get_path(obj, keys):
    for key in keys:
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


def pod_spec(obj):
    keys = POD_SPEC_PATHS.get(obj.get("kind"))
    return get_path(obj, keys) if keys else None


def config_map_refs(pod):
    """Every ConfigMap name reference in a pod spec (kustomize's
    nameReference field specs for ConfigMap)."""
    refs = []
    for c in pod.get("containers", []) + pod.get("initContainers", []):
        for env in c.get("env", []) or []:
            ref = get_path(env, ["valueFrom", "configMapKeyRef"])
            if isinstance(ref, dict) and "name" in ref:
                refs.append(ref)
        for env_from in c.get("envFrom", []) or []:
            ref = env_from.get("configMapRef")
            if isinstance(ref, dict) and "name" in ref:
                refs.append(ref)
    for volume in pod.get("volumes", []) or []:
        if isinstance(volume.get("configMap"), dict):
            refs.append(volume["configMap"])
        for source in get_path(volume, ["projected", "sources"]) or []:
            if isinstance(source.get("configMap"), dict):
                refs.append(source["configMap"])
    return refs


def strategic_merge(target, patch, schema, where):
    for key, value in patch.items():
        if key.startswith("$"):
            raise RenderError(f"{where}: patch directive {key} not supported")
        sub = child_schema(schema, key)
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            strategic_merge(target[key], value, sub, where)
        elif isinstance(value, list) and isinstance(target.get(key), list) \
                and "merge" in sub.get("x-kubernetes-patch-strategy",
                                       "").split(","):
            # Items with a new merge key go first, in the patch's order, as
            # kustomize (kyaml merge2) puts them.
            merge_key = sub.get("x-kubernetes-patch-merge-key")
            items = target[key]
            added = []
            for item in value:
                if merge_key and isinstance(item, dict):
                    match = [t for t in items if isinstance(t, dict) and
                             t.get(merge_key) == item.get(merge_key)]
                    if match:
                        strategic_merge(match[0], item, sub.get("items", {}),
                                        where)
                        continue
                elif item in items:
                    continue
                added.append(copy.deepcopy(item))
            target[key] = added + items
        else:
            target[key] = copy.deepcopy(value)


def json_pointer(obj, pointer, where):
    parts = [p.replace("~1", "/").replace("~0", "~")
             for p in pointer.split("/")[1:]]
    if not parts:
        raise RenderError(f"{where}: empty JSON pointer")
    for part in parts[:-1]:
        try:
            obj = obj[int(part)] if isinstance(obj, list) else obj[part]
        except (KeyError, IndexError, ValueError):
            raise RenderError(f"{where}: path {pointer} not found")
    return obj, parts[-1]


def json_patch(obj, op, where):
    parent, last = json_pointer(obj, op.get("path", ""), where)
    kind = op.get("op")
    if isinstance(parent, list):
        index = len(parent) if last == "-" else int(last)
        if kind == "add":
            parent.insert(index, copy.deepcopy(op["value"]))
        elif kind == "replace":
            parent[index] = copy.deepcopy(op["value"])
        elif kind == "remove":
            del parent[index]
        else:
            raise RenderError(f"{where}: op {kind} not supported")
    else:
        if kind in ("add", "replace"):
            if kind == "replace" and last not in parent:
                raise RenderError(f"{where}: replace of missing {op['path']}")
            parent[last] = copy.deepcopy(op["value"])
        elif kind == "remove":
            if last not in parent:
                raise RenderError(f"{where}: remove of missing {op['path']}")
            del parent[last]
        else:
            raise RenderError(f"{where}: op {kind} not supported")


def split_field_path(path):
    return [p for p in re.findall(r"\[[^\]]*\]|[^.\[\]]+", path)]


def field_path_walk(obj, path, create_last=False):
    parts = split_field_path(path)
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part.startswith("["):
            key, _, value = part[1:-1].partition("=")
            if not isinstance(obj, list):
                return None, None
            match = [x for x in obj if isinstance(x, dict) and
                     str(x.get(key)) == value]
            if len(match) != 1:
                return None, None
            if last:
                return None, None
            obj = match[0]
        elif isinstance(obj, list):
            if not part.isdigit() or int(part) >= len(obj):
                return None, None
            if last:
                return obj, int(part)
            obj = obj[int(part)]
        elif isinstance(obj, dict):
            if last:
                return (obj, part) if (part in obj or create_last) else \
                    (None, None)
            if part not in obj:
                return None, None
            obj = obj[part]
        else:
            return None, None
    return None, None


def field_path_get(obj, path):
    parent, key = field_path_walk(obj, path)
    return None if parent is None else parent[key]


def field_path_set(obj, path, value):
    parent, key = field_path_walk(obj, path)
    if parent is None:
        return False
    parent[key] = value
    return True


# ------------------------------------------------------------- validation

class Checker:
    def __init__(self, schemas, k8s_dir):
        self.schemas = schemas
        self.k8s_dir = k8s_dir
        self.errors = []

    def error(self, where, message):
        self.errors.append(f"{where}: {message}")

    def validate_object(self, obj, where):
        api, kind = obj.get("apiVersion"), obj.get("kind")
        name = obj.get("metadata", {}).get("name")
        where = f"{where}: {kind} {name}"
        if (api, kind) in CRD_KINDS:
            self.check_crd(obj, where)
            self.check_metadata(obj, where)
            return
        schema = self.schemas.get(api, kind)
        if schema is None:
            self.error(where, f"no schema for {api} {kind} (add it to "
                       "k8s/schemas/generate.py)")
            return
        validator = jsonschema.Draft7Validator(schema)
        for e in sorted(validator.iter_errors(obj), key=lambda e: list(
                map(str, e.absolute_path))):
            path = ".".join(str(p) for p in e.absolute_path) or "(top)"
            message = e.message
            if e.validator == "anyOf" and len(message) > 200:
                message = message[:200] + "..."
            self.error(where, f"{path}: {message}")
        self.check_list_maps(obj, schema, where, [])
        self.check_metadata(obj, where)

    def check_list_maps(self, obj, schema, where, path):
        if isinstance(obj, dict):
            for key, value in obj.items():
                self.check_list_maps(value, child_schema(schema, key), where,
                                     path + [key])
        elif isinstance(obj, list) and isinstance(schema, dict):
            list_type = schema.get("x-kubernetes-list-type")
            keys = schema.get("x-kubernetes-list-map-keys", [])
            seen = set()
            for item in obj:
                if list_type == "map" and isinstance(item, dict):
                    ident = tuple(json.dumps(item.get(k)) for k in keys)
                elif list_type == "set":
                    ident = json.dumps(item, sort_keys=True)
                else:
                    continue
                if ident in seen:
                    self.error(where, f"{'.'.join(map(str, path))}: "
                               f"duplicate entry {ident} (list keys {keys})")
                seen.add(ident)
            for item in obj:
                self.check_list_maps(item, schema.get("items", {}), where,
                                     path + ["[]"])

    def check_metadata(self, obj, where):
        meta = obj.get("metadata") or {}
        name = meta.get("name")
        kind = obj.get("kind")
        pattern = DNS1035_LABEL if kind == "Service" else DNS1123_SUBDOMAIN
        if not isinstance(name, str) or not pattern.match(name) or \
                len(name) > 253:
            self.error(where, f"metadata.name {name!r} is not a valid name")
        if kind not in CLUSTER_SCOPED and not meta.get("namespace"):
            self.error(where, "no metadata.namespace (every entry point sets "
                       "namespace: regserve)")
        for key, value in (meta.get("labels") or {}).items():
            self.check_label(where, key, value)
        template_labels = get_path(obj, POD_SPEC_PATHS.get(kind, [])[:-1] +
                                   ["metadata", "labels"]) \
            if kind in POD_SPEC_PATHS and kind != "Pod" else None
        for key, value in (template_labels or {}).items():
            self.check_label(where, key, value)

    def check_label(self, where, key, value):
        prefix, _, name = key.rpartition("/")
        if (prefix and not DNS1123_SUBDOMAIN.match(prefix)) or \
                not LABEL_NAME.match(name) or len(name) > 63:
            self.error(where, f"label key {key!r} is not valid")
        if not isinstance(value, str) or len(value) > 63 or \
                (value and not LABEL_NAME.match(value)):
            self.error(where, f"label {key}: value {value!r} is not valid")

    # ---------------------------------------------------- Prometheus CRDs

    def check_crd(self, obj, where):
        unknown = set(obj) - {"apiVersion", "kind", "metadata", "spec"}
        if unknown:
            self.error(where, f"unknown top-level fields {sorted(unknown)}")
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            self.error(where, "spec: required")
            return
        if obj["kind"] == "ServiceMonitor":
            selector = spec.get("selector")
            if not isinstance(selector, dict) or not selector:
                self.error(where, "spec.selector: required (an empty "
                           "selector would scrape every Service)")
            endpoints = spec.get("endpoints")
            if not isinstance(endpoints, list) or not endpoints:
                self.error(where, "spec.endpoints: required, a non-empty "
                           "list")
                return
            for i, ep in enumerate(endpoints):
                if not isinstance(ep, dict) or not (
                        isinstance(ep.get("port"), str) or
                        "targetPort" in ep):
                    self.error(where, f"spec.endpoints[{i}]: needs port (a "
                               "Service port name) or targetPort")
                    continue
                for key in ("interval", "scrapeTimeout"):
                    if key in ep and not DURATION.match(str(ep[key])):
                        self.error(where, f"spec.endpoints[{i}].{key}: "
                                   f"{ep[key]!r} is not a duration")
        else:
            groups = spec.get("groups")
            if not isinstance(groups, list) or not groups:
                self.error(where, "spec.groups: required, a non-empty list")
                return
            for g, group in enumerate(groups):
                if not isinstance(group, dict) or not group.get("name"):
                    self.error(where, f"spec.groups[{g}].name: required")
                    continue
                rules = group.get("rules")
                if not isinstance(rules, list) or not rules:
                    self.error(where, f"spec.groups[{g}].rules: required")
                    continue
                for r, rule in enumerate(rules):
                    at = f"spec.groups[{g}].rules[{r}]"
                    if not isinstance(rule, dict):
                        self.error(where, f"{at}: not a mapping")
                        continue
                    if ("alert" in rule) == ("record" in rule):
                        self.error(where, f"{at}: needs exactly one of "
                                   "alert and record")
                    if not isinstance(rule.get("expr"), str) or \
                            not rule["expr"].strip():
                        self.error(where, f"{at}.expr: required")
                    unknown = set(rule) - {"alert", "record", "expr", "for",
                                           "keep_firing_for", "labels",
                                           "annotations"}
                    if unknown:
                        self.error(where, f"{at}: unknown fields "
                                   f"{sorted(unknown)}")
                    if "for" in rule and not DURATION.match(str(rule["for"])):
                        self.error(where, f"{at}.for: {rule['for']!r} is not "
                                   "a duration")
                    for key in ("labels", "annotations"):
                        values = rule.get(key, {})
                        if not isinstance(values, dict) or not all(
                                isinstance(v, str) for v in values.values()):
                            self.error(where, f"{at}.{key}: a map of "
                                       "strings")

    # ------------------------------------------------ cross-object checks

    def check_together(self, objs, where):
        by_kind = {}
        for obj in objs:
            by_kind.setdefault(obj.get("kind"), []).append(obj)

        def find(kind, name, namespace):
            return [o for o in by_kind.get(kind, [])
                    if o.get("metadata", {}).get("name") == name and
                    o.get("metadata", {}).get("namespace") == namespace]

        workloads = [o for o in objs if o.get("kind") in POD_SPEC_PATHS]
        pods = []      # (namespace, labels, pod spec, owner)
        for w in workloads:
            meta = w.get("metadata", {})
            at = f"{where}: {w['kind']} {meta.get('name')}"
            spec = pod_spec(w)
            if not isinstance(spec, dict):
                continue
            if w["kind"] == "Pod":
                labels = meta.get("labels", {}) or {}
            else:
                labels = get_path(w, POD_SPEC_PATHS[w["kind"]][:-1] +
                                  ["metadata", "labels"]) or {}
                selector = get_path(w, ["spec", "selector"])
                if not selector_matches(selector, labels):
                    self.error(at, "spec.selector does not select the pod "
                               "template's labels")
            pods.append((meta.get("namespace"), labels, spec, w))
            self.check_pod(spec, meta.get("namespace"), at, find)

        def selects(namespace, selector, label_selector):
            return [p for p in pods if p[0] == namespace and (
                selector_matches(selector, p[1]) if label_selector
                else all(p[1].get(k) == v for k, v in selector.items()))]

        for svc in by_kind.get("Service", []):
            meta = svc.get("metadata", {})
            at = f"{where}: Service {meta.get('name')}"
            selector = get_path(svc, ["spec", "selector"]) or {}
            chosen = selects(meta.get("namespace"), selector, False)
            if not selector or not chosen:
                self.error(at, "spec.selector selects no pods")
            for port in get_path(svc, ["spec", "ports"]) or []:
                target = port.get("targetPort", port.get("port"))
                for _, _, spec, _ in chosen:
                    ports = container_ports(spec)
                    if target not in ports:
                        self.error(at, f"targetPort {target!r} is not a "
                                   "container port of the selected pods")
        for kind, path in (("PodDisruptionBudget", ["spec", "selector"]),
                           ("NetworkPolicy", ["spec", "podSelector"])):
            for obj in by_kind.get(kind, []):
                meta = obj.get("metadata", {})
                if not selects(meta.get("namespace"), get_path(obj, path),
                               True):
                    self.error(f"{where}: {kind} {meta.get('name')}",
                               f"{'.'.join(path)} selects no pods")
        for np in by_kind.get("NetworkPolicy", []):
            meta = np.get("metadata", {})
            chosen = selects(meta.get("namespace"),
                             get_path(np, ["spec", "podSelector"]), True)
            for rule in get_path(np, ["spec", "ingress"]) or []:
                for port in rule.get("ports", []) or []:
                    for _, _, spec, _ in chosen:
                        if port.get("port") not in container_ports(spec):
                            self.error(f"{where}: NetworkPolicy "
                                       f"{meta.get('name')}",
                                       f"port {port.get('port')!r} is not a "
                                       "container port")
        for hpa in by_kind.get("HorizontalPodAutoscaler", []):
            meta = hpa.get("metadata", {})
            ref = get_path(hpa, ["spec", "scaleTargetRef"]) or {}
            if not find(ref.get("kind"), ref.get("name"),
                        meta.get("namespace")):
                self.error(f"{where}: HorizontalPodAutoscaler "
                           f"{meta.get('name')}", f"scaleTargetRef {ref} "
                           "does not exist")
        for sm in by_kind.get("ServiceMonitor", []):
            meta = sm.get("metadata", {})
            at = f"{where}: ServiceMonitor {meta.get('name')}"
            services = [s for s in by_kind.get("Service", [])
                        if s.get("metadata", {}).get("namespace") ==
                        meta.get("namespace") and selector_matches(
                            get_path(sm, ["spec", "selector"]),
                            s.get("metadata", {}).get("labels", {}) or {})]
            if by_kind.get("Service") and len(services) != 1:
                self.error(at, f"selects {len(services)} Services; one, or "
                           "the pods are scraped more than once")
            for ep in get_path(sm, ["spec", "endpoints"]) or []:
                for s in services:
                    names = [p.get("name") for p in
                             get_path(s, ["spec", "ports"]) or []]
                    if isinstance(ep, dict) and "port" in ep and \
                            ep["port"] not in names:
                        self.error(at, f"endpoint port {ep['port']!r} is not "
                                   "a port name of the Service")
        self.check_monitoring_files(by_kind, where)

    def check_pod(self, spec, namespace, at, find):
        if spec.get("serviceAccountName") and not find(
                "ServiceAccount", spec["serviceAccountName"], namespace):
            self.error(at, f"ServiceAccount {spec['serviceAccountName']} is "
                       "not in the manifests")
        for volume in spec.get("volumes", []) or []:
            claim = get_path(volume, ["persistentVolumeClaim", "claimName"])
            if claim and not find("PersistentVolumeClaim", claim, namespace):
                self.error(at, f"PersistentVolumeClaim {claim} is not in the "
                           "manifests")
        for ref in config_map_refs(spec):
            if not ref.get("optional") and not find("ConfigMap", ref["name"],
                                                    namespace):
                self.error(at, f"ConfigMap {ref['name']} is not in the "
                           "manifests")
        pod_sc = spec.get("securityContext", {}) or {}
        volumes = {v.get("name") for v in spec.get("volumes", []) or []}
        containers = [("container", c) for c in spec.get("containers", [])] \
            + [("initContainer", c) for c in spec.get("initContainers", [])]
        for what, c in containers:
            cat = f"{at} {what} {c.get('name')}"
            sc = c.get("securityContext", {}) or {}

            def setting(key):
                return sc.get(key, pod_sc.get(key))
            if setting("runAsNonRoot") is not True:
                self.error(cat, "runAsNonRoot must be true")
            if not isinstance(setting("runAsUser"), int) or \
                    setting("runAsUser") == 0:
                self.error(cat, "runAsUser must be a non-zero uid")
            if sc.get("allowPrivilegeEscalation") is not False:
                self.error(cat, "allowPrivilegeEscalation must be false")
            if sc.get("readOnlyRootFilesystem") is not True:
                self.error(cat, "readOnlyRootFilesystem must be true")
            if "ALL" not in (get_path(sc, ["capabilities", "drop"]) or []):
                self.error(cat, "capabilities.drop must include ALL")
            if (setting("seccompProfile") or {}).get("type") not in (
                    "RuntimeDefault", "Localhost"):
                self.error(cat, "seccompProfile must be RuntimeDefault")
            resources = c.get("resources", {}) or {}
            for key in ("requests", "limits"):
                for res in ("cpu", "memory"):
                    if res not in (resources.get(key) or {}):
                        self.error(cat, f"resources.{key}.{res} is not set")
            for mount in c.get("volumeMounts", []) or []:
                if mount.get("name") not in volumes:
                    self.error(cat, f"volumeMount {mount.get('name')} has no "
                               "volume")
            env = self.container_env(c, namespace, find)
            for field in ("command", "args"):
                for arg in c.get(field, []) or []:
                    for var in VAR_REF.findall(str(arg)):
                        if var not in env:
                            self.error(cat, f"{field} uses $({var}), which "
                                       "is not in the container's "
                                       "environment")
            ports = container_ports({"containers": [c]})
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                for action in ("grpc", "httpGet", "tcpSocket"):
                    port = get_path(c, [probe, action, "port"])
                    if port is not None and port not in ports:
                        self.error(cat, f"{probe}.{action}.port {port!r} is "
                                   "not a container port")
            if what == "container":
                self.check_shutdown(spec, c, env, cat)
                self.check_memory(c, env, cat)

    def container_env(self, c, namespace, find):
        env = {}
        for ref in c.get("envFrom", []) or []:
            name = get_path(ref, ["configMapRef", "name"])
            for cm in find("ConfigMap", name, namespace) if name else []:
                for key, value in (cm.get("data") or {}).items():
                    env[ref.get("prefix", "") + key] = value
        for e in c.get("env", []) or []:
            value = e.get("value", "")
            ref = get_path(e, ["valueFrom", "configMapKeyRef"])
            if ref:
                for cm in find("ConfigMap", ref.get("name"), namespace):
                    value = (cm.get("data") or {}).get(ref.get("key"), "")
            env[e.get("name")] = value
        return env

    @staticmethod
    def container_flags(c, env):
        """--flag=value arguments of a container, $(VARS) expanded."""
        args = [VAR_REF.sub(lambda m: str(env.get(m.group(1), m.group(0))),
                            str(a)) for a in c.get("args", []) or []]
        flags = {}
        for arg in args:
            key, sep, value = arg.partition("=")
            if sep:
                flags[key.lstrip("-")] = value
        return flags

    def check_memory(self, c, env, at):
        """What regserve-server may hold must fit the memory limit: one
        connection's streams x message size, and the memory quota (the flood
        drill measured peak growth of about 1.7 x the quota)."""
        flags = self.container_flags(c, env)
        limit = get_path(c, ["resources", "limits", "memory"])
        if "max_message_bytes" not in flags or limit is None:
            return
        try:
            limit_bytes = parse_quantity(str(limit))
            message = int(flags["max_message_bytes"])
            streams = int(flags.get("max_concurrent_streams", 100))
            quota = int(flags.get("memory_quota_bytes", 256 << 20))
        except ValueError:
            self.error(at, "memory flags or limit are not numbers")
            return
        if streams * message > limit_bytes:
            self.error(at, f"--max_concurrent_streams {streams} x "
                       f"--max_message_bytes {message} exceeds the memory "
                       f"limit {limit}")
        if 2 * quota > limit_bytes:
            self.error(at, f"--memory_quota_bytes {quota} is over half the "
                       f"memory limit {limit}")

    def check_shutdown(self, spec, c, env, at):
        """preStop + drain + grace must end before the kubelet's SIGKILL."""
        flags = self.container_flags(c, env)
        if "drain_seconds" not in flags:
            return
        try:
            drain = float(flags["drain_seconds"])
            grace = float(flags.get("shutdown_grace_seconds", 10))
        except ValueError:
            self.error(at, "--drain_seconds / --shutdown_grace_seconds are "
                       "not numbers")
            return
        sleep = 0.0
        pre_stop = get_path(c, ["lifecycle", "preStop"]) or {}
        command = get_path(pre_stop, ["exec", "command"]) or []
        if command and os.path.basename(command[0]) == "sleep":
            sleep = float(command[1])
        elif "sleep" in pre_stop:
            sleep = float(pre_stop["sleep"].get("seconds", 0))
        if drain <= 0:
            self.error(at, "--drain_seconds should be > 0 so health turns "
                       "NOT_SERVING before the server stops")
        total = sleep + drain + grace
        period = spec.get("terminationGracePeriodSeconds", 30)
        if period <= total:
            self.error(at, f"terminationGracePeriodSeconds {period} <= "
                       f"preStop {sleep:g} + drain {drain:g} + grace "
                       f"{grace:g}")

    def check_monitoring_files(self, by_kind, where):
        rules_file = os.path.join(self.k8s_dir, "monitoring",
                                  "regserve-rules.yaml")
        for rule in by_kind.get("PrometheusRule", []):
            if rule.get("metadata", {}).get("name") != "regserve" or \
                    not os.path.isfile(rules_file):
                continue
            with open(rules_file) as f:
                groups = yaml.safe_load(f).get("groups")
            if get_path(rule, ["spec", "groups"]) != groups:
                self.error(f"{where}: PrometheusRule regserve",
                           f"spec.groups differ from {rules_file}")
        dashboard = os.path.join(self.k8s_dir, "monitoring",
                                 "grafana-dashboard.json")
        for cm in by_kind.get("ConfigMap", []):
            labels = cm.get("metadata", {}).get("labels", {}) or {}
            if "grafana_dashboard" not in labels:
                continue
            data = cm.get("data") or {}
            with open(dashboard) as f:
                text = f.read()
            if list(data.values()) != [text]:
                self.error(f"{where}: ConfigMap {cm['metadata']['name']}",
                           f"data is not exactly {dashboard}")
            json.loads(text)


def selector_matches(selector, labels):
    """A LabelSelector (matchLabels, matchExpressions); empty selects all."""
    if not isinstance(selector, dict):
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key"), expr.get("operator")
        values = expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def container_ports(spec):
    ports = set()
    for c in spec.get("containers", []) or []:
        for p in c.get("ports", []) or []:
            ports.add(p.get("containerPort"))
            if p.get("name"):
                ports.add(p["name"])
    return ports


# ------------------------------------------------------------------ main

def entry_points(k8s_dir):
    found = []
    for directory, dirs, files in os.walk(k8s_dir):
        dirs.sort()
        if os.path.relpath(directory, k8s_dir).split(os.sep)[0] in (
                "schemas", "examples", "monitoring"):
            continue
        for name in KUSTOMIZATION_FILES:
            if name in files:
                with open(os.path.join(directory, name)) as f:
                    kind = (yaml.safe_load(f) or {}).get("kind",
                                                         "Kustomization")
                found.append((directory, kind))
                break
    return found


def component_uses(k8s_dir, entries):
    used = set()
    for directory, kind in entries:
        _, k = Renderer(None).kustomization(directory)
        for entry in k.get("components", []) or []:
            used.add(os.path.realpath(os.path.join(directory, entry)))
    return used


def check_examples(k8s_dir, checker, base_objects):
    examples = os.path.join(k8s_dir, "examples")
    if not os.path.isdir(examples):
        return 0
    count = 0
    adapter_metrics = set()
    hpa_metrics = []
    for name in sorted(os.listdir(examples)):
        if not name.endswith((".yaml", ".yml")):
            continue
        path = os.path.join(examples, name)
        try:
            docs = load_yaml_documents(path)
        except RenderError as e:
            checker.error(path, str(e))
            continue
        for doc in docs:
            if isinstance(doc, dict) and "apiVersion" in doc and \
                    "kind" in doc:
                checker.validate_object(doc, path)
                count += 1
                for metric in get_path(doc, ["spec", "metrics"]) or []:
                    if metric.get("type") == "Pods":
                        hpa_metrics.append(
                            (path, get_path(metric, ["pods", "metric",
                                                     "name"])))
                ref = get_path(doc, ["spec", "scaleTargetRef"])
                if ref and not any(o.get("kind") == ref.get("kind") and
                                   o["metadata"].get("name") ==
                                   ref.get("name") for o in base_objects):
                    checker.error(path, f"scaleTargetRef {ref} is not in the "
                                  "manifests")
            elif isinstance(doc, dict) and "rules" in doc:
                for rule in get_path(doc, ["rules", "custom"]) or []:
                    missing = {"seriesQuery", "resources", "name",
                               "metricsQuery"} - set(rule)
                    if missing:
                        checker.error(path, f"adapter rule lacks "
                                      f"{sorted(missing)}")
                    adapter_metrics.add(get_path(rule, ["name", "as"]))
            else:
                checker.error(path, "neither a Kubernetes object nor "
                              "prometheus-adapter values")
    for path, metric in hpa_metrics:
        if metric not in adapter_metrics:
            checker.error(path, f"Pods metric {metric!r} is not made by any "
                          "prometheus-adapter rule in examples/")
    return count


def validate(k8s_dir):
    k8s_dir = os.path.realpath(k8s_dir)
    schemas = Schemas(os.path.join(k8s_dir, "schemas"))
    checker = Checker(schemas, k8s_dir)
    entries = entry_points(k8s_dir)
    used = component_uses(k8s_dir, entries)
    base_objects = []
    for directory, kind in entries:
        rel = os.path.relpath(directory, os.path.dirname(k8s_dir))
        if kind == "Component":
            if os.path.realpath(directory) not in used:
                checker.error(rel, "component not used by any kustomization "
                              "(so never checked)")
            continue
        try:
            objs = Renderer(schemas).render(directory)
        except RenderError as e:
            checker.error(rel, str(e))
            continue
        before = len(checker.errors)
        for obj in objs:
            checker.validate_object(obj, rel)
        checker.check_together(objs, rel)
        kinds = ", ".join(f"{o['kind']}/{o['metadata']['name']}"
                          for o in objs)
        status = "OK" if len(checker.errors) == before else "FAILED"
        print(f"{rel}: {len(objs)} objects {status} ({kinds})")
        if directory == k8s_dir:
            base_objects = objs
    count = check_examples(k8s_dir, checker, base_objects)
    print(f"{os.path.basename(k8s_dir)}/examples: {count} objects checked")
    for e in checker.errors:
        print(f"ERROR {e}")
    return not checker.errors


def selftest(k8s_dir):
    """The renderer's hash against kustomize's own test vectors, and the
    schemas' int-or-string, quantity and strictness handling."""
    cases = [({"apiVersion": "v1", "kind": "ConfigMap"}, "6ct58987ht"),
             ({"kind": "ConfigMap", "data": {"one": ""}}, "9g67k2htb6"),
             ({"kind": "ConfigMap", "data": {"two": 2, "one": "",
                                             "three": 3}}, "7757f9kkct"),
             ({"kind": "ConfigMap", "binaryData": {"one": ""}},
              "6mtk2m274t"),
             ({"kind": "ConfigMap", "data": {"one": ""},
               "binaryData": {"two": ""}}, "698h7c7t9m")]
    ok = True
    for obj, want in cases:
        got = config_map_hash(obj)
        if got != want:
            print(f"ERROR hash of {obj}: {got}, kustomize says {want}")
            ok = False
    schemas = Schemas(os.path.join(k8s_dir, "schemas"))
    deployment = jsonschema.Draft7Validator(schemas.get("apps/v1",
                                                        "Deployment"))
    base = {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "x"},
            "spec": {"selector": {"matchLabels": {"a": "b"}},
                     "template": {"metadata": {"labels": {"a": "b"}},
                                  "spec": {"containers": [{"name": "c"}]}}}}

    def variant(path, value):
        obj = copy.deepcopy(base)
        target = obj
        for key in path[:-1]:
            target = target.setdefault(key, {}) if isinstance(key, str) \
                else target[key]
        target[path[-1]] = value
        return obj

    container = ["spec", "template", "spec", "containers", 0]
    good = [
        variant(["spec", "strategy"], {"rollingUpdate": {
            "maxUnavailable": 0, "maxSurge": "25%"}}),
        variant(container + ["resources"], {"requests": {
            "cpu": 1, "memory": "128Mi"}, "limits": {"cpu": "500m",
                                                     "memory": "1e9"}}),
        variant(container + ["ports"], [{"containerPort": 50051}]),
        variant(container + ["readinessProbe"], {"grpc": {"port": 50051}}),
    ]
    bad = [
        (variant(["spec", "replicas"], "3"), "type"),
        (variant(["spec", "replicas"], 2**31), "maximum"),
        (variant(container + ["resources"], {"limits": {"cpu": "lots"}}),
         "anyOf"),
        (variant(container + ["imagePullPolicyy"], "Always"),
         "additionalProperties"),
        (variant(container + ["readinessProbe"], {"grpc": {}}), "required"),
        (variant(["kind"], "StatefulSet"), "enum"),
    ]
    for obj in good:
        errors = list(deployment.iter_errors(obj))
        if errors:
            print(f"ERROR valid object rejected: {errors[0].message}")
            ok = False
    for obj, validator in bad:
        errors = [e.validator for e in deployment.iter_errors(obj)]
        if validator not in errors:
            print(f"ERROR invalid object accepted (expected {validator}): "
                  f"{errors}")
            ok = False
    print("selftest OK" if ok else "selftest FAILED")
    return ok


def main(argv):
    k8s_default = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               "..", "..", "k8s")
    if len(argv) == 3 and argv[1] == "--render":
        directory = argv[2]
        k8s_dir = directory
        while not os.path.isdir(os.path.join(k8s_dir, "schemas")):
            parent = os.path.dirname(os.path.realpath(k8s_dir))
            if parent == os.path.realpath(k8s_dir):
                k8s_dir = k8s_default
                break
            k8s_dir = parent
        schemas = Schemas(os.path.join(k8s_dir, "schemas"))
        try:
            objs = Renderer(schemas).render(directory)
        except RenderError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        print(yaml.safe_dump_all(objs, sort_keys=True, width=1000), end="")
        return 0
    if len(argv) == 3 and argv[1] == "--selftest":
        return 0 if selftest(argv[2]) else 1
    if len(argv) == 2 and not argv[1].startswith("-"):
        return 0 if validate(argv[1]) else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
