"""Start and end positions of findings: block and flow nodes in the middle of a file and at its
end, merged (`<<`) keys, aliases, block scalars; and the same positions in every output format."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest

from kubelint.cli import main
from kubelint.findings import Position
from kubelint.input.loader import load_file
from tests.helpers import CliRunner

# Four findings (KL101, each value has the wrong type): a block mapping followed by more of its
# document, a multi-line flow mapping followed by a blank line and a comment, a flow sequence
# ending a document in the middle of the file, and a block sequence that ends the file.
MIXED = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: first
data:
  block:
    x: y
    z: w
  flow: {x: y,
    z: w}

# the next document
---
apiVersion: v1
kind: ConfigMap
metadata: {name: second}
data:
  flow: [1, 2]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: third
data:
  list:
  - a
  - bb
"""
# A flow node that ends the file, without a final newline.
FLOW_AT_END = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fourth}\ndata: {list: [1, 2]}"

# (path, line, column, endLine, endColumn, json pointer) of every finding, in output order.
EXPECTED = [
    ("flow-end.yaml", 4, 14, 4, 20, "/data/list"),
    ("mixed.yaml", 7, 5, 8, 9, "/data/block"),
    ("mixed.yaml", 9, 9, 10, 10, "/data/flow"),
    ("mixed.yaml", 18, 9, 18, 15, "/data/flow"),
    ("mixed.yaml", 26, 3, 27, 7, "/data/list"),
]


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "mixed.yaml").write_text(MIXED)
    (tmp_path / "flow-end.yaml").write_text(FLOW_AT_END)
    return tmp_path


def check(output_format):
    result = CliRunner().invoke(main, ["check", "--no-config", "--select", "KL1", "--format", output_format,
                                       "mixed.yaml", "flow-end.yaml"], catch_exceptions=False)
    assert result.exit_code == 1
    return result.output


def test_json_positions(files):
    found = [(f["path"], f["line"], f["column"], f["endLine"], f["endColumn"], f["jsonPath"])
             for f in json.loads(check("json"))["findings"]]
    assert found == EXPECTED
    assert {f["rule"] for f in json.loads(check("json"))["findings"]} == {"KL101"}


def test_sarif_regions(files):
    results = json.loads(check("sarif"))["runs"][0]["results"]
    found = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"], r["properties"]["jsonPath"]) for r in results]
    assert found == [(path, {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column},
                      pointer) for path, line, column, end_line, end_column, pointer in EXPECTED]


def test_github_annotations(files):
    lines = check("github").splitlines()
    assert [line.split("::")[1] for line in lines[:-1]] == [
        f"error file={path},line={line},col={column},endLine={end_line},endColumn={end_column},"
        "title=KL101 invalid-field-value" for path, line, column, end_line, end_column, _ in EXPECTED]


def test_text_lines(files):
    lines = check("text").splitlines()
    assert [line.split(": error ")[0] for line in lines[:-1]] == [
        f"{path}:{line}:{column}" for path, line, column, *_ in EXPECTED]


def test_junit_failures(files):
    root = ET.fromstring(check("junit").split("\n", 1)[1])
    texts = [failure.text.split(": error ")[0] for failure in root.iter("failure")]
    assert sorted(texts) == sorted(f"{path}:{line}:{column}" for path, line, column, *_ in EXPECTED)


