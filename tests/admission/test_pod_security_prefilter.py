"""The baseline pre-filter (kubelint/admission/pod_security/prefilter.py) against the full
evaluation: a pod it calls quiet must pass every baseline check at every policy version, on
upstream's conformance fixtures and on every pod of the corpus; and each field a baseline
check refuses makes it hand the pod to the full evaluation."""

from __future__ import annotations

import copy
import os
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import yaml

from kubelint.admission.pod_security.api import BASELINE, LATEST, PRIVILEGED, RESTRICTED, LevelVersion, Policy
from kubelint.admission.pod_security.checks import Pod
from kubelint.admission.pod_security.evaluate import evaluate
from kubelint.admission.pod_security.namespaces import NamespacePolicy
from kubelint.admission.pod_security.prefilter import quiet_at_baseline
from kubelint.admission.pod_security.registry import MAX_MINOR, plan
from kubelint.input.discover import discover
from kubelint.input.loader import load_file
from kubelint.model.objects import POD_TEMPLATE_PATHS, K8sObject, get_path
from tests.admission.test_pod_security_conformance import ROOT
from tests.helpers import CORPUS


def _refusals(metadata: Any, spec: Any) -> List[Tuple[int, str]]:
    """(version, check id) of every baseline check that refuses the pod, at every version."""
    pod = Pod.of((), metadata, spec)
    return [(minor, check_id) for minor in range(MAX_MINOR + 1)
            for check_id, check in plan(BASELINE, minor) if not check(pod).allowed]


def _agrees(metadata: Any, spec: Any) -> bool:
    """The filter never calls quiet a pod that a baseline check refuses; True when it was quiet."""
    quiet = quiet_at_baseline(metadata, spec)
    if quiet:
        assert _refusals(metadata, spec) == [], (metadata, spec)
    return quiet


def _conformance_pods() -> Iterator[Tuple[str, Dict[str, Any]]]:
    for level in sorted(os.listdir(ROOT)):
        for version in sorted(os.listdir(os.path.join(ROOT, level))):
            for outcome in ("pass", "fail"):
                directory = os.path.join(ROOT, level, version, outcome)
                for name in sorted(os.listdir(directory)) if os.path.isdir(directory) else ():
                    with open(os.path.join(directory, name), encoding="utf-8") as handle:
                        yield f"{level}/{version}/{outcome}/{name}", yaml.safe_load(handle)


@pytest.mark.skipif(not os.path.isdir(ROOT), reason="../shared/conformance is not present")
def test_agrees_with_the_checks_on_the_conformance_fixtures() -> None:
    quiet = {name for name, pod in _conformance_pods() if _agrees(pod.get("metadata"), pod.get("spec"))}
    # Not vacuous: the minimal passing pods are quiet, and no baseline failure is.
    assert "baseline/v1.34/pass/base.yaml" in quiet
    assert not [name for name in quiet if name.startswith("baseline/") and "/fail/" in name]


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason="../shared/corpus is not present")
def test_agrees_with_the_checks_on_every_pod_of_the_corpus() -> None:
    pods = quiet = 0
    for item in discover([CORPUS]):
        with open(item.real_path, "rb") as handle:
            result = load_file(item.path, handle.read())
        for manifest in result.manifests:
            obj = K8sObject(manifest)
            path = POD_TEMPLATE_PATHS.get(obj.kind)
            if path is None:
                continue
            template = get_path(obj.data, path) if path else obj.data
            if not isinstance(template, dict):
                continue
            pods += 1
            quiet += _agrees(template.get("metadata"), template.get("spec"))
    assert pods > 800 and quiet > pods // 2  # most real pods take the quick way


