"""Every loader case from the foundation issue, with the exact finding it gives."""

from __future__ import annotations

import os

import pytest

from kubelint.input.loader import load_file
from kubelint.input.yaml_k8s import load_documents
from tests.helpers import run_paths, triples
from tests.helpers import run_text as run_any


def run_text(text, path="test.yaml", **settings):
    """Input and schema findings only: the loader's tests must not depend on other rules."""
    settings.setdefault("select", ["KL0", "KL1"])
    return run_any(text, path, **settings)

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n"


def load(text: str, path: str = "x.yaml"):
    return load_file(path, text.encode("utf-8") if isinstance(text, str) else text)


# --- typing as Kubernetes (go-yaml v2, YAML 1.1) -------------------------------------------

@pytest.mark.parametrize("plain, value", [
    ("yes", True), ("Yes", True), ("YES", True), ("on", True), ("ON", True), ("y", True), ("Y", True),
    ("true", True), ("no", False), ("off", False), ("n", False), ("N", False), ("False", False),
    ("~", None), ("null", None), ("", None),
    ("0644", 420), ("0o17", 15), ("0x1F", 31), ("0b101", 5), ("1_000", 1000), ("-12", -12), ("+1", 1),
    ("1e3", 1000.0), ("0.5", 0.5), (".5", 0.5), ("-.5", -0.5), ("1.", 1.0), ("09", 9.0),
    ("2024-01-01", "2024-01-01"), ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
    ("1:20", "1:20"), ("1.2.3", "1.2.3"), ("_1", "_1"), ("-_1", -1), ("._1", "._1"), ("yess", "yes" + "s"), ("0x", "0x"), ("=", "="),
])
def test_plain_scalars_are_typed_like_kubernetes(plain, value):
    documents, _ = load_documents(f"v: {plain}\n")
    assert documents[0]["v"] == value
    assert type(documents[0]["v"]) is type(value)


def test_quoted_scalars_stay_strings():
    documents, _ = load_documents("a: 'yes'\nb: \"0644\"\nc: '1e3'\n")
    assert documents[0] == {"a": "yes", "b": "0644", "c": "1e3"}


def test_env_value_yes_is_a_type_error_as_kubectl_says():
    text = POD.replace("    image: nginx:1.25\n", "    image: nginx:1.25\n    env:\n    - name: DEBUG\n      value: yes\n")
    result = run_text(text)
    assert triples(result) == [("KL101", 11, 14)]
    assert "expected string, got boolean true" in result.active()[0].message


def test_default_mode_octal_is_valid():
    text = POD + "  volumes:\n  - name: v\n    configMap:\n      name: c\n      defaultMode: 0644\n"
    assert load(text).manifests[0].data["spec"]["volumes"][0]["configMap"]["defaultMode"] == 420
    assert triples(run_text(text, select=["KL1"])) == []


def test_timestamps_stay_strings():
    text = POD.replace("  name: p\n", "  name: p\n  annotations:\n    built: 2024-01-01T10:00:00Z\n")
    assert load(text).manifests[0].data["metadata"]["annotations"]["built"] == "2024-01-01T10:00:00Z"
    assert triples(run_text(text, select=["KL1"])) == []


# --- documents ------------------------------------------------------------------------------

def test_multi_document_files_and_empty_documents():
    result = load("---\n" + POD + "---\n---\n# only a comment\n---\n" + POD.replace("name: p", "name: q"))
    assert [m.ref.name for m in result.manifests] == ["p", "q"]
    assert result.issues == [] and result.skipped == 0


def test_json_file():
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "b"}}'
    result = load(text, "c.json")
    assert [m.ref.kind for m in result.manifests] == ["ConfigMap"]


def test_json_file_positions_point_at_the_value():
    text = '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "c"},\n  "data": {"a": 1}\n}\n'
    result = run_text(text, "c.json")
    assert triples(result) == [("KL101", 5, 17)]


