"""Where a namespace's Pod Security policy comes from (labels, config pod-security, kubelint's
default), how modes map to severities, exemptions, versions against -k, and config errors."""

from __future__ import annotations

import os

import pytest

from kubelint.admission.pod_security.api import (BASELINE, LATEST, PRIVILEGED, RESTRICTED, ALL_PRIVILEGED,
                                                 LevelVersion, Policy, Version, policy_to_evaluate)
from kubelint.config import ConfigError, parse_config
from tests.helpers import lines, run_text

PSA = [f"KL8{n:02d}" for n in range(1, 18)]

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  runtimeClassName: gvisor
  containers:
  - name: web
    image: registry.example.com/web:1
    securityContext:
      privileged: true
"""


def _ns(labels: str) -> str:
    return f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n{labels}---\n"


def _run(text: str, **settings):  # type: ignore[no-untyped-def]
    return lines(run_text(text, select=PSA, **settings))


def test_no_label_no_config_warns_at_baseline_only() -> None:
    assert _run(POD) == [
        'test.yaml:12:19: warning KL803 would violate PodSecurity "baseline:latest": privileged (container "web" '
        'must not set securityContext.privileged=true) (namespace "shop" sets no Pod Security level; kubelint warns '
        "at the baseline level by default)"]


def test_enforce_label_is_an_error_on_the_field() -> None:
    found = _run(_ns("    pod-security.kubernetes.io/enforce: baseline\n") + POD)
    assert found == ['test.yaml:19:19: error KL803 violates PodSecurity "baseline:latest": privileged '
                     '(container "web" must not set securityContext.privileged=true)']


def test_namespace_labelled_privileged_opts_out_of_the_default() -> None:
    assert _run(_ns("    pod-security.kubernetes.io/enforce: privileged\n") + POD) == []


def test_warn_and_audit_labels_are_warnings_and_a_field_is_reported_once() -> None:
    found = _run(_ns("    pod-security.kubernetes.io/warn: baseline\n    pod-security.kubernetes.io/audit: restricted\n"
                     "    pod-security.kubernetes.io/audit-version: v1.30\n") + POD)
    assert [f.split(" KL")[0] for f in found] == ["test.yaml:21:7: warning"] * 4 + ["test.yaml:21:19: warning"]
    assert found[-1].endswith('would violate PodSecurity "baseline:latest": privileged (container "web" must not '
                              "set securityContext.privileged=true)")
    assert all('"restricted:v1.30"' in f and f.endswith("(audit)") for f in found[:4])


def test_config_defaults_apply_to_unlabelled_namespaces_and_labels_win() -> None:
    config = {"enforce": "restricted", "enforce-version": "v1.30"}
    found = _run(POD, pod_security=config)
    assert found and all(" error " in f and 'violates PodSecurity "restricted:v1.30"' in f for f in found)
    assert _run(_ns("    pod-security.kubernetes.io/enforce: privileged\n") + POD, pod_security=config) == []


def test_exempt_namespaces_and_runtime_classes() -> None:
    labelled = _ns("    pod-security.kubernetes.io/enforce: restricted\n") + POD
    assert _run(labelled, pod_security={"exempt-namespaces": ["shop"]}) == []
    assert _run(labelled, pod_security={"exempt-runtime-classes": ["gvisor"]}) == []
    assert _run(labelled, pod_security={"exempt-runtime-classes": ["kata"]}) != []


def test_latest_is_the_checked_kubernetes_version() -> None:
    # net.ipv4.tcp_rmem is allowed from policy v1.32 (check_sysctls.go sysctlsAllowedV1Dot32).
    pod = POD.replace("  containers:", "  securityContext:\n    sysctls:\n    - {name: net.ipv4.tcp_rmem, value: '4096'}\n"
                                       "  containers:").replace("privileged: true", "privileged: false")
    labelled = _ns("    pod-security.kubernetes.io/enforce: baseline\n") + pod
    assert _run(labelled, kubernetes_version="1.37") == []
    assert [f.split(": ", 1)[1] for f in _run(labelled, kubernetes_version="1.31")] == [
        'error KL812 violates PodSecurity "baseline:latest": forbidden sysctls (net.ipv4.tcp_rmem)']
    # A version newer than -k evaluates as -k (upstream's emulation version).
    newer = _ns("    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.35\n")
    assert len(_run(newer + pod, kubernetes_version="1.31")) == 1


@pytest.mark.parametrize("kind, template", [
    ("ReplicaSet", "spec:\n  template:\n"), ("StatefulSet", "spec:\n  template:\n"),
    ("DaemonSet", "spec:\n  template:\n"), ("Job", "spec:\n  template:\n"),
    ("ReplicationController", "spec:\n  template:\n"), ("PodTemplate", "template:\n"),
    ("CronJob", "spec:\n  jobTemplate:\n    spec:\n      template:\n")])
def test_every_workload_kind_is_checked(kind: str, template: str) -> None:
    indent = " " * (template.count("\n") * 2)
    api = {"Job": "batch/v1", "CronJob": "batch/v1", "ReplicationController": "v1", "PodTemplate": "v1"}.get(kind, "apps/v1")
    body = (f"{indent}spec:\n{indent}  containers:\n{indent}  - name: c\n{indent}    image: r.example.com/c:1\n"
            f"{indent}    securityContext: {{privileged: true}}\n")
    text = (_ns("    pod-security.kubernetes.io/enforce: baseline\n") +
            f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: w\n  namespace: shop\n{template}{body}")
    found = _run(text)
    assert len(found) == 1 and f"error KL803 the {kind} is accepted, but its pods will be refused" in found[0]


def test_policy_to_evaluate_defaults_warn_to_a_stricter_enforce() -> None:
    # api/helpers.go PolicyToEvaluate
    policy, errors = policy_to_evaluate({"pod-security.kubernetes.io/enforce": "restricted",
                                         "pod-security.kubernetes.io/enforce-version": "v1.30"}, ALL_PRIVILEGED)
    assert errors == [] and policy.warn == LevelVersion(RESTRICTED, Version(30))
    policy, _ = policy_to_evaluate({"pod-security.kubernetes.io/enforce": "baseline",
                                    "pod-security.kubernetes.io/warn": "privileged"}, ALL_PRIVILEGED)
    assert policy.warn.level == PRIVILEGED
    # A bad enforce level is restricted (fail closed) and does not default warn; bad warn fails open.
    policy, errors = policy_to_evaluate({"pod-security.kubernetes.io/enforce": "strict",
                                         "pod-security.kubernetes.io/warn": "loud"}, ALL_PRIVILEGED)
    assert policy.enforce.level == RESTRICTED and policy.warn.level == PRIVILEGED and len(errors) == 2
    policy, errors = policy_to_evaluate({"pod-security.kubernetes.io/audit-version": "1.30"},
                                        Policy(*(LevelVersion(BASELINE, Version(20)),) * 3))
    assert policy.audit == LevelVersion(BASELINE, LATEST) and len(errors) == 1


@pytest.mark.parametrize("value, message", [
    ("enforce: strict", "pod-security.enforce must be one of privileged, baseline, restricted"),
    ("enforce-version: 1.30", 'pod-security.enforce-version must be "latest" or "v1.x"'),
    ("exempt-namespaces: kube-system", "pod-security.exempt-namespaces must be a list of strings"),
    ("enforced: baseline", 'pod-security: unknown key "enforced"'),
])
def test_config_errors(value: str, message: str) -> None:
    import yaml

    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_config({"pod-security": yaml.safe_load(value)}, "cfg")
    with pytest.raises(ConfigError, match="pod-security"):
        parse_config({"pod-security": ["baseline"]}, "cfg")


def test_config_pod_security_reaches_the_cli(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kubelint.cli import main
    from tests.helpers import CliRunner

    (tmp_path / ".kubelint.yaml").write_text("pod-security:\n  enforce: baseline\n")
    (tmp_path / "pod.yaml").write_text(POD)
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        result = CliRunner().invoke(main, ["check", "pod.yaml", "--select", "KL803"])
        assert result.exit_code == 1 and 'error KL803 violates PodSecurity "baseline:latest"' in result.output
        (tmp_path / ".kubelint.yaml").write_text("pod-security:\n  enforce: maximum\n")
        result = CliRunner().invoke(main, ["check", "pod.yaml"])
        assert result.exit_code == 2 and "pod-security.enforce must be one of" in result.output
    finally:
        os.chdir(cwd)


@pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="workers are forked on Linux only")
def test_namespace_labels_reach_pods_checked_in_other_workers(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The Namespace is in the first file, the pods in others: in a parallel run with packed
    objects every worker still reads its labels, and the findings equal a serial run's."""
    from kubelint.run import engine, parallel
    from tests.helpers import run_paths

    (tmp_path / "a-namespace.yaml").write_text(_ns("    pod-security.kubernetes.io/enforce: baseline\n").rstrip("-\n"))
    for n in range(6):
        (tmp_path / f"pod-{n}.yaml").write_text(POD.replace("name: web\n  namespace", f"name: web-{n}\n  namespace"))
    serial = lines(run_paths([str(tmp_path)], jobs=1, select=PSA))
    assert len(serial) == 6 and all(" error KL803 violates PodSecurity" in f for f in serial)
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)
    monkeypatch.setattr(engine, "LARGE_INPUT_BYTES", 0)
    assert lines(run_paths([str(tmp_path)], jobs=3, select=PSA)) == serial
