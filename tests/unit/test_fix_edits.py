"""Operations on pointers as text edits: each touches only its node, in the file's own style,
and refuses what it cannot do without touching more (aliases, anchors, merge keys)."""

from __future__ import annotations

from typing import Sequence

import pytest

from kubelint.fix.edits import DocumentEditor, apply_edits, collide, combine
from kubelint.fix.ops import Add, Op, OpError, Remove, RenameKey, ReplaceEntry, SetValue, apply, parse_json_path
from kubelint.fix.render import plain_ok, scalar
from kubelint.fix.tree import Unplaceable, YamlText
from kubelint.findings import Edit


def edited(text: str, ops: Sequence[Op], is_json: bool = False, document: int = 0) -> str:
    tree = YamlText(text, is_json=is_json)
    editor = DocumentEditor(tree, document)
    return apply_edits(text, combine([edit for op in ops for edit in editor.edits(op)]))


@pytest.mark.parametrize("text, op, expected", [
    # scalars keep their quote style where the new value allows it
    ("a: x  # c\n", SetValue(("a",), "Y"), 'a: "Y"  # c\n'),
    ("a: 'x'\n", SetValue(("a",), "Always"), "a: 'Always'\n"),
    ('a: "x"\n', SetValue(("a",), "Always"), 'a: "Always"\n'),
    ("a: x\n", SetValue(("a",), "yes", style='"'), 'a: "yes"\n'),
    ('a: "3"\n', SetValue(("a",), 3), "a: 3\n"),
    ("a:\nb: 1\n", SetValue(("a",), "v"), "a: v\nb: 1\n"),
    ("- x\n- y\n", SetValue((1,), "z"), "- x\n- z\n"),
    # renaming keeps the key's quotes
    ('"a": 1\n', RenameKey(("a",), "b"), '"b": 1\n'),
    # removing: the entry's own lines, with its trailing comment; other comments stay
    ("a: 1\n# about b\nb: 2  # two\nc: 3\n", Remove(("b",)), "a: 1\n# about b\nc: 3\n"),
    ("a: 1\nb:\n  x: 1\n  y: 2\n\nc: 3\n", Remove(("b",)), "a: 1\n\nc: 3\n"),
    ("- a: 1\n  b: 2\n", Remove((0, "a")), "- b: 2\n"),
    ("m: {a: 1, b: 2, c: 3}\n", Remove(("m", "b")), "m: {a: 1, c: 3}\n"),
    ("m: {a: 1, b: 2}\n", Remove(("m", "b")), "m: {a: 1}\n"),
    ("m: {a: 1}\n", Remove(("m", "a")), "m: {}\n"),
    # adding: at the siblings' indentation, after, before, or at the end
    ("m:\n    a: 1\n    b: 2\n", Add(("m",), "c", 3), "m:\n    a: 1\n    b: 2\n    c: 3\n"),
    ("m:\n  a: 1\n  b: 2\n", Add(("m",), "c", 3, after="a"), "m:\n  a: 1\n  c: 3\n  b: 2\n"),
    ("m:\n  a: 1\n  b: 2\n", Add(("m",), "c", 3, before="a"), "m:\n  c: 3\n  a: 1\n  b: 2\n"),
    ("- a: 1\n  b: 2\n", Add((0,), "c", 3, before="a"), "- c: 3\n  a: 1\n  b: 2\n"),
    ("m:\n  a: 1", Add(("m",), "c", 3), "m:\n  a: 1\n  c: 3"),
    ("m: {a: 1}\n", Add(("m",), "c", {"d": [1, "yes"]}), "m: {a: 1, c: {d: [1, \"yes\"]}}\n"),
    ("m: {}\n", Add(("m",), "c", 3), "m: {c: 3}\n"),
    ("a:\n  b: 1\n  c:\n  - x\n", Add(("a",), "d", {"e": ["z"]}), "a:\n  b: 1\n  c:\n  - x\n  d:\n    e:\n    - z\n"),
    ("a:\n  b: 1\n  c:\n    - x\n", Add(("a",), "d", {"e": ["z"]}), "a:\n  b: 1\n  c:\n    - x\n  d:\n    e:\n      - z\n"),
    # an entry replaced in place: a comment after it stays on its first line
    ("a:\n  k: v  # note\n  z: 1\n", ReplaceEntry(("a", "k"), "name", {"x": 1}), "a:\n  name:  # note\n    x: 1\n  z: 1\n"),
    ("a: {k: v, z: 1}\n", ReplaceEntry(("a", "k"), "name", {"x": 1}), "a: {name: {x: 1}, z: 1}\n"),
])
def test_yaml_edits(text, op, expected):
    assert edited(text, [op]) == expected


def test_crlf_inserted_lines_are_crlf():
    text = "m:\r\n  a: 1\r\n"
    assert edited(text, [Add(("m",), "b", {"c": 1})]) == "m:\r\n  a: 1\r\n  b:\r\n    c: 1\r\n"


