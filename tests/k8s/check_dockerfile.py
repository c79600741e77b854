#!/usr/bin/env python3
"""Static checks of the Dockerfile and .dockerignore (no Docker engine).

Usage: check_dockerfile.py SOURCE_DIR [LDD_PACKAGES_FILE]
       check_dockerfile.py --print ENTRYPOINT|HEALTHCHECK SOURCE_DIR

hadolint is not packaged for Debian 12, so this implements the hadolint
rules that apply to this Dockerfile (their ids in brackets) plus the
project's own requirements. LDD_PACKAGES_FILE, when given, lists the Debian
packages that own the shared libraries the binaries link (made by
dockerfile_test.sh with ldd and dpkg -S); the runtime stage must install
exactly those, less the ones debian:bookworm-slim already has.

Exit status 0 when every check passes, 1 otherwise (one line per problem).
"""
import fnmatch
import json
import os
import re
import shlex
import sys

import yaml

# Packages of priority "required" that debian:bookworm-slim ships.
SLIM_BASE = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}
BINARIES = ("regserve-server", "regserve-cli", "regserve-train")


class Instruction:
    def __init__(self, line, keyword, args):
        self.line, self.keyword, self.args = line, keyword, args

    def exec_form(self):
        """The JSON array of an exec-form instruction, or None."""
        text = self.args
        if self.keyword == "HEALTHCHECK":
            match = re.search(r"\bCMD\s+(.*)$", text, re.S)
            text = match.group(1) if match else ""
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, list) else None


def parse(path):
    """Dockerfile instructions with continuation lines joined."""
    instructions, pending, start = [], "", 0
    with open(path) as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not pending and (not line.strip() or
                                line.lstrip().startswith("#")):
                continue
            if pending and line.lstrip().startswith("#"):
                continue                     # comment inside a continuation
            if not pending:
                start = number
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            text = (pending + line).strip()
            pending = ""
            keyword, _, args = text.partition(" ")
            instructions.append(Instruction(start, keyword.upper(),
                                            args.strip()))
    return instructions


def stages(instructions):
    out = []
    for ins in instructions:
        if ins.keyword == "FROM":
            words = ins.args.split()
            name = words[2] if len(words) >= 3 and \
                words[1].upper() == "AS" else None
            out.append({"from": ins, "image": words[0], "name": name,
                        "body": []})
        elif out:
            out[-1]["body"].append(ins)
    return out


def dockerignore_excludes(patterns, path):
    """Docker's .dockerignore matching: the last matching pattern wins; a
    pattern matches a path or any of its parent directories."""
    excluded = False
    parts = path.split("/")
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        for i in range(1, len(parts) + 1):
            prefix = "/".join(parts[:i])
            if fnmatch.fnmatchcase(prefix, pattern) or (
                    pattern.startswith("**/") and
                    fnmatch.fnmatchcase(prefix.split("/")[-1], pattern[3:])):
                excluded = not negate
                break
    return excluded