def test_single_point_positions_have_no_end_in_sarif_and_github(tmp_path, monkeypatch):
    """A file-level finding at one point (a syntax error) carries no end: SARIF and GitHub
    would show an empty range."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "broken.yaml").write_text("a: [\n")
    runner = CliRunner()
    sarif = json.loads(runner.invoke(main, ["check", "--no-config", "--format", "sarif", "broken.yaml"]).output)
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2, "startColumn": 1}
    github = runner.invoke(main, ["check", "--no-config", "--format", "github", "broken.yaml"]).output
    assert github.startswith("::error file=broken.yaml,line=2,col=1,title=KL001 yaml-syntax::")


# --- positions of nodes, through SourceFile.position (both composers) ----------------------

def position(text, pointer, document=0, anchor="value", safe=False):
    source = load_file("x.yaml", text.encode("utf-8")).source
    source.safe_parser = safe  # the pure-Python composer, used for deeply nested files
    return tuple(source.position(document, tuple(pointer), anchor))


BOTH = pytest.mark.parametrize("safe", [False, True], ids=["libyaml", "pure-python"])

NINE_LINES = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: 1\n  b:\n    x: y\n    z: a-long-value-here\n"


@BOTH
def test_block_node_ending_the_file_ends_on_its_last_line(safe):
    # The bug: the document's slice kept the empty string after the last newline, so the node
    # ended on line 10 of a 9-line file, column 1.
    assert position(NINE_LINES, ["data", "b"], safe=safe) == (8, 5, 9, 25)
    assert position(NINE_LINES, ["data"], safe=safe) == (6, 3, 9, 25)
    assert position(NINE_LINES, [], safe=safe) == (1, 1, 9, 25)


@BOTH
def test_block_node_followed_by_another_document_ends_on_its_last_line(safe):
    text = NINE_LINES + "---\n" + NINE_LINES
    assert position(text, ["data", "b"], safe=safe) == (8, 5, 9, 25)
    assert position(text, ["data", "b"], document=1, safe=safe) == (18, 5, 19, 25)


@BOTH
def test_blank_lines_and_comments_after_a_block_node_are_not_part_of_it(safe):
    text = NINE_LINES + "\n\n# about the next one\n  # indented comment\n---\n" + NINE_LINES + "\n# end\n\n"
    assert position(text, ["data", "b"], safe=safe) == (8, 5, 9, 25)
    assert position(text, ["data", "b"], document=1, safe=safe) == (22, 5, 23, 25)


@BOTH
def test_block_sequence_and_nested_nodes_end_with_their_last_value(safe):
    text = "a:\n  - x: 1\n    p: [1, 2]\n  - name: last\n    deep:\n      deeper: v\n# trailing\n"
    assert position(text, ["a"], safe=safe) == (2, 3, 6, 16)
    assert position(text, ["a", 0], safe=safe) == (2, 5, 3, 14)
    assert position(text, ["a", 1], safe=safe) == (4, 5, 6, 16)
    assert position(text, ["a", 0, "p"], safe=safe) == (3, 8, 3, 14)


@BOTH
def test_empty_value_ends_after_its_key(safe):
    assert position("a:\n  b:\n  c:\n", ["a"], safe=safe) == (2, 3, 3, 5)


@BOTH
def test_block_scalar_ends_on_its_last_line_even_when_it_looks_like_a_comment(safe):
    text = "a:\n  s: |\n    echo hi\n    # still the script\n\n\n  t: >+\n    kept\n\n\n# a comment\n"
    assert position(text, ["a", "s"], safe=safe) == (2, 6, 4, 23)
    assert position(text, ["a", "t"], safe=safe) == (7, 6, 8, 9)
    assert position(text, ["a"], safe=safe) == (2, 3, 8, 9)


@BOTH
def test_alias_as_the_last_value_ends_on_the_alias_line(safe):
    # The alias is composed as the anchored node (line 3): the end is found in the text.
    text = "a:\n  b: 1\n  c: &x [1]\n  d: *x\n\n# comment\n---\nb: 2\n"
    assert position(text, ["a"], safe=safe) == (2, 3, 4, 8)
    assert position(text, ["a", "d"], safe=safe) == (3, 6, 3, 12)


@BOTH
def test_flow_nodes_end_at_their_closing_bracket(safe):
    text = "a: {x: [1,\n  2], y: 3}\nb: [c, d]"
    assert position(text, ["a"], safe=safe) == (1, 4, 2, 12)
    assert position(text, ["a", "x"], safe=safe) == (1, 8, 2, 5)
    assert position(text, ["b"], safe=safe) == (3, 4, 3, 10)


MERGED = """\
base: &base
  x: 1
  p: 2
other: &other
  z: 3
one:
  <<: *base
  w: 0
many:
  <<: [*base, *other]
  p: 20
"""


@BOTH
@pytest.mark.parametrize("pointer, anchor, expected", [
    (["one", "x"], "value", (2, 6, 2, 7)),  # merged from base: its own line there
    (["one", "x"], "key", (2, 3, 2, 4)),
    (["one", "w"], "value", (8, 6, 8, 7)),
    (["many", "x"], "value", (2, 6, 2, 7)),
    (["many", "z"], "value", (5, 6, 5, 7)),  # from the second merged mapping
    (["many", "p"], "value", (11, 6, 11, 8)),  # written here: overrides the merged p
    (["many", "nope"], "value", (10, 3, 11, 8)),  # missing: the mapping that should hold it
])
def test_merged_keys_point_at_their_own_lines(pointer, anchor, expected, safe):
    assert position(MERGED, pointer, anchor=anchor, safe=safe) == expected


@BOTH
def test_missing_key_points_at_its_deepest_existing_parent(safe):
    assert position(NINE_LINES, ["data", "b", "missing", "deeper"], safe=safe) == (8, 5, 9, 25)
    assert position(NINE_LINES, ["data", "b", "missing"], anchor="key", safe=safe) == (7, 3, 7, 4)
    assert position(NINE_LINES, ["data", "b", 0], safe=safe) == (8, 5, 9, 25)


def test_position_of_a_document_that_does_not_parse_alone_comes_from_the_whole_file():
    source = load_file("x.yaml", NINE_LINES.encode()).source
    assert source.position(5, ("data",)) == Position(1, 1, 1, 1)


SHAPES = """\
x: &x [1]
m:
  d: *x
