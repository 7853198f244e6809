"""The line reader gives exactly what locating in the composed tree gives, or UNKNOWN where a
line could mean more than it shows (multi-line scalars, flow collections, anchors, tags, tabs)."""

import glob
import os

import pytest

from kubelint.findings import Position
from kubelint.input import positions_stream
from kubelint.input.loader import load_file
from kubelint.input.positions import compose_documents, locate
from kubelint.input.positions_text import UNKNOWN, locate_text
from tests.unit.test_positions_stream import TEXTS, _pointers
from tests.unit.test_positions_stream import _agree as agree_with_composed

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Layouts a line-by-line reader could misread; each is compared pointer by pointer below.
TRICKY = [
    "a: b\n  - c\nx: 1\n",  # a plain scalar continued by a line that looks like an item
    "a: multi\n  line\nb: 1\n",
    "a:\n  b: \"foo\nx: bar\"\nc: 1\n",  # a quoted scalar spanning lines, one like a root key
    "a: 'it''s'\nb: \"q # not a comment\" # a comment\nc: x#y\n",
    "a: |\n  b: c\n  - d\n\n  e\nx: 1\n",  # a block scalar's text looks like keys and items
    "- |\n  k: v\n- x\n",
    "a: |2\n   x\nb: 1\n",
    "a: >-\n  folded\nb: |+\n  kept\n\nc: end\n",
    "x: |\n  text\n# a comment at the root after a block scalar\ny: 2\n",
    "k:\n- a\n- b: c\n  d: e\nz: 1\n",  # an indentless sequence
    "s:\n  - a: 1\n    b: 2\n  - c: 3\n  -\n    d: 4\n",  # compact mappings, an item on the next line
    "a:\nb: 1\nc:\n",  # nulls
    "on: 1\nyes: 2\n1: x\nnull: z\nTrue: t\n0o10: eight\n",  # keys by their resolved tag
    "a:\n# c\n  b: 1\n    # deep\n  c: 2 # trailing\n# end\n",
    "a: 1\r\nb:\r\n  c: 2\r\n  d: [x, y]\r\n",
    "a:\tb\nc: 1\n",
    "a: caf\u00e9\nb: x\n",
    "a: [1, 2]\nb: {c: d}\ne: []\nf: ['x]', \"y}\"]\ng: [[1]]\n",
    "metadata:\n  name: x\n  labels:\n    app.kubernetes.io/name: web\n    \"quoted/key\": v\n  namespace: ns\n",
    "a: &x 1\nb: *x\nc: !!str 3\nd: 4\n",
    "  indented: 1\n  root: 2\n",
    "a: 1\n...\n",
    "a: -1\nb: -x\n",
    "a: 10:30\nb: http://x/#y\nc: ~\n",
    "l:\n- - a\n  - b\n- c\n",
    "? a\n: b\nc: d\n",
    "a: b # c: d\ne: f\n",
    "a:\n  - b\n  # c\n  - d\n",
    "a: 1\nb: 2\n<<: {c: 3}\nc: 4\n",  # a direct key after a merge key
    "a: 1\na: 2\n",  # the first of a duplicated key
    "- a: 1\n  b: 2\n",  # a sequence, not a mapping, at the root
    "a: 1\n--- # next\nb: 2\n",  # the document ends at the next one's marker
    "l:\n- - a\n- c\n",  # a sequence in a sequence item
    "s:\n-\n- x\n",  # a null item, then the next at its column
    "a: \tb\nc: 1\n",  # a tab before a value
    "a: b\rc: d\ne: f\n",  # a lone CR breaks the line for YAML
    "a: b\r  c\nd: 1\n",  # ... here inside a plain scalar
    "a: 12\r\nb: 34\r\n",  # CRLF line ends: the CR is no part of the value
]

MANIFEST = (
    "# a comment\n"
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata:\n"
    "  name: web\n"
    "  namespace: shop\n"
    "  labels:\n"
    "    app.kubernetes.io/name: web\n"
    "spec:\n"
    "  template:\n"
    "    spec:\n"
    "      containers:\n"
    "      - name: web\n"
    "        image: \"web:1.0\"\n"
    "        args:\n"
    "        - --port=80\n"
    "        command: |\n"
    "          serve\n"
    "        ports:\n"
    "          - containerPort: 80  # http\n"
    "            name: http\n"
)

UNKNOWN_CASES = [
    ("a: b\n  c\nd: 1\n", ("a",)),  # a plain scalar continued on the next line
    ("a: b\n  c\nd: 1\n", ("d",)),  # ... on the way
    ("a: \"b\n  c\"\nd: 1\n", ("d",)),  # a quoted scalar spanning lines
    ("a: [1,\n  2]\nd: 1\n", ("d",)),  # a flow collection spanning lines
    ("a: [1, 2]\n", ("a", 0)),  # into a flow collection
    ("a: &x {b: 1}\nc: *x\n", ("c",)),  # an anchor, an alias
    ("a: !!str 1\n", ("a",)),  # a tag
    ("a:\tb\n", ("a",)),  # a tab
    ("a: |\n  text\n", ("a",)),  # a block scalar as the answer
    ("a:\nb: 1\n", ("a",)),  # a null as the answer
    ("a: x\u2028y\nb: 1\n", ("b",)),  # a character YAML counts as a line break
    ("a: |\n  x\u2028y\nb: 1\n", ("b",)),  # ... in a block scalar's text too
    ("base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n", ("m", "x")),  # a merge key
    ("\"a\": 1\n", ("a",)),  # a quoted key
    ("- a\n", (0,)),  # not a mapping
    ("", ("a",)),
]