@pytest.mark.parametrize("text, op, expected", [
    ('{\n  "a": "x",\n  "m": {\n    "b": 1\n  }\n}\n', Add(("m",), "c", {"d": 2}),
     '{\n  "a": "x",\n  "m": {\n    "b": 1,\n    "c": {\n      "d": 2\n    }\n  }\n}\n'),
    ('{"a": "x", "b": 1}', Add((), "c", [1]), '{"a": "x", "b": 1, "c": [1]}'),
    ('{"a": "x", "b": 1}', SetValue(("a",), "yes"), '{"a": "yes", "b": 1}'),
    ('{"a": "x", "b": 1}', Remove(("a",)), '{"b": 1}'),
])
def test_json_edits_stay_json(text, op, expected):
    assert edited(text, [op], is_json=True) == expected


@pytest.mark.parametrize("text, op", [
    ("a: &x v\nb: *x\n", SetValue(("b",), "w")),  # shared through an alias
    ("a: &x v\nb: *x\n", SetValue(("a",), "w")),
    ("a: &x v\n", SetValue(("a",), "w")),  # the anchor would be lost
    ("a: !!str v\n", SetValue(("a",), "w")),  # the tag would be lost
    ("base: &b {p: 1}\nm:\n  <<: *b\n  q: 2\n", SetValue(("m", "p"), 3)),  # from a merge key
    ("a: |\n  text\n", SetValue((), "x")),
    ("- a: 1\n", Remove((0, "a"))),  # the list item would become empty
    ("a: 1\n", Add(("a",), "b", 1)),  # not a mapping
    ("a: {b: 1}\n", Add(("a",), "b", 2)),  # already there
])
def test_refused(text, op):
    with pytest.raises(Unplaceable):
        edited(text, [op])


def test_a_block_scalar_value_is_rewritten_as_an_entry():
    assert edited("a: |\n  text\nb: 1\n", [SetValue(("a",), "new")]) == "a: new\nb: 1\n"


def test_several_insertions_at_one_place_keep_their_order():
    text = "m:\n  a: 1\n"
    assert edited(text, [Add(("m",), "b", 2), Add(("m",), "c", 3)]) == "m:\n  a: 1\n  b: 2\n  c: 3\n"


def test_overlapping_edits_of_one_fix_are_refused_and_fixes_that_touch_collide():
    with pytest.raises(Unplaceable):
        combine([Edit(0, 5, "x"), Edit(3, 8, "y")])
    assert collide([Edit(0, 5, "x")], [Edit(5, 5, "y")])
    assert not collide([Edit(0, 5, "x")], [Edit(6, 9, "y")])


def test_ops_on_data():
    data = {"spec": {"backend": {"serviceName": "web"}, "z": 1}}
    moved = apply(data, [ReplaceEntry(("spec", "backend", "serviceName"), "service", {"name": "web"}),
                         RenameKey(("spec", "backend"), "defaultBackend")])
    assert moved == {"spec": {"defaultBackend": {"service": {"name": "web"}}, "z": 1}}
    assert list(moved["spec"]) == ["defaultBackend", "z"]
    assert data == {"spec": {"backend": {"serviceName": "web"}, "z": 1}}  # a copy
    with pytest.raises(OpError):
        apply(data, [Add(("spec",), "z", 2)])
    assert parse_json_path({"a": [{"0": 1}]}, "/a/0/0") == ["a", 0, "0"]
    assert parse_json_path({"a~b/c": 1}, "/a~0b~1c") == ["a~b/c"]


@pytest.mark.parametrize("value, written", [
    ("web", "web"), ("yes", '"yes"'), ("Y", '"Y"'), ("0644", '"0644"'), ("1e3", '"1e3"'), ("", '""'),
    ("a b", '"a b"'), ("null", '"null"'), ("2024-01-01", '"2024-01-01"'), ("-", '"-"'), ("a:b", '"a:b"'),
    ("ünï", '"ünï"'), (True, "true"), (None, "null"), (80, "80"),
])
def test_scalars_read_back_as_written(value, written):
    assert scalar(value) == written
    assert plain_ok("Always") and not plain_ok("on")


def test_tab_indented_json_gets_tabs():
    text = '{\n\t"m": {\n\t\t"b": 1\n\t}\n}\n'
    assert edited(text, [Add(("m",), "c", {"d": 2})], is_json=True) == \
        '{\n\t"m": {\n\t\t"b": 1,\n\t\t"c": {\n\t\t\t"d": 2\n\t\t}\n\t}\n}\n'


def test_an_entry_added_before_a_key_goes_above_the_comments_that_describe_that_key():
    text = "spec:\n  replicas: 1\n\n  # the pods\n  # (two lines)\n  template: {}\n"
    assert edited(text, [Add(("spec",), "selector", {"matchLabels": {"app": "web"}}, before="template")]) == \
        "spec:\n  replicas: 1\n\n  selector:\n    matchLabels:\n      app: web\n  # the pods\n  # (two lines)\n  template: {}\n"
