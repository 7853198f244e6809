"""How the exact loaders (libyaml and pure Python) type what Kubernetes' YAML decoder
(go-yaml v2 through sigs.k8s.io/yaml) would: keys as JSON strings, explicit tags, merge keys,
and the errors they raise with the documents read before them."""

from __future__ import annotations

import pytest

from kubelint.input.yaml_k8s import DuplicateKey, RefusedTag, go_number, json_key, load_documents

BOTH = pytest.mark.parametrize("safe", [False, True], ids=["libyaml", "pure-python"])


@BOTH
def test_keys_become_the_strings_json_gives_them(safe):
    text = "{yes: 1, no: 2, 1e3: 3, ~: 4, 0x1F: 5, 1.5: 6, 1e20: 7, -0: 8, .inf: 9, '1': 10, !!str 2: 11, 0644: 12}\n"
    assert load_documents(text, safe=safe) == ([{
        "true": 1, "false": 2, "1000": 3, "null": 4, "31": 5, "1.5": 6, "1e+20": 7, "0": 8, "inf": 9, "1": 10,
        "2": 11, "420": 12}], [0])


@pytest.mark.parametrize("key, text", [
    ("a", "a"), (True, "true"), (False, "false"), (None, "null"), (1.5, "1.5"), (1000.0, "1000"), (7, "7"),
    (-2, "-2"), (1e20, "1e+20"),
])
def test_json_key(key, text):
    assert json_key(key) == text


@BOTH
def test_explicit_tags(safe):
    text = ("a: !!timestamp 2024-01-01\nb: !!binary aGk=\nc: !Ref x\nd: !!set {p, q}\ne: !!omap [{a: 1}, {b: 2}]\n"
            "f: !!pairs [{a: 1}]\ng: !!float 1\nh: !!int '0x10'\ni: !!str yes\nj: !!bool yes\nk: !!null ''\n"
            "l: !custom {a: 1}\nm: !custom [1]\nr: !!strr typo\n")
    assert load_documents(text, safe=safe)[0] == [{
        "a": "2024-01-01", "b": "aGk=", "c": "x", "d": {"p": None, "q": None}, "e": [{"a": 1}, {"b": 2}],
        "f": [{"a": 1}], "g": 1, "h": 16, "i": "yes", "j": True, "k": None, "l": {"a": 1}, "m": [1], "r": "typo"}]
    assert type(load_documents(text, safe=safe)[0][0]["g"]) is int  # go-yaml: !!float 1 into interface{} is 1


@BOTH
@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system [ls]", "!!python/tuple [1]",
                                 "!!python/name:os.system x", "!!python/object:os.stat_result {}"])
def test_python_tags_are_refused_where_they_are(tag, safe):
    with pytest.raises(RefusedTag) as raised:
        load_documents(f"ok: 1\n---\nlist:\n- a: {tag}\n", safe=safe)
    assert raised.value.tag.startswith("tag:yaml.org,2002:python/")
    assert (raised.value.mark.line, raised.value.mark.column) == (3, 5)
    assert (raised.value.documents, raised.value.starts) == ([{"ok": 1}], [0, 2])


@BOTH
@pytest.mark.parametrize("text, expected", [
    ("b: &b {x: 1, p: 2}\nc:\n  <<: *b\n  x: 3\n", {"b": {"x": 1, "p": 2}, "c": {"x": 3, "p": 2}}),
    ("b: &b {x: 1}\nc: &c {p: 2, x: 5}\nd:\n  <<: [*b, *c]\n  z: 3\n",
     {"b": {"x": 1}, "c": {"p": 2, "x": 5}, "d": {"x": 1, "p": 2, "z": 3}}),  # the first merged wins
    ("c:\n  x: 1\n  <<: {x: 2, w: 4}\n", {"c": {"x": 1, "w": 4}}),  # a written key wins, before or after
    ("b: &b {x: 1}\nc:\n  <<: *b\n  <<: *b\n", {"b": {"x": 1}, "c": {"x": 1}}),
])
def test_merge_keys(text, expected, safe):
    assert load_documents(text, safe=safe)[0] == [expected]