def _lines(text):
    lines = text.split("\n")
    return lines, len(lines) - (lines[-1] == "")


def _agree(text):
    """(pointers compared, pointers left unanswered) for every pointer of `text`."""
    lines, end = _lines(text)
    return agree_with_composed(text, lambda pointer, anchor: locate_text(lines, 0, end, pointer, anchor))


@pytest.mark.parametrize("text", TEXTS + TRICKY)
def test_read_positions_are_the_composed_ones(text):
    _agree(text)


def test_plain_block_yaml_is_answered_everywhere():
    compared, unknown = _agree(MANIFEST)
    # Only the block scalar (as the answer, and below it) is left to the event stream.
    assert (compared, unknown) == (116, 6)


@pytest.mark.parametrize("text, pointer", UNKNOWN_CASES)
def test_what_a_line_cannot_show_is_left_to_the_stream(text, pointer):
    lines, end = _lines(text)
    assert locate_text(lines, 0, end, pointer, "value") is UNKNOWN


def test_exact_positions():
    lines, end = _lines(MANIFEST)
    assert locate_text(lines, 0, end, ("metadata", "namespace"), "value") == Position(6, 14, 6, 18)
    assert locate_text(lines, 0, end, ("metadata", "namespace"), "key") == Position(6, 3, 6, 12)
    # A block mapping ends with its last value; a missing key gives its mapping, or the key above.
    assert locate_text(lines, 0, end, ("metadata",), "value") == Position(5, 3, 8, 32)
    assert locate_text(lines, 0, end, ("metadata", "annotations"), "key") == Position(4, 1, 4, 9)
    pointer = ("spec", "template", "spec", "containers", 0, "ports", 0, "containerPort")
    assert locate_text(lines, 0, end, pointer, "value") == Position(20, 28, 20, 30)
    assert locate_text(lines, 0, end, pointer[:5] + ("image",), "value") == Position(14, 16, 14, 25)
    # A file that does not end with a line break: its last line is read, and nothing past it.
    assert locate_text(["a: |", "  x"], 0, 2, ("b",), "value") is UNKNOWN
    assert locate_text(["a: 1", "b: x"], 0, 2, ("b",), "value") == Position(2, 4, 2, 5)
    # Line numbers count from the document's first line.
    assert locate_text(["x: 0", "---"] + lines, 2, 2 + end, ("kind",), "value") == Position(3, 7, 3, 17)


def test_bundled_files_agree():
    """Every pointer of every document in examples/ and the test fixtures, with the lines of
    the whole file as the loader gives them."""
    compared = 0
    paths = glob.glob(os.path.join(REPO, "examples", "**", "*.yaml"), recursive=True)
    paths += glob.glob(os.path.join(REPO, "tests", "fixtures", "**", "*.yaml"), recursive=True)
    for path in sorted(paths):
        text = open(path, encoding="utf-8-sig").read()
        lines = text.split("\n")
        starts = [root.start_mark.line for root in compose_documents(text, False) if root is not None]
        for number, start in enumerate(starts):
            end = starts[number + 1] if number + 1 < len(starts) else len(lines)
            root = compose_documents("\n".join(lines[start:end]) + "\n", False)[0]
            for pointer in _pointers(root):
                found = locate_text(lines, start, end, pointer, "value")
                if found is not UNKNOWN:
                    assert found == locate(root, pointer, "value"), (path, pointer)
                    compared += 1
    assert compared > 1000


def test_the_loader_reads_lines_first_and_streams_what_they_cannot_answer(monkeypatch):
    streamed = []
    real = positions_stream.locate_streaming
    monkeypatch.setattr(positions_stream, "locate_streaming",
                        lambda text, pointer, anchor: streamed.append(pointer) or real(text, pointer, anchor))
    text = "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: B\nmetadata: &m\n  name: b\n"
    result = load_file("x.yaml", text.encode())
    first, second = result.manifests
    assert first.position(("metadata", "name")) == Position(4, 9, 4, 10)
    assert streamed == []
    assert second.position(("metadata", "name")) == Position(9, 9, 9, 10)
    assert streamed == [("metadata", "name")]


def test_a_document_asked_often_is_composed_once(monkeypatch):
    """Each read walks from the document's start: past READ_ASKS asks the tree is built, once."""
    from kubelint.input import positions
    from kubelint.input.loader import READ_ASKS

    composed = []
    real = positions.compose_documents
    monkeypatch.setattr(positions, "compose_documents", lambda text, safe: composed.append(text) or real(text, safe))
    manifest = load_file("x.yaml", MANIFEST.encode()).manifests[0]
    for number in range(READ_ASKS + 3):
        assert manifest.position(("metadata", "namespace")) == Position(6, 14, 6, 18)
        assert len(composed) == (0 if number < READ_ASKS else 1)
