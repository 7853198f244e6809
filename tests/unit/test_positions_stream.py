"""The event-stream locator gives exactly what locating in the composed tree gives, or
UNKNOWN where only the tree can answer (aliases, merge keys)."""

import glob
import os

import pytest
import yaml

from kubelint.findings import Position
from kubelint.input.positions import compose_documents, key_text, locate
from kubelint.input.positions_stream import UNKNOWN, locate_streaming

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TEXTS = [
    "a: 1\nb:\n  c: [1, {d: e}]\n  f: |\n    text\n    more\n\n# after\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports:\n  - port: 80\n"
    "    targetPort: http\n  - port: 443\n  selector: {app: web}\n",
    "{a: {b: [1, 2]}, c: d}\n",
    "- a\n- - b\n  - c\n-\n",
    "k:\n  - x: 1\n    y:\n  - z\n# trailing comment\n\n",
    "on: 1\n'on': 2\n1: one\n0x10: sixteen\n~: nothing\n!!str 2: two\n\"q\": quoted\n",
    "? [complex, key]\n: v\nafter: 1\n",
    "a: multi\n  line plain\nb: >-\n  folded\n  text\n",
    "--- # a comment on the document marker\nx:\n  y: z\n",
    "a: &anchor {b: 1}\nc: 2\nd: [1, 2]\n",
    "a: 1\nb: 2\n<<: {c: 3}\n",  # a direct key is found before or after a merge key
    "a: &x\n  b: 1\nlast: *x\n",  # the last value an alias: the collection's own end
    "s:\n- 1\n- &y [2]\n- *y\n",
    "? |\n  block key\n: v\n",  # a block scalar key ends at the start of the next line (END_OF_LINE)
    # Keys by their resolved tag: `!` leaves a plain scalar to be resolved (`on` is "true").
    "! on: 1\n!!bool yes: 2\n!!null x: 3\n!!str 4: four\n",
]

UNKNOWN_CASES = [
    ("a: &x {b: 1}\nc: *x\n", ("c",)),  # the node is an alias
    ("a: &x {b: 1}\nc: *x\n", ("c", "b")),  # the path goes through an alias
    ("base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n", ("m", "x")),  # the key could be merged
    ("base: &b {x: 1}\nm:\n  <<: *b\n", ("m", "missing")),
    ("", ("a",)),  # an empty document
    ("a: [1\n", ("a",)),  # a syntax error before the node
]


def _pointers(node, prefix=()):
    yield prefix
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield from _pointers(value, prefix + (key_text(key),))
        yield prefix + ("missing",)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            yield from _pointers(value, prefix + (index,))
        yield prefix + (len(node.value),)
        yield prefix + ("not-an-index",)
        yield prefix + (-1,)
    else:  # a pointer that goes on below a scalar stops at the scalar
        yield prefix + (0,)
        yield prefix + ("below",)


def _agree(text, read=None):
    """(pointers compared, pointers left unanswered) for every pointer of `text`, read by
    `read(pointer, anchor)` (the event stream unless given) and compared with the composed tree."""
    read = read or (lambda pointer, anchor: locate_streaming(text, pointer, anchor))
    root = compose_documents(text, False)[0]
    compared = unknown = 0
    for pointer in _pointers(root):
        for anchor in ("value", "key"):
            found = read(pointer, anchor)
            if found is UNKNOWN:
                unknown += 1
                continue
            assert found == locate(root, pointer, anchor), (text, pointer, anchor)
            compared += 1
    return compared, unknown


@pytest.mark.parametrize("text", TEXTS)
def test_streamed_positions_are_the_composed_ones(text):
    compared, unknown = _agree(text)
    assert compared > 0
    if "*" not in text and "<<" not in text:  # without aliases or merges every pointer is answered
        assert unknown == 0


@pytest.mark.parametrize("text, pointer", UNKNOWN_CASES)
def test_aliases_and_merges_are_left_to_composing(text, pointer):
    assert locate_streaming(text, pointer, "value") is UNKNOWN


def test_examples_agree():
    """Every pointer of every bundled example document (first document of each slice)."""
    compared = 0
    for path in sorted(glob.glob(os.path.join(REPO, "examples", "**", "*.yaml"), recursive=True)):
        text = open(path, encoding="utf-8").read()
        lines = text.split("\n")
        for root in compose_documents(text, False):
            if root is not None:
                compared += _agree("\n".join(lines[root.start_mark.line:]) + "\n")[0]
    assert compared > 1000


def test_exact_positions():
    text = TEXTS[1]
    assert locate_streaming(text, ("metadata", "namespace"), "value") == Position(5, 14, 5, 18)
    assert locate_streaming(text, ("metadata", "namespace"), "key") == Position(5, 3, 5, 12)
    assert locate_streaming(text, ("spec", "ports", 1, "port"), "value") == Position(10, 11, 10, 14)
    # A block mapping ends with its last value, not at the next key.
    assert locate_streaming(text, ("spec", "ports", 0), "value") == Position(8, 5, 9, 21)
    # Out of range: the sequence itself; a missing key: the mapping, or its key with anchor "key".
    assert locate_streaming(text, ("spec", "ports", 5), "value") == Position(8, 3, 10, 14)
    assert locate_streaming(text, ("metadata", "labels", "app"), "key") == Position(3, 1, 3, 9)
