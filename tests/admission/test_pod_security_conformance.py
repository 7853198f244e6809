"""Pod Security against upstream's own fixtures: ../shared/conformance/pod-security-admission/
holds k8s.io/pod-security-admission test/testdata/{baseline,restricted}/v1.N/{pass,fail}/*.yaml
(see its README). Every fail pod must be refused and every pass pod accepted at its level and
version, as a Pod and as a Deployment's template, in a Namespace labelled with that level and
version: through the engine, one in-process run per (level, version)."""

from __future__ import annotations

import os
from typing import Dict, List, Tuple

import pytest
import yaml

from kubelint.admission.pod_security.api import LevelVersion, Version
from kubelint.admission.pod_security.checks import Pod
from kubelint.admission.pod_security.registry import evaluate_pod
from kubelint.input.loader import load_file
from kubelint.run.engine import Checker, Settings
from tests.helpers import REPO

# KUBELINT_CONFORMANCE points elsewhere (a worktree whose ../shared is not the shared folder).
ROOT = os.environ.get("KUBELINT_CONFORMANCE") or os.path.abspath(
    os.path.join(REPO, "..", "shared", "conformance", "pod-security-admission"))
pytestmark = pytest.mark.skipif(not os.path.isdir(ROOT), reason="../shared/conformance is not present")

LEVELS = ("baseline", "restricted")
VERSIONS = [f"v1.{minor}" for minor in range(25, 38)]
KUBERNETES_VERSION = "1.37"
POD_SECURITY_RULES = [f"KL8{n:02d}" for n in range(1, 17)]
# A fixture named for a baseline check fails the restricted level through the check that
# overrides it there (policy/check_*_restricted.go, check_restrictedVolumes.go).
OVERRIDDEN_BY = {"capabilities_baseline": "capabilities_restricted", "hostpathvolumes": "restrictedvolumes",
                 "seccompprofile_baseline": "seccompprofile_restricted", "procmount": "procmount_restricted"}


def _fixtures(level: str, version: str) -> List[Tuple[str, str, dict]]:
    """(outcome, file name, pod) of every fixture of one level and version."""
    found = []
    for outcome in ("pass", "fail"):
        directory = os.path.join(ROOT, level, version, outcome)
        for name in sorted(os.listdir(directory)) if os.path.isdir(directory) else ():
            with open(os.path.join(directory, name), encoding="utf-8") as handle:
                found.append((outcome, name, yaml.safe_load(handle)))
    return found


def _object_name(outcome: str, name: str) -> str:
    """pass/x.yaml and fail/x.yaml share file names: the object's name says which."""
    return f"{outcome}-" + name[:-len(".yaml")].replace("_", "-")


def _as_deployment(pod: dict, name: str, namespace: str) -> dict:
    metadata = dict(pod.get("metadata") or {})
    metadata.pop("name", None)
    metadata["labels"] = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": namespace},
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": metadata, "spec": pod.get("spec") or {}}}}


def _run_batch(level: str, version: str, fixtures: List[Tuple[str, str, dict]]) -> Dict[Tuple[str, str], list]:
    """Every fixture as a Pod and a Deployment in one Namespace labelled level+version; the
    error findings of the Pod Security rules by (kind, object name)."""
    namespace = "psa"
    documents = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace, "labels": {
        "pod-security.kubernetes.io/enforce": level, "pod-security.kubernetes.io/enforce-version": version}}}]
    for outcome, name, pod in fixtures:
        object_name = _object_name(outcome, name)
        documents.append({**pod, "metadata": {**(pod.get("metadata") or {}), "name": object_name,
                                              "namespace": namespace}})
        documents.append(_as_deployment(pod, object_name, namespace))
    text = yaml.safe_dump_all(documents, sort_keys=False)
    checker = Checker(Settings(kubernetes_version=KUBERNETES_VERSION, select=POD_SECURITY_RULES))
    result = checker.check_loaded([load_file(f"{level}-{version}.yaml", text.encode("utf-8"))])
    by_object: Dict[Tuple[str, str], list] = {}
    for finding in result.active():
        if finding.object is not None and finding.severity.value == "error":
            by_object.setdefault((finding.object.kind, finding.object.name), []).append(finding)
    return by_object


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("version", VERSIONS)
def test_fail_fixtures_refused_and_pass_fixtures_accepted(level: str, version: str) -> None:
    fixtures = _fixtures(level, version)
    assert fixtures, f"no fixtures for {level}/{version}"
    by_object = _run_batch(level, version, fixtures)
    wrong = []
    for outcome, name, _ in fixtures:
        object_name = _object_name(outcome, name)
        for kind in ("Pod", "Deployment"):
            refused = bool(by_object.get((kind, object_name)))
            if refused != (outcome == "fail"):
                wrong.append(f"{outcome}/{name} as a {kind}: {'refused' if refused else 'accepted'}")
    assert wrong == []
    # The Deployment is accepted; the message says its pods are not.
    for (kind, _), findings in by_object.items():
        if kind == "Deployment":
            assert all(f.message.startswith("the Deployment is accepted, but its pods will be refused: violates "
                                            f'PodSecurity "{level}:{version}": ') for f in findings)
        else:
            assert all(f.message.startswith(f'violates PodSecurity "{level}:{version}": ') for f in findings)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("version", VERSIONS)
def test_fail_fixtures_fail_the_check_they_are_named_for(level: str, version: str) -> None:
    """The file name starts with the check it exercises: that check (or the restricted check
    that overrides it) is among the failing ones."""
    lv = LevelVersion(level, Version(int(version.split(".")[1])))
    wrong = []
    for outcome, name, pod in _fixtures(level, version):
        if outcome != "fail":
            continue
        check = name[:-len(".yaml")].rstrip("0123456789")
        failed = {check_id.lower() for check_id, result in
                  evaluate_pod(lv, 37, Pod.of((), pod.get("metadata"), pod.get("spec"))) if not result.allowed}
        expected = OVERRIDDEN_BY.get(check, check) if level == "restricted" else check
        if expected not in failed and check not in failed:
            wrong.append(f"{name}: failed {sorted(failed)}")
    assert wrong == []