def test_list_kinds_are_unpacked_into_items():
    text = ("apiVersion: v1\nkind: List\nitems:\n"
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n"
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n  data: {x: 1}\n")
    result = load(text)
    assert [(m.ref.name, m.base) for m in result.manifests] == [("a", ("items", 0)), ("b", ("items", 1))]
    checked = run_text(text)
    assert triples(checked) == [("KL101", 10, 13)]
    assert checked.active()[0].json_path == "/items/1/data/x"


def test_typed_list_kinds_are_unpacked():
    text = "apiVersion: v1\nkind: ServiceList\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n"
    assert [m.ref.kind for m in load(text).manifests] == ["Service"]


def test_utf8_bom_is_accepted():
    result = load(b"\xef\xbb\xbf" + POD.encode())
    assert [m.ref.name for m in result.manifests] == ["p"] and result.issues == []


def test_document_without_api_version_and_kind_is_skipped_and_counted():
    result = run_text("foo: bar\n---\n" + POD)
    assert triples(result) == [] and result.skipped == 1 and result.objects == 1


@pytest.mark.parametrize("text, message", [
    ("kind: Pod\nmetadata: {name: p}\n", "not a valid manifest: apiVersion is missing"),
    ("apiVersion: v1\nmetadata: {name: p}\n", "not a valid manifest: kind is missing"),
    ("apiVersion: v1\nkind:\n", "not a valid manifest: kind is empty"),
    ("apiVersion: 1\nkind: Pod\n", "not a valid manifest: apiVersion must be a string, not 1"),
])
def test_only_one_of_api_version_and_kind_is_an_error(text, message):
    result = run_text(text)
    assert triples(result) == [("KL005", 1, 1)]
    assert result.active()[0].message == message


@pytest.mark.parametrize("text, what", [("- a\n- b\n", "list"), ("just text\n", "string"), ("42\n", "number")])
def test_top_level_not_a_mapping_is_an_error(text, what):
    result = run_text(POD + "---\n" + text)
    assert triples(result) == [("KL004", 10, 1)]
    assert result.active()[0].message.endswith(f"not a {what}")


def test_duplicate_key_is_reported_at_the_second_key_naming_the_first():
    result = run_text(POD.replace("  name: p\n", "  name: p\n  labels: {}\n  name: q\n"))
    assert triples(result) == [("KL002", 6, 3)]
    assert result.active()[0].message == 'duplicate key "name" (first defined on line 4)'


def test_duplicate_key_in_json():
    result = run_text('{"apiVersion": "v1",\n "kind": "Pod",\n "kind": "Pod"}', "p.json")
    assert triples(result) == [("KL002", 3, 2)]
    assert "first defined on line 2" in result.active()[0].message


def test_merge_keys_are_not_duplicates():
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: &l {app: a, tier: t}\n"
            "  annotations:\n    <<: *l\n    app: b\n")
    result = run_text(text)
    assert triples(result) == []
    assert load(text).manifests[0].data["metadata"]["annotations"] == {"app": "b", "tier": "t"}


def test_syntax_error_keeps_documents_before_it_and_points_at_the_parser_position():
    text = POD + "  labels: {}\n---\n" + POD.replace("name: p", "name: q") + "  bad: [unclosed\n"
    result = load(text)
    assert [m.ref.name for m in result.manifests] == ["p"]
    checked = run_text(text)
    assert ("KL001", 20, 1) in triples(checked)
    assert checked.active()[-1].message.startswith("YAML syntax error:")


def test_syntax_error_in_one_file_does_not_stop_other_files(tmp_path):
    (tmp_path / "a.yaml").write_text("a: [\n")
    (tmp_path / "b.yaml").write_text(POD.replace("image: nginx:1.25", "image: 1"))
    result = run_paths([str(tmp_path)], select=["KL0", "KL1"])
    assert [(os.path.basename(f.path), f.rule) for f in result.active()] == [("a.yaml", "KL001"), ("b.yaml", "KL101")]


def test_tab_indentation_is_a_syntax_error_at_the_tab():
    result = run_text("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: p\n")
    assert triples(result) == [("KL001", 4, 1)]


def test_helm_template_gets_one_error_saying_to_render_it():
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\nspec:\n  replicas: {{ .Values.n }}\n"
    result = run_text(text)
    assert triples(result) == [("KL003", 4, 9)]
    assert "helm template" in result.active()[0].message and "kubelint check -" in result.active()[0].message


def test_template_braces_inside_string_values_are_fine():
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alerts\n"
            "data:\n  summary: \"{{ $labels.instance }} is down\"\n")
    assert triples(run_text(text)) == []


# --- bad input never produces a traceback ---------------------------------------------------

def test_unreadable_and_missing_files(tmp_path):
    from kubelint.cli import CheckOptions, UsageProblem, execute

    with pytest.raises(UsageProblem, match="path not found"):
        execute(CheckOptions([str(tmp_path / "nope.yaml")]))
    dangling = tmp_path / "gone.yaml"
    dangling.symlink_to(tmp_path / "missing-target.yaml")
    (tmp_path / "ok.yaml").write_text(POD)
    result = run_paths([str(tmp_path)], select=["KL0", "KL1"])
    assert [(os.path.basename(f.path), f.rule, f.line) for f in result.active()] == [("gone.yaml", "KL006", 1)]
    assert result.active()[0].message == "cannot read file: No such file or directory"
    assert result.objects == 1