n: 1
s:
- &y [2]
- *y
t:
- only
u: |
v: scalar
"""


@BOTH
@pytest.mark.parametrize("pointer, anchor, expected", [
    (["m"], "value", (3, 3, 3, 8)),  # one line, its last value an alias: ends on that line
    (["s"], "value", (6, 1, 7, 5)),  # the last item an alias of the item before it
    (["t"], "value", (9, 1, 9, 7)),  # a block sequence of one item
    (["u"], "value", (10, 4, 10, 5)),  # an empty block scalar: ends on its own line
    (["v", 0], "value", (11, 4, 11, 10)),  # an index into a scalar: the scalar
    (["v", "k"], "value", (11, 4, 11, 10)),
    (["t", "k"], "value", (9, 1, 9, 7)),  # a key into a sequence: the sequence
    (["t", 1], "value", (9, 1, 9, 7)),  # one past the last item
    (["t", -1], "value", (9, 1, 9, 7)),
    (["missing"], "key", (1, 1, 11, 10)),  # no key node on the way: the document
    ([], "key", (1, 1, 11, 10)),
    (["t", 0], "key", (9, 3, 9, 7)),  # an item has no key: the item itself
])
def test_shapes_and_pointers_that_do_not_fit_them(pointer, anchor, expected, safe):
    assert position(SHAPES, pointer, anchor=anchor, safe=safe) == expected


# Keys are matched as Kubernetes reads them: plain yes/no/~ and numbers become JSON strings
# ("true", "false", "null", "31"); quoted or explicitly tagged keys stay as written.
TYPED_KEYS = 'yes: 1\nno: 2\n~: 3\n80: 5\n0x1F: 6\n1e3: 7\n"on": 8\n!!str off: 9\n"90": 10\n'


@BOTH
@pytest.mark.parametrize("key, expected", [
    ("true", (1, 6, 1, 7)), ("false", (2, 5, 2, 6)), ("null", (3, 4, 3, 5)), ("80", (4, 5, 4, 6)),
    ("31", (5, 7, 5, 8)), ("1000", (6, 6, 6, 7)), ("on", (7, 7, 7, 8)), ("off", (8, 12, 8, 13)),
    ("90", (9, 7, 9, 9)),
    ("yes", (1, 1, 9, 9)), ("0x1F", (1, 1, 9, 9)), ("1e3", (1, 1, 9, 9)),  # as written: not keys
])
def test_keys_are_matched_with_kubernetes_typing(key, expected, safe):
    assert position(TYPED_KEYS, [key], safe=safe) == expected


def test_an_empty_node_at_a_line_start_is_one_point():
    # The document after "---" is empty: a null node where the next line starts, at column 1.
    # It ends where it starts, not on the line before.
    from kubelint.input.loader import SourceFile

    source = SourceFile("x.yaml", "a: 1\n---\n# only a comment\n", document_lines=[0, 2])
    assert source.position(1, ("a",)) == Position(4, 1, 4, 1)


@BOTH
@pytest.mark.parametrize("text, pointer, expected", [
    # A block scalar's last line keeps its trailing spaces; a CR of a CRLF file is no column.
    ("a:\r\n  s: |\r\n    ends with X  \r\n  t: 1\r\n", ["a", "s"], (2, 6, 3, 18)),
    ("a:\n  s: |\n    text  \n\n  t: 1\n", ["a", "s"], (2, 6, 3, 11)),  # one blank line after it
    ("u: |\nv: 1\n", ["u"], (1, 4, 1, 5)),  # on the first line
    ("a:\n  s: |\n    endX\n  t: 1\n", ["a", "s"], (2, 6, 3, 9)),  # the line's last character counts
])
def test_end_of_a_block_scalar_line(text, pointer, expected, safe):
    assert position(text, pointer, safe=safe) == expected


def test_a_wide_mapping_is_indexed_once_for_all_its_findings(monkeypatch):
    """Each key of a 2,000-key mapping located (the document composed once): key texts are
    read once each, not once per lookup, and each key's position is its own; a merged key
    is still found, and the first of two equal keys wins, as the scan has it."""
    from kubelint.input import positions

    width = 2000
    text = "base: &b {merged: 1}\nwide:\n  <<: *b\n" + "".join(f"  k{i}: {i}\n" for i in range(width)) + "  k0: again\n"
    root = positions.compose_documents(text, False)[0]
    calls = []
    real = positions.key_text
    monkeypatch.setattr(positions, "key_text", lambda node: calls.append(1) or real(node))
    for i in range(width):
        assert positions.locate(root, ("wide", f"k{i}"), "value").line == 4 + i
    assert positions.locate(root, ("wide", "merged"), "value").line == 1
    assert positions.locate(root, ("wide", "missing"), "key").line == 2
    assert len(calls) < 4 * width  # each mapping's keys read once; a scan of "wide" per lookup would be 2,000,000
