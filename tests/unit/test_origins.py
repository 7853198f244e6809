"""How a rendered object's JSON pointer is found again in its sources (kubelint.input.origins),
without kubectl: merge keys, JSON 6902 operations, patch targets."""

from __future__ import annotations

from kubelint.input.origins import _in_json_patch, _target_matches, parse_origin, translate

RENDERED = {"kind": "Deployment", "metadata": {"name": "prod-api", "labels": {"team": "a"}},
            "spec": {"template": {"spec": {"containers": [
                {"name": "sidecar", "image": "s:1"},
                {"name": "api", "image": "a:1", "env": [{"name": "A", "value": True}]}]}}}}


def test_list_items_are_matched_by_merge_key_not_position():
    source = {"spec": {"template": {"spec": {"containers": [{"name": "api", "image": "a:1"}]}}}}
    assert translate(RENDERED, source, ("spec", "template", "spec", "containers", 1, "image")) == \
        ("spec", "template", "spec", "containers", 0, "image")
    # the sidecar is in no source of this file; nor is the api container's env
    assert translate(RENDERED, source, ("spec", "template", "spec", "containers", 0, "image")) is None
    assert translate(RENDERED, source, ("spec", "template", "spec", "containers", 1, "env")) is None


def test_a_json_patch_value_holds_the_fields_it_added():
    operations = [{"op": "replace", "path": "/spec/replicas", "value": 2},
                  {"op": "add", "path": "/spec/template/spec/containers/1/env", "value": [{"name": "A", "value": True}]}]
    pointer = ("spec", "template", "spec", "containers", 1, "env", 0, "value")
    assert _in_json_patch(operations, RENDERED, pointer) == (1, "value", 0, "value")
    assert _in_json_patch(operations, RENDERED, ("spec", "template", "spec", "containers", 0, "image")) is None
    appended = [{"op": "add", "path": "/spec/template/spec/containers/-", "value": {"name": "api", "image": "a:1"}}]
    assert _in_json_patch(appended, RENDERED, ("spec", "template", "spec", "containers", 1, "image")) == \
        (0, "value", "image")


def test_patch_targets_match_kind_name_regex_and_label_selectors():
    assert _target_matches({"kind": "Deployment", "name": "api"}, RENDERED, "api")
    assert _target_matches({"name": "prod-.*"}, RENDERED, "api")
    assert not _target_matches({"kind": "StatefulSet"}, RENDERED, "api")
    assert _target_matches({"labelSelector": "team=a"}, RENDERED, "api")
    assert not _target_matches({"labelSelector": "team=b"}, RENDERED, "api")
    assert not _target_matches({"name": "[unclosed"}, RENDERED, "api")


def test_origin_annotations_are_read_relative_to_the_wrapper_and_bad_ones_are_ignored():
    origin = parse_origin({"config.kubernetes.io/origin": "path: ../repo/base/deploy.yaml\n",
                           "alpha.config.kubernetes.io/transformations":
                               "- configuredIn: ../repo/base/kustomization.yaml\n  configuredBy:\n"
                               "    kind: PatchTransformer\n"}, "/tmp/wrapper")
    assert origin.path == "/tmp/repo/base/deploy.yaml"
    assert origin.patched_in == ("/tmp/repo/base/kustomization.yaml",)
    assert parse_origin({"config.kubernetes.io/origin": "[: not yaml"}, "/w") == (None, None, ())
    remote = parse_origin({"config.kubernetes.io/origin": "repo: https://github.com/x/y\npath: a.yaml\n"}, "/w")
    assert remote.path is None