QUIET: Dict[str, Any] = {
    "metadata": {"annotations": {"example.com/owner": "web"}},
    "spec": {
        "hostNetwork": False,
        "securityContext": {"runAsNonRoot": True, "runAsUser": 1000, "fsGroup": 2000,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "volumes": [{"name": "data", "emptyDir": {}}],
        "initContainers": [{"name": "init", "image": "busybox"}],
        "containers": [{
            "name": "web", "image": "web:1",
            "ports": [{"containerPort": 80, "hostPort": 0}],
            "livenessProbe": {"httpGet": {"port": 80, "host": ""}},
            "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
            "securityContext": {"privileged": False, "allowPrivilegeEscalation": False,
                                "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]},
                                "appArmorProfile": {"type": "Localhost", "localhostProfile": "p"},
                                "procMount": "Default"},
        }],
    },
}


def test_a_pod_of_harmless_fields_is_quiet() -> None:
    assert quiet_at_baseline(QUIET["metadata"], QUIET["spec"])
    assert _refusals(QUIET["metadata"], QUIET["spec"]) == []


C = ("spec", "containers", 0)
SC = C + ("securityContext",)
# (where, value): each makes a baseline check refuse the pod at some version.
REFUSED = [
    (("spec", "hostPID"), True),
    (("spec", "volumes", 0, "hostPath"), {"path": "/var/log"}),
    (("spec", "securityContext", "windowsOptions"), {"hostProcess": True}),
    (("spec", "securityContext", "seLinuxOptions"), {"type": "spc_t"}),
    (("spec", "securityContext", "seccompProfile"), {"type": "Unconfined"}),
    (("spec", "securityContext", "appArmorProfile"), {"type": "Unconfined"}),
    (("spec", "securityContext", "sysctls"), [{"name": "kernel.msgmax", "value": "1"}]),
    (SC + ("privileged",), True),
    (SC + ("windowsOptions",), {"hostProcess": True}),
    (SC + ("capabilities", "add"), ["SYS_ADMIN"]),
    (SC + ("appArmorProfile",), {"type": "Unconfined"}),
    (SC + ("seccompProfile",), {"type": "Unconfined"}),
    (SC + ("seLinuxOptions",), {"user": "root"}),
    (SC + ("procMount",), "Unmasked"),
    (C + ("ports", 0, "hostPort"), 8080),
    (C + ("livenessProbe", "httpGet", "host"), "10.0.0.1"),
    (C + ("readinessProbe",), {"tcpSocket": {"port": 80, "host": "10.0.0.1"}}),
    (C + ("lifecycle", "preStop"), {"httpGet": {"port": 80, "host": "10.0.0.1"}}),
    (("spec", "initContainers", 0, "securityContext"), {"privileged": True}),
    (("spec", "ephemeralContainers"), [{"name": "debug", "securityContext": {"privileged": True}}]),
    (("metadata", "annotations", "container.apparmor.security.beta.kubernetes.io/web"), "unconfined"),
    (("metadata", "annotations", "seccomp.security.alpha.kubernetes.io/pod"), "unconfined"),
    (("metadata", "annotations", "container.seccomp.security.alpha.kubernetes.io/web"), "unconfined"),
]


def _set(document: Dict[str, Any], where: Tuple[Any, ...], value: Any) -> Dict[str, Any]:
    changed = copy.deepcopy(document)
    node: Any = changed
    for part in where[:-1]:
        node = node[part] if isinstance(part, int) else node.setdefault(part, {})
    node[where[-1]] = value
    return changed


@pytest.mark.parametrize("where,value", REFUSED, ids=["/".join(map(str, w)) for w, _ in REFUSED])
def test_each_refused_field_goes_to_the_full_evaluation(where: Tuple[Any, ...], value: Any) -> None:
    pod = _set(QUIET, where, value)
    assert _refusals(pod["metadata"], pod["spec"]) != []  # the case is a real refusal
    assert not quiet_at_baseline(pod["metadata"], pod["spec"])


def _namespace(*levels: str) -> NamespacePolicy:
    return NamespacePolicy(Policy(*(LevelVersion(level, LATEST) for level in levels)), "labels")


def test_a_restricted_mode_is_never_skipped() -> None:
    """The filter speaks for baseline only: a quiet pod in a restricted namespace is still
    refused (here: no allowPrivilegeEscalation: false on the init container)."""
    text = yaml.safe_dump({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", **QUIET["metadata"]},
                           "spec": QUIET["spec"]})
    obj = K8sObject(load_file("pod.yaml", text.encode()).manifests[0])
    assert evaluate(obj, _namespace(PRIVILEGED, PRIVILEGED, BASELINE), frozenset(), 37) == []
    refused = evaluate(obj, _namespace(RESTRICTED, PRIVILEGED, PRIVILEGED), frozenset(), 37)
    assert [(f.check_id, f.pointer) for f in refused] == [
        ("allowPrivilegeEscalation", ("spec", "initContainers", 0)),
        ("capabilities_restricted", ("spec", "initContainers", 0)),
    ]