def test_directory_named_like_a_file_is_not_read(tmp_path):
    (tmp_path / "dir.yaml").mkdir()
    (tmp_path / "dir.yaml" / "p.yaml").write_text(POD)
    assert run_paths([str(tmp_path)]).objects == 1


def test_binary_file():
    loaded = load(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert [(i.rule, i.position.line) for i in loaded.issues] == [("KL006", 1)]
    assert "binary" in loaded.issues[0].message


def test_non_utf8_file_names_the_line():
    loaded = load(POD.encode() + b"# caf\xe9\n")
    assert [(i.rule, i.position.line) for i in loaded.issues] == [("KL006", 9)]
    assert loaded.manifests == []


def test_file_over_the_size_cap():
    loaded = load_file("big.yaml", POD.encode(), max_size=10)
    assert [i.rule for i in loaded.issues] == ["KL007"] and loaded.manifests == []


def test_alias_bomb_is_refused():
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefgh"):
        prev = "abcdefgh"[i]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    result = run_text("\n".join(levels) + "\n")
    assert triples(result) == [("KL008", 1, 1)]


def test_small_aliases_are_fine():
    text = POD.replace("  name: p\n", "  name: p\n  labels: &l {app: a}\n  annotations: *l\n")
    assert triples(run_text(text)) == []


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "{a: " * 50_000 + "}" * 50_000, "- " * 100_000 + "x"])
def test_deep_nesting_is_an_error_not_a_crash(text):
    result = run_text(text)
    assert triples(result) == [("KL009", 1, 1)]


def test_python_tags_are_refused():
    result = run_text("apiVersion: v1\nkind: ConfigMap\ndata:\n  x: !!python/object/apply:os.system [ls]\n")
    assert triples(result) == [("KL010", 4, 6)]


def test_local_tags_are_ignored():
    documents, _ = load_documents("a: !Ref b\nc: !!set {x}\n")
    assert documents == [{"a": "b", "c": {"x": None}}]


def test_non_scalar_keys_are_an_error():
    result = run_text("apiVersion: v1\nkind: ConfigMap\ndata:\n  ? [a]\n  : b\n")
    assert triples(result) == [("KL001", 4, 5)]


def test_a_tab_in_indentation_is_named():
    # libyaml's own words ("found character that cannot start any token") do not say what is wrong.
    result = run_any("apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n")
    assert [(f.rule, f.line, f.column, f.message) for f in result.active()] == [
        ("KL001", 4, 1, "YAML syntax error: tabs are not allowed for indentation; indent with spaces")]


def test_a_tab_inside_a_value_is_not_blamed_on_indentation():
    result = run_any('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: "x\tb"\n  b: c\td\n')
    assert [f.rule for f in result.active() if f.rule.startswith("KL0")] == []


MULTI = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
data: {x: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
data: {x: "1", x: "2"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data:
  x: [1
---
apiVersion: v1
kind: Secret
metadata: {name: d}
type: Opaque
stringData: {x: 1}
"""


def test_a_broken_document_does_not_hide_the_documents_after_it():
    # kubectl splits the stream at `---` before parsing (apimachinery util/yaml YAMLReader), so
    # documents after a duplicate key or a syntax error are still applied (issue 11, item 5).
    result = run_any(MULTI)
    assert [(f.rule, f.line, f.column) for f in result.active()] == [
        ("KL002", 9, 16), ("KL001", 16, 1), ("KL101", 21, 17)]
    assert result.objects == 2  # a and d; b and c are broken


def test_a_template_file_still_gets_one_finding():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .x }}\n---\nkind: {{ .y }}\n---\na: [\n"
    assert [f.rule for f in run_any(text).active()] == ["KL003"]


def test_merging_an_alias_of_a_sequence_is_refused_as_go_yaml_does():
    # go-yaml v2 decoder.merge: failWantMap for an alias whose node is not a mapping.
    text = "base: &b [{a: 1}]\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata:\n  <<: *b\n"
    assert [(f.rule, f.line, f.column) for f in run_any(text).active()] == [("KL001", 6, 3)]
    # A sequence written in place, of aliases of mappings, is fine.
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n  labels: &l {a: x}\n"
            "  annotations:\n    <<: [*l]\n")
    assert [f.rule for f in run_any(text).active() if f.rule.startswith("KL0")] == []
