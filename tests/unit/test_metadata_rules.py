"""KL2xx helpers and the behaviour the per-file golden fixtures cannot show: Kubernetes
versions, options, assume-present, several files."""

from __future__ import annotations

import pytest

from kubelint.rules.metadata.names import mask_trailing_dash, path_segment
from tests.helpers import lines, run_paths, run_text, triples, write_file

SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  ports:\n  - port: 80\n"


def test_mask_trailing_dash_is_apimachinerys():
    # maskTrailingDash replaces the last TWO characters with "a" (name[:len(name)-2] + "a").
    assert mask_trailing_dash("web-") == "wea"
    assert mask_trailing_dash("a-") == "a"
    assert mask_trailing_dash("-") == "-"
    assert mask_trailing_dash("web") == "web"


def test_path_segment_names():
    assert path_segment("system:controller:Deployment", False) == []
    assert path_segment(".", False) == ["may not be '.'"]
    assert path_segment("..", True) == []  # a prefix gets characters appended
    assert path_segment("a/b%c", False) == ["may not contain '/'", "may not contain '%'"]


@pytest.mark.parametrize("version, expected", [("1.35", 1), ("1.36", 0), ("1.37", 0)])
def test_service_names_may_start_with_a_digit_from_1_36(version, expected):
    result = run_text(SERVICE.format(name="1web"), select=["KL201"], kubernetes_version=version)
    assert len(triples(result, "KL201")) == expected


def test_service_names_are_still_labels_after_1_36():
    result = run_text(SERVICE.format(name="web.v2"), select=["KL201"], kubernetes_version="1.37")
    assert "(an RFC 1123 label)" in lines(result)[0]


def test_long_job_name_with_manual_selector_only_warns():
    name = "job-" + "x" * 60
    text = (f"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\nspec:\n  manualSelector: true\n"
            "  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n"
            "    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n")
    result = run_text(text, select=["KL201"])
    assert [f.severity.value for f in result.active()] == ["warning"]
    assert "must be no more than 63 characters" in result.active()[0].message


def test_severity_config_overrides_the_warning_level():
    text = SERVICE.format(name="web") + "---\n" + \
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web.v2\nspec:\n  containers: [{name: c, image: nginx}]\n"
    result = run_text(text, select=["KL201"], rule_config={"KL201": {"severity": "info"}})
    assert [f.severity.value for f in result.active()] == ["info"]


NAMESPACED = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: {ns}\n"
NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n"


def test_namespace_not_defined_respects_assume_present_and_complete():
    text = NAMESPACE.format(ns="shop") + "---\n" + NAMESPACED.format(ns="monitoring")
    inferred = run_text(text, select=["KL204"]).active()
    assert [f.severity.value for f in inferred] == ["warning"]  # the set merely defines some Namespaces
    assert triples(run_text(text, select=["KL204"], assume_present=["Namespace/monitoring"])) == []
    assert triples(run_text(text, select=["KL204"], assume_present=["Namespace/*"])) == []
    alone = NAMESPACED.format(ns="monitoring")
    assert triples(run_text(alone, select=["KL204"])) == []
    complete = lines(run_text(alone, select=["KL204"], complete=True))
    assert len(complete) == 1 and " error KL204 " in complete[0] and "the set is declared complete" in complete[0]


DUPLICATE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: shop\n"


def test_duplicates_across_files_of_one_directory_warn(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_file("k8s/a.yaml", DUPLICATE)
    write_file("k8s/b.yaml", DUPLICATE)
    found = lines(run_paths(["k8s"], select=["KL206"]))
    assert found == ['k8s/b.yaml:4:9: warning KL206 metadata.name: ConfigMap "web" in namespace "shop" is also '
                     "defined in k8s/a.yaml:4 (same directory); if the files are applied together, the last one "
                     "wins: remove or rename one"]
    assert lines(run_paths(["k8s"], select=["KL206"], rule_config={"KL206": {"options": {"scope": "file"}}})) == []


def test_duplicates_across_directories_only_with_scope_set(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_file("envs/dev/app.yaml", DUPLICATE)
    write_file("envs/prod/app.yaml", DUPLICATE)
    assert lines(run_paths(["envs"], select=["KL206"])) == []
    scoped = lines(run_paths(["envs"], select=["KL206"], rule_config={"KL206": {"options": {"scope": "set"}}}))
    assert len(scoped) == 1 and "(same set)" in scoped[0] and scoped[0].startswith("envs/prod/app.yaml:4:9: warning")


def test_duplicates_in_a_kustomize_directory_are_patches(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_file("overlay/kustomization.yaml", "resources: [../base]\npatches: [{path: a.yaml}, {path: b.yaml}]\n")
    write_file("overlay/a.yaml", DUPLICATE)
    write_file("overlay/b.yaml", DUPLICATE)
    assert lines(run_paths(["overlay"], select=["KL206"])) == []
    # Within one file it is still an error.
    write_file("overlay/c.yaml", DUPLICATE + "---\n" + DUPLICATE)
    found = lines(run_paths(["overlay/c.yaml"], select=["KL206"]))
    assert len(found) == 1 and " error KL206 " in found[0] and "(same file)" in found[0]


def test_same_file_duplicate_is_preferred_over_an_earlier_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_file("k8s/a.yaml", DUPLICATE)
    write_file("k8s/b.yaml", DUPLICATE + "---\n" + DUPLICATE)
    found = lines(run_paths(["k8s"], select=["KL206"]))
    assert [line.split(" metadata.name")[0] for line in found] == [
        "k8s/b.yaml:4:9: warning KL206", "k8s/b.yaml:10:9: error KL206"]
    assert "k8s/b.yaml:4 (same file)" in found[1]


def test_rules_survive_wrong_types():
    text = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: [a]\n  generateName: 5\n  namespace: {x: 1}\n"
            "  labels: [a, b]\n  annotations: 7\nspec:\n  selector: [x]\n---\n"
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: null\nspec:\n  selector: {matchLabels: 3, "
            "matchExpressions: [1, {key: 2, values: 3}]}\n  template: {metadata: {labels: null}}\n---\n"
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: x}\nspec: {jobTemplate: 1}\n---\n"
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: x}\n"
            "spec: {volumeClaimTemplates: [1, {metadata: 2}]}\n")
    result = run_text(text, select=["KL2"])
    assert not [f for f in result.active() if "internal error" in f.message]


def test_look_alike_characters_are_named_by_code_point():
    from tests.helpers import run_text

    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels:\n    app: ap\u0456\n"
    result = run_text(text, select=["KL202"])
    assert [(f.rule, f.line, f.column) for f in result.active()] == [("KL202", 6, 10)]
    assert result.active()[0].message.endswith(
        "; contains U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I, which is not ASCII "
        "(a look-alike pasted from other text? retype it)")


def test_valid_names_get_no_look_alike_note():
    from kubelint.model.validation import dns1123_label, label_value

    assert label_value("api") == [] and dns1123_label("web") == []
    assert not any("U+" in p for p in dns1123_label("Web"))  # ASCII problems stay as they were