@BOTH
@pytest.mark.parametrize("text, key, first, second", [
    ("a: 1\nb:\n  c: 2\n  c: 3\n", "c", (2, 2), (3, 2)),
    ("b: &b {x: 1}\nc:\n  <<: *b\n  y: 1\n  y: 2\n", "true", (3, 2), (4, 2)),  # y is true: after a merge too
    ("yes: 1\ntrue: 2\n", "true", (0, 0), (1, 0)),  # the same key once typed
])
def test_duplicate_keys(text, key, first, second, safe):
    with pytest.raises(DuplicateKey) as raised:
        load_documents(text, safe=safe)
    error = raised.value
    assert (error.key, (error.first.line, error.first.column), (error.second.line, error.second.column)) == (
        key, first, second)


@BOTH
def test_documents_before_an_error_are_kept(safe):
    with pytest.raises(Exception) as raised:
        load_documents("a: 1\n---\nb: 2\n---\nc: [\n", safe=safe)
    assert (raised.value.documents, raised.value.starts) == ([{"a": 1}, {"b": 2}], [0, 2])


@BOTH
def test_empty_documents_and_where_documents_start(safe):
    assert load_documents("---\n---\na: 1\n", safe=safe) == ([None, {"a": 1}], [1, 2])
    assert load_documents("# c\n\nkind: x\n---\n\n- 1\n", safe=safe) == ([{"kind": "x"}, [1]], [2, 5])


@BOTH
@pytest.mark.parametrize("text", ["? [a]\n: 1\n", "? {a: 1}\n: 1\n"])
def test_keys_that_are_not_scalars_are_an_error(text, safe):
    import yaml

    with pytest.raises(yaml.constructor.ConstructorError, match="cannot be a key"):
        load_documents(text, safe=safe)


@pytest.mark.parametrize("text, value", [
    (".5", 0.5), ("-.5", -0.5), ("+.5", 0.5), ("._5", "._5"), (".5_0", ".5_0"), ("1_0.5", 10.5), ("-0x1F", -31),
    ("0b", "0b"), ("0o", "0o"), ("00", 0), ("-00", 0), ("+0", 0), ("0_7", 7), ("08.5", 8.5), ("1e", "1e"),
    ("1.5e+3", 1500.0), ("-1_", -1), ("1__0", 10), ("-0o17", -15), ("0B11", 3), ("-010", -8), ("+0x_1F", 31),
    (".inf", float("inf")), ("-.Inf", float("-inf")), ("+.INF", float("inf")),
])
def test_go_number(text, value):
    result = go_number(text)
    assert (result, type(result)) == (value, type(value))


def test_go_number_nan():
    for text in (".nan", ".NaN", ".NAN"):
        assert go_number(text) != go_number(text)


@BOTH
def test_timestamp_and_binary_tags_on_collections_keep_the_collection(safe):
    assert load_documents("b: !!binary {k: v}\nc: !!timestamp [1]\n", safe=safe)[0] == [{"b": {"k": "v"}, "c": [1]}]


@BOTH
def test_a_key_never_seen_before_is_kept(safe):
    # Keys are shared between documents (input.shared_strings); a new one must still be itself.
    import uuid

    key = f"key-{uuid.uuid4().hex}"
    assert load_documents(f"{key}: 1\n", safe=safe)[0] == [{key: 1}]


def test_errors_carry_their_key_or_tag_as_message():
    with pytest.raises(DuplicateKey, match=r"^a$"):
        load_documents("a: 1\na: 2\n")
    with pytest.raises(RefusedTag, match=r"^tag:yaml.org,2002:python/tuple$"):
        load_documents("a: !!python/tuple [1]\n")


@pytest.mark.parametrize("text, issue", [
    ("a: !!map x\n", ("KL001", (1, 4, 1, 4), "YAML syntax error: expected a mapping node, but found scalar")),
    ("a: !!set x\n", ("KL001", (1, 4, 1, 4), "YAML syntax error: expected a mapping node, but found scalar")),
    ("? [a]\n: 1\n", ("KL001", (1, 3, 1, 3), "YAML syntax error: a sequence cannot be a key "
                                             "(while constructing a mapping)")),
    ("x: 1\n? {a: 1}\n: 1\n", ("KL001", (2, 3, 2, 3), "YAML syntax error: a mapping cannot be a key "
                                                      "(while constructing a mapping)")),
])
def test_construction_errors_become_syntax_findings(text, issue):
    from kubelint.input.loader import load_file

    result = load_file("x.yaml", text.encode())
    assert [(i.rule, tuple(i.position), i.message) for i in result.issues] == [issue]