def print_exec_form(src, keyword):
    """--print KEYWORD: the runtime stage's exec-form argv, NUL-separated."""
    final = stages(parse(os.path.join(src, "Dockerfile")))[-1]
    found = [i for i in final["body"] if i.keyword == keyword]
    argv = found[-1].exec_form() if found else None
    if not argv:
        print(f"no exec-form {keyword} in the runtime stage", file=sys.stderr)
        return 1
    sys.stdout.write("\0".join(argv))
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "--print":
        return print_exec_form(argv[3], argv[2])
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    src = argv[1]
    errors = []

    def check(condition, message):
        if not condition:
            errors.append(message)
        return condition

    instructions = parse(os.path.join(src, "Dockerfile"))
    all_stages = stages(instructions)
    if not check(len(all_stages) >= 2, "expected a build and a runtime stage"):
        return report(errors)

    # ------------------------------------------------ hadolint-style rules
    names = set()
    for stage in all_stages:
        image = stage["image"]
        check(":" in image or "@" in image,
              f"line {stage['from'].line}: FROM {image} has no tag [DL3006]")
        check(not image.endswith(":latest"),
              f"line {stage['from'].line}: FROM {image} uses latest [DL3007]")
        if stage["name"]:
            check(stage["name"] not in names,
                  f"duplicate stage name {stage['name']} [DL3024]")
            names.add(stage["name"])
    seen_stages = set()
    for stage in all_stages:
        for ins in stage["body"]:
            where = f"line {ins.line}: {ins.keyword}"
            check(ins.keyword != "ADD", f"{where}: use COPY, not ADD "
                  "[DL3020]")
            check(ins.keyword != "MAINTAINER", f"{where}: deprecated [DL4000]")
            if ins.keyword == "COPY":
                match = re.search(r"--from=(\S+)", ins.args)
                if match:
                    check(match.group(1) in seen_stages,
                          f"{where}: --from={match.group(1)} is not an "
                          "earlier stage [DL3022]")
            if ins.keyword == "WORKDIR":
                check(ins.args.startswith("/"), f"{where}: relative WORKDIR "
                      "[DL3000]")
            if ins.keyword in ("ENTRYPOINT", "CMD", "HEALTHCHECK"):
                check(ins.exec_form() is not None,
                      f"{where}: use the JSON (exec) form so signals reach "
                      "the process [DL3025]")
            if ins.keyword in ("ENV", "ARG"):
                check(not re.search(r"(PASSWORD|SECRET|TOKEN|_KEY)\b",
                                    ins.args, re.I),
                      f"{where}: looks like a secret in the image")
            if ins.keyword == "RUN":
                cmd = ins.args
                check(not re.search(r"(^|[;&|]\s*)cd\s", cmd),
                      f"{where}: use WORKDIR instead of cd [DL3003]")
                check("sudo " not in cmd, f"{where}: sudo [DL3004]")
                check(not re.search(r"(^|[;&|]\s*)apt\s", cmd),
                      f"{where}: use apt-get, not apt [DL3027]")
                check(not re.search(r"apt-get\s+(dist-)?upgrade", cmd),
                      f"{where}: apt-get upgrade [DL3005]")
                if re.search(r"[^|]\|[^|]", cmd):
                    check(any(i.keyword == "SHELL" and "pipefail" in i.args
                              for i in stage["body"]),
                          f"{where}: a pipe without SHELL pipefail [DL4006]")
                if "apt-get install" in cmd:
                    check(re.search(r"apt-get install[^&;]*\s-y\b", cmd),
                          f"{where}: apt-get install without -y [DL3014]")
                    check("--no-install-recommends" in cmd,
                          f"{where}: apt-get install without "
                          "--no-install-recommends [DL3015]")
                    check("rm -rf /var/lib/apt/lists" in cmd,
                          f"{where}: apt lists left in the layer [DL3009]")
                if "apt-get update" in cmd:
                    check("apt-get install" in cmd,
                          f"{where}: apt-get update alone in a RUN "
                          "[DL3009]")
        if stage["name"]:
            seen_stages.add(stage["name"])
    final = all_stages[-1]
    users = [i for i in final["body"] if i.keyword == "USER"]
    check(users, "the runtime stage sets no USER [DL3002]")
    user = users[-1].args if users else ""
    uid = user.split(":")[0]
    check(uid.isdigit() and int(uid) != 0,
          f"the last USER ({user!r}) must be a numeric non-zero uid (so "
          "Kubernetes can verify runAsNonRoot) [DL3002]")

    # --------------------------------------------------- the build stage
    build = all_stages[0]
    check(build["image"] == "debian:bookworm",
          f"the build stage is {build['image']}, expected debian:bookworm")
    runs = [i.args for i in build["body"] if i.keyword == "RUN"]
    copies = [i.args for i in build["body"] if i.keyword == "COPY"]
    # The README's commands reach scripts/setup.sh through the scripts.
    with open(os.path.join(src, "README.md")) as f:
        readme = f.read()
    reached, queue = set(), re.findall(r"bash (scripts/\w+\.sh)", readme)
    while queue:
        script = queue.pop()
        if script in reached:
            continue
        reached.add(script)
        with open(os.path.join(src, script)) as f:
            queue += re.findall(r"bash (scripts/\w+\.sh)", f.read())
    check("scripts/setup.sh" in reached,
          "the README's commands do not run scripts/setup.sh")
    check(any(re.search(r"(^|&&\s*)bash scripts/setup\.sh(\s|$)", r)
              for r in runs),
          "the build stage does not run `bash scripts/setup.sh`")
    check(any(c.split()[0] in ("scripts/setup.sh", ".", "scripts/",
                               "scripts")
              for c in copies if not c.startswith("--from")),
          "the build stage does not COPY scripts/setup.sh from the context")
    check(any(c.split() == [".", "."] for c in copies),
          "the build stage does not COPY the repository (COPY . .)")
    cmake = " ".join(runs)
    for flag in ("-G Ninja", "-DCMAKE_BUILD_TYPE=Release",
                 "-DREGSERVE_BUILD_TESTS=OFF", "--target " + " ".join(
                     BINARIES)):
        check(flag in cmake, f"the build stage's cmake lacks {flag}")
    with open(os.path.join(src, "scripts", "build.sh")) as f:
        build_sh = f.read()
    check("-G Ninja" in build_sh and "CMAKE_BUILD_TYPE=Release" in build_sh,
          "scripts/build.sh no longer builds Ninja/Release like the image")

    # ------------------------------------------------- the runtime stage
    check(final["image"] == "debian:bookworm-slim",
          f"the runtime stage is {final['image']}, expected "
          "debian:bookworm-slim")
    body = final["body"]
    by_keyword = {}
    for ins in body:
        by_keyword.setdefault(ins.keyword, []).append(ins)
    exposed = set()
    for ins in by_keyword.get("EXPOSE", []):
        exposed |= {p.split("/")[0] for p in ins.args.split()}
    with open(os.path.join(src, "server", "main.cc")) as f:
        main_cc = f.read()
    # Every port the server opens by default (--port, --metrics_port,
    # --http_port, ...).
    defaults = re.findall(r"ABSL_FLAG\(int, (\w*port), (\d+)", main_cc)
    check(len(defaults) >= 2, "no port flags found in server/main.cc")
    for flag, port in defaults:
        if port != "0":
            check(port in exposed, f"EXPOSE lacks {port} (--{flag}'s "
                  "default)")
    check({"50051", "9090"} <= exposed, "EXPOSE must list 50051 and 9090")
    health = by_keyword.get("HEALTHCHECK", [])
    if check(health, "no HEALTHCHECK"):
        argv_ = health[-1].exec_form() or []
        check(argv_[:1] == ["regserve-cli"] and argv_[-1:] == ["health"],
              "HEALTHCHECK must run `regserve-cli ... health`")
    entry = by_keyword.get("ENTRYPOINT", [])
    entry_argv = entry[-1].exec_form() if entry else None
    check(entry_argv and entry_argv[0] in ("regserve-server",
                                           "/usr/local/bin/regserve-server")
          and "--model_repository=/models" in entry_argv,
          "ENTRYPOINT must be regserve-server --model_repository=/models")
    copied = []
    for ins in by_keyword.get("COPY", []):
        words = [w for w in ins.args.split() if not w.startswith("--")]
        if "--from=build" in ins.args:
            check(words[-1] == "/usr/local/bin/",
                  "binaries must go to /usr/local/bin/")
            copied += [os.path.basename(w) for w in words[:-1]]
        elif words[-1].rstrip("/") == "/models":
            check(words[0].rstrip("/") == "models",
                  "/models must be the repository's models/")
    for binary in BINARIES:
        check(binary in copied, f"the runtime stage lacks {binary}")
    check(any(i.args.split()[-1].rstrip("/") == "/models"
              for i in by_keyword.get("COPY", [])),
          "the default model repository is not copied to /models")
    check(not any("--from=build" in i.args and "/src/build/" not in i.args
                  for i in by_keyword.get("COPY", [])),
          "COPY --from=build takes something other than build outputs")
    installed = set()
    for ins in by_keyword.get("RUN", []):
        match = re.search(r"apt-get install (.*?)(&&|$)", ins.args)
        if match:
            installed |= {w for w in shlex.split(match.group(1))
                          if not w.startswith("-")}
    for package in sorted(installed):
        check(re.search(r"\d", package),
              f"runtime package {package} has no ABI version in its name: "
              "pin it or justify it")
    if len(argv) == 3:
        with open(argv[2]) as f:
            needed = {line.strip() for line in f if line.strip()} - SLIM_BASE
        check(needed <= installed,
              f"the runtime stage lacks {sorted(needed - installed)}, which "
              "own libraries the binaries link")
        check(installed <= needed,
              f"the runtime stage installs {sorted(installed - needed)}, "
              "which no binary links")

    # Kubernetes agrees with the image.
    with open(os.path.join(src, "k8s", "base", "deployment.yaml")) as f:
        deployment = yaml.safe_load(f)
    pod = deployment["spec"]["template"]["spec"]
    check(str(pod["securityContext"]["runAsUser"]) == uid,
          f"k8s runAsUser {pod['securityContext']['runAsUser']} is not the "
          f"image's USER {uid}")
    container = pod["containers"][0]
    check(os.path.basename(container["command"][0]) in copied and
          container["command"][0].startswith("/usr/local/bin/"),
          f"k8s command {container['command'][0]} is not a copied binary")
    ports = {str(p["containerPort"]) for p in container["ports"]}
    check(ports == exposed, f"k8s containerPorts {sorted(ports)} differ "
          f"from EXPOSE {sorted(exposed)}")

    # -------------------------------------------------------- .dockerignore
    with open(os.path.join(src, ".dockerignore")) as f:
        patterns = [line.strip() for line in f
                    if line.strip() and not line.startswith("#")]
    for path in ("build", "build/CMakeCache.txt", "build-asan", ".git",
                 "node_modules", "client/node_modules"):
        check(dockerignore_excludes(patterns, path),
              f".dockerignore does not exclude {path}")
    needed_paths = ["CMakeLists.txt", "scripts/setup.sh", "models",
                    "models/boston_housing/1/model.json"]
    with open(os.path.join(src, "CMakeLists.txt")) as f:
        needed_paths += re.findall(r"add_subdirectory\((\w+)\)", f.read())
    for path in needed_paths:
        check(not dockerignore_excludes(patterns, path),
              f".dockerignore excludes {path}, which the build needs")
    return report(errors)


def report(errors):
    for e in errors:
        print(f"ERROR Dockerfile: {e}")
    if not errors:
        print("Dockerfile and .dockerignore: every check passed")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
