"""KL206 works out each definition's identity and each directory's kustomization once per set."""

from __future__ import annotations

from kubelint.rules.metadata import duplicates
from tests.helpers import lines, run_paths, write_file

CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: shop\n"


def test_a_name_defined_many_times_checks_its_directory_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for number in range(6):
        write_file(f"k8s/{number}.yaml", CONFIG_MAP)
    asked = []
    real = duplicates.is_kustomize_directory
    monkeypatch.setattr(duplicates, "is_kustomize_directory", lambda d: asked.append(d) or real(d))
    found = lines(run_paths(["k8s"], select=["KL206"]))
    assert len(found) == 5 and all("is also defined in k8s/0.yaml:4 (same directory)" in f for f in found)
    assert len(asked) == 1


def test_identities_are_remembered_per_set():
    class Index:  # any object that lives as long as its set
        pass

    first, second = Index(), Index()
    assert duplicates.definition_facts(first) is duplicates.definition_facts(first)
    assert duplicates.definition_facts(first) is not duplicates.definition_facts(second)
