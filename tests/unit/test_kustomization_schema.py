"""Kustomization files against SchemaStore's Kustomization schema (vendored, with its license
and sum), instead of a "no schema" warning."""

from __future__ import annotations

import hashlib
import json
import os

from kubelint.schemas.kustomization import VENDOR
from tests.helpers import lines, run_paths, run_text, write_file


def test_the_vendored_schema_is_the_recorded_one_with_its_license():
    with open(os.path.join(VENDOR, "SOURCES.json"), encoding="utf-8") as handle:
        sources = json.load(handle)["files"]
    for name, entry in sources.items():
        with open(os.path.join(VENDOR, name), "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == entry["sha256"], name
        with open(os.path.join(VENDOR, entry["license_file"]), encoding="utf-8") as handle:
            assert "Apache License" in handle.read()
        assert entry["source"].startswith("https://github.com/SchemaStore/schemastore/blob/")


def test_a_kustomization_object_is_validated_not_reported_as_an_unknown_kind():
    result = run_text("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: deploy.yaml\n"
                      "namePrefx: a-\n", path="kustomization.yaml")
    assert lines(result) == [
        "kustomization.yaml:3:12: warning KL113 kustomization: resources: expected array, got string \"deploy.yaml\"",
        'kustomization.yaml:4:1: warning KL113 kustomization: unknown field "namePrefx", did you mean "namePrefix"?',
    ]


def test_a_valid_component_and_a_valid_plain_kustomization_pass(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_file("comp/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                                          "patches:\n- path: p.yaml\n  target: {kind: Deployment}\n")
    write_file("app/kustomization.yml", "resources: [a.yaml]\nimages:\n- {name: web, newTag: '1.2'}\n"
                                        "configMapGenerator:\n- name: c\n  literals: [a=b]\n")
    assert lines(run_paths(["comp", "app"])) == []


def test_only_kustomization_file_names_are_checked_as_kustomizations(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_file("values.yaml", "resourcess: 1\n")  # no apiVersion/kind and not a kustomization: skipped
    write_file("Kustomization", "resourcess: 1\n")
    result = run_paths(["values.yaml", "Kustomization"])
    assert [f"{f.path}:{f.rule}" for f in result.active()] == ["Kustomization:KL113"]
