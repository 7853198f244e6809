"""The real manifests in ../shared/corpus: no crash anywhere, no schema errors where the peer
projects say the manifests are valid, identical findings from both validation engines."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kubelint.input.discover import discover
from kubelint.input.loader import load_file
from kubelint.schemas.store import SchemaStore
from tests.helpers import CORPUS, run_paths

pytestmark = pytest.mark.skipif(not os.path.isdir(CORPUS), reason="../shared/corpus is not present")

SCHEMA_ERRORS = {"KL101", "KL102", "KL103"}
# Fixtures that kubeconform and kubeval use as valid input (their tests expect no error).
PEER_VALID = [
    "kubeconform/fixtures/valid.yaml", "kubeconform/fixtures/valid.json", "kubeconform/fixtures/valid_version.yaml",
    "kubeconform/fixtures/multi_valid.yaml", "kubeconform/fixtures/multi_valid_source.yaml",
    "kubeconform/fixtures/list_valid.yaml", "kubeconform/fixtures/list_empty_valid.yaml",
    "kubeconform/fixtures/int_or_string.yaml", "kubeconform/fixtures/null_array.yaml",
    "kubeconform/fixtures/null_string.yaml", "kubeconform/fixtures/quantity.yaml",
    "kubeconform/fixtures/unconventional_keys.yaml", "kubeconform/fixtures/generate_name.yaml",
    "kubeconform/fixtures/full_domain_group.yaml", "kubeconform/fixtures/blank.yaml",
    "kubeconform/fixtures/comment.yaml", "kubeconform/fixtures/multi_with_list.yaml",
    "kubeval/fixtures/valid.json", "kubeval/fixtures/multi_valid.yaml", "kubeval/fixtures/list_empty_valid.yaml",
    "kubeval/fixtures/null_array.yaml", "kubeval/fixtures/generate_name.yaml",
]
PEER_INVALID = {
    # `templates:` is unknown (KL102), so the ReplicationController has no spec.template (KL129).
    "kubeconform/fixtures/invalid.yaml": {("KL101", 6, 13), ("KL102", 9, 3), ("KL129", 5, 1)},
    "kubeconform/fixtures/extra_property.yaml": {("KL102", 7, 3)},
    "kubeconform/fixtures/multi_invalid.yaml": {("KL101", 12, 11)},
    "kubeconform/fixtures/duplicate_property.yaml": {("KL002", 16, 7)},
    "kubeconform/fixtures/missing_apiversion.yaml": {("KL005", 1, 1)},
    # extensions/v1beta1 DaemonSet: kubeval checks it against 1.15 schemas; 1.37 no longer serves it.
    "kubeval/fixtures/extra_property.yaml": {("KL104", 2, 13)},
}


def test_whole_corpus_runs_without_a_crash():
    result = run_paths([CORPUS])
    assert result.files > 1000 and result.objects > 2000
    internal = [f for f in result.findings if "internal error" in f.message]
    assert internal == []
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1, finding


def test_cli_on_the_corpus_prints_no_traceback():
    completed = subprocess.run([sys.executable, "-m", "kubelint", "check", CORPUS, "--format", "json"],
                               capture_output=True, text=True)
    assert completed.returncode == 1
    assert completed.stderr == ""


@pytest.mark.parametrize("relative", PEER_VALID)
def test_peer_valid_fixtures_have_no_schema_errors(relative):
    result = run_paths([os.path.join(CORPUS, relative)], kubernetes_version="1.37")
    assert [(f.rule, f.line, f.message) for f in result.active() if f.rule in SCHEMA_ERRORS | {"KL001", "KL002"}] == []


@pytest.mark.parametrize("relative, expected", sorted(PEER_INVALID.items()))
def test_peer_invalid_fixtures_are_caught_at_their_lines(relative, expected):
    result = run_paths([os.path.join(CORPUS, relative)], select=["KL0", "KL1"])
    assert {(f.rule, f.line, f.column) for f in result.active()} == expected


def test_both_validation_engines_agree_on_the_corpus():
    rust, python = SchemaStore(engine="rust"), SchemaStore(engine="python")
    compared = 0
    for item in discover([CORPUS]):
        with open(item.real_path, "rb") as handle:
            manifests = load_file(item.path, handle.read()).manifests
        for manifest in manifests:
            key = (manifest.ref.api_version, manifest.ref.kind)
            fast, slow = rust.validator(*key), python.validator(*key)
            if fast is None:
                continue
            assert fast.issues(manifest.data) == slow.issues(manifest.data), item.path
            compared += 1
    assert compared > 1500
