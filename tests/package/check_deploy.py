#!/usr/bin/env python3
"""Checks the deployment files against the binaries they start.

Every Kubernetes manifest in deploy/k8s parses as YAML and has what an
operator relies on (a StatefulSet with a volume and health probes, a
Service, the nightly rescore as an Indexed CronJob); every flag that a
manifest, the Dockerfile, a systemd unit or jiwond.conf passes to jiwond,
jiwon or jiwon-rescore is one that binary lists in --helpfull.

  check_deploy.py SOURCE_DIR BUILD_DIR
"""
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

source, build = Path(sys.argv[1]), Path(sys.argv[2])
binaries = {
    "jiwond": build / "server" / "jiwond",
    "jiwon": build / "clients" / "jiwon",
    "jiwon-rescore": build / "clients" / "jiwon-rescore",
}
known = {}
for name, path in binaries.items():
    out = subprocess.run([str(path), "--helpfull"], capture_output=True,
                         text=True).stdout
    known[name] = set(re.findall(r"^\s+--([a-z_0-9]+)", out, re.M))
    assert len(known[name]) > 5, f"{name} --helpfull listed no flags"

failures = []
checked = 0


def check(binary, args, where):
    global checked
    binary = Path(binary).name
    if binary not in known:
        failures.append(f"{where}: starts {binary}, not a jiwon binary")
        return
    for a in args:
        if not a.startswith("--"):
            continue
        flag = a[2:].split("=", 1)[0]
        checked += 1
        if flag not in known[binary]:
            failures.append(f"{where}: {binary} has no flag --{flag}")


# Kubernetes.
kinds = {}
for f in sorted((source / "deploy" / "k8s").glob("*.yaml")):
    for doc in yaml.safe_load_all(f.read_text()):
        if doc is None:
            continue
        kinds.setdefault(doc["kind"], []).append(doc)
        spec = doc["spec"]
        if doc["kind"] == "CronJob":
            pod = spec["jobTemplate"]["spec"]["template"]["spec"]
        elif doc["kind"] in ("StatefulSet", "Deployment"):
            pod = spec["template"]["spec"]
        else:
            continue
        for c in pod["containers"]:
            check(c["command"][0], c.get("args", []),
                  f"{f.name} {doc['metadata']['name']}")
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                if probe in c:
                    cmd = c[probe]["exec"]["command"]
                    check(cmd[0], cmd[1:], f"{f.name} {probe}")

sts = kinds.get("StatefulSet", [])
assert len(sts) == 1, "one StatefulSet for jiwond"
jiwond = sts[0]["spec"]["template"]["spec"]["containers"][0]
assert sts[0]["spec"]["volumeClaimTemplates"], "jiwond has a volume"
for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
    assert "health" in jiwond[probe]["exec"]["command"], probe
assert any(s["spec"]["ports"] for s in kinds.get("Service", []))
rescore = [c for c in kinds.get("CronJob", [])
           if c["metadata"]["name"] == "jiwon-rescore"]
assert rescore, "the nightly rescore CronJob"
job = rescore[0]["spec"]["jobTemplate"]["spec"]
assert job["completionMode"] == "Indexed"
args = job["template"]["spec"]["containers"][0]["args"]
assert f"--shard=$(JOB_COMPLETION_INDEX)/{job['completions']}" in args, args

# The Dockerfile's entry point and default flags.
docker = (source / "Dockerfile").read_text()
entry = json.loads(re.search(r"^ENTRYPOINT (\[.*\])", docker, re.M).group(1))
cmd = json.loads(
    re.search(r"^CMD (\[.*?\])", docker.replace("\\\n", ""), re.M | re.S)
    .group(1))
check(entry[0], cmd, "Dockerfile")

# systemd units and the flags file.
for unit in sorted((source / "deploy" / "systemd").glob("*.service")):
    for line in unit.read_text().splitlines():
        if line.startswith("ExecStart="):
            words = shlex.split(line[len("ExecStart="):])
            check(words[0], words[1:], unit.name)
conf = [l.strip() for l in (source / "deploy" / "jiwond.conf").read_text()
        .splitlines() if l.strip() and not l.startswith("#")]
check("jiwond", conf, "jiwond.conf")
# The commented-out flags too: an operator uncomments them.
check("jiwond", [l.lstrip("#") for l in (source / "deploy" / "jiwond.conf")
                 .read_text().splitlines() if l.startswith("#--")],
      "jiwond.conf (commented)")

# Prometheus rules parse and name metrics jiwond serves.
rules = yaml.safe_load((source / "deploy" / "prometheus" /
                        "jiwon-alerts.yml").read_text())
names = {r["alert"] for g in rules["groups"] for r in g["rules"]}
for want in ("JiwonRescoreDidNotFinish", "JiwonErrorRatio",
             "JiwonCompactionStalls"):
    assert want in names, want

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"deploy files: {checked} flags checked, "
      f"{sum(len(v) for v in kinds.values())} manifests, {len(names)} rules")
