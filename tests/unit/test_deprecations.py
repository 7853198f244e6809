"""The deprecated-API table: lookups, version comparisons, corrections, and freshness."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest

from kubelint.schemas import bundled
from kubelint.schemas.deprecations import Deprecation, all_deprecations, lookup

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO.parent / "shared" / "data" / "deprecations-pluto.yaml"


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_deprecations", REPO / "scripts" / "build_deprecations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _minor(version: str) -> int:
    return int(version.split(".")[1])


def test_ingress_extensions_v1beta1() -> None:
    entry = lookup("extensions/v1beta1", "Ingress")
    assert entry is not None
    assert entry.deprecated_in == "1.14"
    assert entry.removed_in == "1.22"
    assert entry.replacement == "networking.k8s.io/v1"


def test_pod_security_policy_has_a_note_instead_of_a_replacement() -> None:
    entry = lookup("policy/v1beta1", "PodSecurityPolicy")
    assert entry is not None
    assert entry.removed_in == "1.25"
    assert entry.replacement is None
    assert entry.note and "Pod Security Admission" in entry.note


def test_unknown_pair_is_none() -> None:
    assert lookup("apps/v1", "Deployment") is None
    assert lookup("extensions/v1beta1", "NoSuchKind") is None


def test_numeric_version_comparison() -> None:
    entry = lookup("extensions/v1beta1", "Ingress")
    assert entry is not None
    assert not entry.is_removed_in("1.21")
    assert entry.is_removed_in("1.22")
    assert entry.is_removed_in("1.100")  # numeric, not string, order
    assert not entry.is_deprecated_in("1.9")  # "1.9" > "1.14" as strings
    assert entry.is_deprecated_in("1.14")
    assert entry.is_deprecated_in("v1.30.2")


def test_version_spellings_and_errors() -> None:
    entry = Deprecation("x/v1beta1", "Thing", deprecated_in=None, removed_in="1.20", replacement=None, note="n")
    assert entry.is_removed_in("v1.20.0")
    assert entry.is_deprecated_in("1.20")  # removal implies deprecation
    assert not entry.is_deprecated_in("1.19")
    with pytest.raises(ValueError):
        entry.is_removed_in("latest")


def test_records_are_frozen() -> None:
    entry = lookup("extensions/v1beta1", "Ingress")
    assert entry is not None
    with pytest.raises(AttributeError):  # a NamedTuple (dataclasses raise FrozenInstanceError, a subclass)
        entry.removed_in = "1.99"  # type: ignore[misc]


def test_no_duplicate_pairs() -> None:
    raw = json.loads(resources.files("kubelint.schemas").joinpath("deprecations.json").read_text(encoding="utf-8"))
    counts = Counter((item["apiVersion"], item["kind"]) for item in raw["deprecations"])
    assert [pair for pair, n in counts.items() if n > 1] == []


def test_only_real_builtin_kinds() -> None:
    entries = all_deprecations()
    kinds = {entry.kind for entry in entries}
    assert "FlowControl" not in kinds
    assert "" not in kinds
    groups = {entry.api_version.rpartition("/")[0] for entry in entries}
    assert not any("istio" in group or "cert-manager" in group or group == "certmanager.k8s.io" for group in groups)


def test_every_entry_is_complete() -> None:
    for entry in all_deprecations():
        label = f"{entry.api_version} {entry.kind}"
        assert entry.deprecated_in and entry.removed_in, label
        assert _minor(entry.deprecated_in) <= _minor(entry.removed_in), label
        assert entry.replacement or entry.note, label


@pytest.mark.parametrize(
    ("api_version", "kind", "deprecated_in", "removed_in"),
    [
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "1.23", "1.26"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", "1.23", "1.26"),
        ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.29", "1.32"),
        ("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", "1.29", "1.32"),
        ("apps/v1beta2", "ReplicaSet", "1.9", "1.16"),
        ("storage.k8s.io/v1beta1", "VolumeAttributesClass", "1.34", "1.37"),
        ("audit.k8s.io/v1alpha1", "Policy", "1.21", "1.24"),
    ],
)
def test_corrected_entries(api_version: str, kind: str, deprecated_in: str, removed_in: str) -> None:
    entry = lookup(api_version, kind)
    assert entry is not None
    assert (entry.deprecated_in, entry.removed_in) == (deprecated_in, removed_in)


def test_removals_agree_with_bundled_schemas() -> None:
    """A removed API is absent from every bundled version at or after its removal, and
    served in the bundled version just before it."""
    versions = bundled.available_versions()
    kinds = {v: bundled.load_version(v)["kinds"] for v in versions}
    for entry in all_deprecations():
        assert entry.removed_in is not None
        removed = _minor(entry.removed_in)
        for version in versions:
            served = entry.kind in kinds[version].get(entry.api_version, {})
            label = f"{entry.api_version} {entry.kind} in {version}"
            if _minor(version) >= removed:
                assert not served, label
            elif _minor(version) == removed - 1:
                assert served, label


@pytest.mark.skipif(not SOURCE.is_file(), reason=f"source {SOURCE} not present")
def test_committed_json_is_up_to_date() -> None:
    committed = resources.files("kubelint.schemas").joinpath("deprecations.json").read_text(encoding="utf-8")
    assert _build_script().render(SOURCE) == committed, "run scripts/build_deprecations.py"


@pytest.mark.parametrize("api_version, version, expected", [
    # v1beta2 -> v1beta3 in the table; v1beta3 is removed in 1.32 too, so 1.32+ say v1.
    ("flowcontrol.apiserver.k8s.io/v1beta2", "1.37", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "1.32", "flowcontrol.apiserver.k8s.io/v1"),
    # Before v1beta3's removal it is what the cluster serves.
    ("flowcontrol.apiserver.k8s.io/v1beta2", "1.31", "flowcontrol.apiserver.k8s.io/v1beta3"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "1.29", "flowcontrol.apiserver.k8s.io/v1beta3"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "1.37", "flowcontrol.apiserver.k8s.io/v1"),
    ("batch/v1beta1", "1.37", "batch/v1"),
])
def test_replacement_is_followed_to_a_served_version(api_version: str, version: str, expected: str) -> None:
    entry = lookup(api_version, "FlowSchema" if "flowcontrol" in api_version else "CronJob")
    assert entry is not None
    assert entry.replacement_at(version) == expected
