"""The loader at its edges: size and binary limits, which parser reads a file, what each kind
of bad document becomes, JSON's own errors, List items, and positions when the text is gone."""

from __future__ import annotations

import pytest

from kubelint.findings import Position
from kubelint.input import loader
from kubelint.input.loader import SourceFile, load_file, read_text


def issues(text, path="x.yaml", **options):
    result = load_file(path, text.encode() if isinstance(text, str) else text, **options)
    return [(i.rule, tuple(i.position), i.message, i.json_path) for i in result.issues]


def manifests(text, path="x.yaml"):
    result = load_file(path, text.encode())
    return [(m.ref.kind, m.ref.namespace, m.ref.name, m.base) for m in result.manifests], result.skipped


# --- bytes -----------------------------------------------------------------------------------

def test_size_limit_is_inclusive():
    assert read_text("x", b"a" * 10, max_size=10) == ("a" * 10, [])
    [issue] = read_text("x", b"a" * 11, max_size=10)[1]
    assert (issue.rule, issue.position, issue.message) == (
        "KL007", Position(1, 1, 1, 1),
        "file is 11 bytes, over the 10-byte limit; raise it with --max-file-size if it is really a manifest")
    assert "10,485,760-byte limit" in read_text("x", b"a" * (10 * 1024 * 1024 + 1))[1][0].message
    assert read_text("x", b"a" * (10 * 1024 * 1024))[1] == []


def test_binary_means_a_nul_byte_in_the_first_8_kib():
    [issue] = read_text("x", b"a" * 8191 + b"\x00")[1]
    assert (issue.rule, issue.message) == ("KL006", "binary file, not YAML or JSON text")
    assert read_text("x", b"a" * 8192 + b"\x00")[1] == []  # later NULs are the YAML parser's business


def test_invalid_utf8_names_the_byte_and_its_line():
    [issue] = read_text("x", b"a: 1\nb: caf\xe9\n")[1]
    assert (issue.rule, issue.position, issue.message) == (
        "KL006", Position(2, 1, 2, 1), "not UTF-8 text (invalid byte 0xe9); Kubernetes manifests must be UTF-8")


def test_a_byte_order_mark_is_dropped():
    assert read_text("x", b"\xef\xbb\xbfa: 1\n") == ("a: 1\n", [])


# --- which parser ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, deep", [
    ("[" * 2000 + "{" * 2000, False), ("[" * 2000 + "{" * 2001, True),
    ("a:\n" + " " * 999 + "b", False), ("a:\n" + " " * 1000 + "b", True), ("-" * 1000, True),
    ("x: " + "-" * 1000, False),  # not at a line start
])
def test_deeply_nested_text_takes_the_pure_python_parser(text, deep):
    assert loader.DEEP_NESTING_BRACKETS == 4000
    assert load_file("x.yaml", text.encode()).source.safe_parser is deep


def test_json_files_are_parsed_as_json_only_when_they_look_like_json():
    assert manifests('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}', "c.json") == (
        [("ConfigMap", None, "a", ())], 0)
    # YAML in a .json file is read as YAML.
    assert manifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n", "c.json") == (
        [("ConfigMap", None, "b", ())], 0)
    # A .yaml file with JSON in it is YAML (a superset): no JSON-only errors.
    assert issues('{"a": 1, "a": 2}', "c.yaml") == [("KL002", (1, 10, 1, 10), 'duplicate key "a" (first defined on line 1)', "")]


# --- JSON's own errors ------------------------------------------------------------------------

def test_json_duplicate_key_at_the_second_one():
    text = '{"apiVersion": "v1", "kind": "ConfigMap",\n "metadata": {"name": "a", "labels": {"x": "1",\n "x": "2"}}}'
    assert issues(text, "c.json") == [("KL002", (3, 2, 3, 2), 'duplicate key "x" (first defined on line 2)', "")]


@pytest.mark.parametrize("text, position, first", [
    ('\n{"a": 1,\n "a": 2}', (3, 2, 3, 2), 2),  # a file that starts with a newline
    ('\n{"a": 1, "a": 2}', (2, 10, 2, 10), 2),
    ('{"a": 1,\n\n "a": 2}', (3, 2, 3, 2), 1),
    # The key is written differently the second time: its first spelling is all there is to show.
    ('{"a": 1,\n "\\u0061": 2}', (1, 1, 1, 1), 1),
    ('{"\u00e9": 1, "\u00e9": 2}', (1, 1, 1, 1), 1),  # not found as json.dumps writes it
])
def test_json_duplicate_key_positions(text, position, first):
    [(rule, where, message, _)] = issues(text, "c.json")
    assert (rule, where) == ("KL002", position)
    assert message.endswith(f"(first defined on line {first})")


@pytest.mark.parametrize("text, message", [
    (' \n {"a": 1,,}', "JSON syntax error: Expecting property name enclosed in double quotes"),
    ("[1,,]", "JSON syntax error: Expecting value"),
])
def test_json_is_read_as_json_after_leading_whitespace_and_as_an_array(text, message):
    [(rule, _, found, _)] = issues(text, "c.json")
    assert (rule, found) == ("KL001", message)


def test_json_syntax_error_and_depth():
    assert issues('{"a": 1,,}', "c.json") == [
        ("KL001", (1, 9, 1, 9), "JSON syntax error: Expecting property name enclosed in double quotes", "")]
    assert issues("[" * 100000 + "]" * 100000, "c.json") == [
        ("KL009", (1, 1, 1, 1), "nesting too deep to be a Kubernetes manifest", "")]


def test_a_json_array_is_not_a_list_of_manifests():
    assert issues(' [{"apiVersion": "v1", "kind": "ConfigMap"}]', "c.json") == [
        ("KL004", (1, 1, 1, 1), "a manifest must be a mapping with apiVersion and kind, not a list", "")]


@pytest.mark.parametrize("path, text, read_as", [
    ("x.json", '{"a": [1]}', (True, False, False)),  # JSON: no aliases, no YAML parser
    ("x.yaml", "a: [1]\n", (False, False, False)),  # the fast path, which refuses aliases
    ("x.yaml", "a: &x [1]\nb: *x\n", (False, False, True)),  # the exact loader, which takes them
    ("x.yaml", "a: [" + ", ".join(["[]"] * 4001) + "]\n", (False, True, False)),  # many brackets: pure Python
])
def test_parse_documents_says_how_it_read_the_text(path, text, read_as):
    parsed = loader.parse_documents(path, text)
    assert (parsed.is_json, parsed.safe_parser, parsed.may_alias) == read_as
    assert parsed.error is None and len(parsed.documents) == 1 and parsed.lines == [0]


# --- YAML errors --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("a: 1\nb: 2\na: 3\n", ("KL002", (3, 1, 3, 1), 'duplicate key "a" (first defined on line 1)')),
    ("a: !!python/name:os.system x\n",
     ("KL010", (1, 4, 1, 4), "tag !!python/name:os.system is refused: manifests are loaded safely and may not "
                             "construct objects")),
    ("a: b: c\n", ("KL001", (1, 5, 1, 5), "YAML syntax error: mapping values are not allowed in this context")),
    ("a: [1, 2\n", ("KL001", (2, 1, 2, 1), "YAML syntax error: did not find expected ',' or ']' "
                                           "(while parsing a flow sequence)")),
    ("\tkey: 1\n", ("KL001", (1, 1, 1, 1), "YAML syntax error: tabs are not allowed for indentation; indent with spaces")),
    ("a: 1\nkey: {{ .Values.x }}\n",
     ("KL003", (2, 6, 2, 21), "this looks like a Helm or Go template ({{ ... }}); render it first: "
                              "helm template RELEASE CHART | kubelint check -")),
])
def test_yaml_errors(text, expected):
    assert issues(text) == [expected + ("",)]


# --- documents after a broken one (kubectl splits the stream at its `---` lines first) ----------

def test_every_broken_document_is_reported_where_it_breaks_and_the_others_are_read():
    text = "a: 1\n---\nb: {x: 1, x: 2}\n---\nc: [\n---\nd: 1\n---\n\t- e\n"
    result = load_file("x.yaml", text.encode())
    assert [(i.rule, tuple(i.position), i.message) for i in result.issues] == [
        ("KL002", (3, 11, 3, 11), 'duplicate key "x" (first defined on line 3)'),
        ("KL001", (6, 1, 6, 1), "YAML syntax error: did not find expected node content (while parsing a flow node)"),
        ("KL001", (9, 1, 9, 1), "YAML syntax error: tabs are not allowed for indentation; indent with spaces")]
    # a, the broken b (from its `---`), the broken c (from its first line: the `---` before it
    # closed b) and d; the last broken document runs to the end of the file.
    assert result.source.document_lines == [0, 1, 4, 6]


@pytest.mark.parametrize("row, separator", [
    ("---", True), ("---   ", True), ("--- # a comment", True),
    ("--- a: 1", False), ("---a", False), ("----", False), (" ---", False), ("", False),
])
def test_a_separator_is_three_dashes_and_nothing_but_spaces_or_a_comment(row, separator):
    # k8s.io/apimachinery/pkg/util/yaml YAMLReader.Read: "---" at the start of a line, then
    # only spaces or a comment.
    assert loader._is_separator(row) is separator


ROWS = "a: 1\n---\nb: [\n---\nc: 1\n"


@pytest.mark.parametrize("text, line, bounds", [
    (ROWS, 2, (1, 4)),  # opened by the `---` above it, closed by the one below
    (ROWS, 3, (1, 4)),  # an error on the closing `---` ("got document start") is the document's own
    ("x: 1\n---\na:\n  [\n", 3, (1, None)),  # no `---` after it: it runs to the end
    ("a: [\n---\nb: 1\n", 0, (0, 2)),  # the first document opens at line 0
    ("a: [\n---\nb: 1\n", 1, (0, 2)),
    ("---\na: [\n---\nb: 1\n", 0, (0, 3)),  # the `---` that opens it does not close it
    ("a: [\n---", 0, (0, 2)),
    ("a: 1\n---\nb: [", 2, (1, None)),  # the last line, without a line end
    ("a: 1\n---\nb: [", 99, (1, None)),  # a line past the end is read as the last
])
def test_a_broken_document_s_bounds(text, line, bounds):
    assert loader._document_bounds(text, line) == bounds


def test_text_at_is_the_text_a_one_line_position_spans():
    source = SourceFile("x.yaml", "mode: 0644 # octal\nb: [1,\n  2]\nlast: x")
    assert source.text_at(Position(1, 7, 1, 11)) == "0644"
    assert source.text_at(Position(4, 7, 4, 8)) == "x"  # the last line, with no line end after it
    assert source.text_at(Position(2, 4, 3, 5)) == ""  # over two lines
    assert source.text_at(Position(0, 1, 0, 5)) == ""  # outside the file
    assert source.text_at(Position(5, 1, 5, 5)) == ""


# --- documents that are not manifests ----------------------------------------------------------

NOT_A_MAPPING = "a manifest must be a mapping with apiVersion and kind, not a "


def test_top_level_documents_of_every_type():
    text = "- 1\n---\ntrue\n---\n1.5\n---\nnull\n---\n~\n---\n'x'\n---\n7\n"
    assert issues(text) == [("KL004", (1, 1, 1, 1), NOT_A_MAPPING + "list", ""),
                            ("KL004", (3, 1, 3, 1), NOT_A_MAPPING + "boolean", ""),
                            ("KL004", (5, 1, 5, 1), NOT_A_MAPPING + "number", ""),
                            ("KL004", (11, 1, 11, 1), NOT_A_MAPPING + "string", ""),
                            ("KL004", (13, 1, 13, 1), NOT_A_MAPPING + "number", "")]


def test_list_items_each_become_an_object_or_a_finding_at_the_item():
    text = ("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n"
            "- 5\n- [1]\n- {kind: Pod}\n- {foo: bar}\n- null\n- true\n- text\n")
    assert issues(text) == [
        ("KL004", (7, 3, 7, 4), NOT_A_MAPPING + "number", "/items/1"),
        ("KL004", (8, 3, 8, 6), NOT_A_MAPPING + "list", "/items/2"),
        ("KL005", (9, 3, 9, 14), "not a valid manifest: apiVersion is missing", "/items/3"),
        ("KL004", (11, 3, 11, 7), NOT_A_MAPPING + "null", "/items/5"),
        ("KL004", (12, 3, 12, 7), NOT_A_MAPPING + "boolean", "/items/6"),
        ("KL004", (13, 3, 13, 7), NOT_A_MAPPING + "string", "/items/7")]
    assert manifests(text) == ([("ConfigMap", None, "a", ("items", 0))], 1)  # {foo: bar} is no manifest


@pytest.mark.parametrize("text", ["apiVersion: v1\nkind: ConfigMapList\nitems: 5\n",
                                  "apiVersion: v1\nkind: ConfigMapList\n"])
def test_a_list_kind_without_an_items_list_is_one_object(text):
    assert manifests(text) == ([("ConfigMapList", None, None, ())], 0)


def test_every_problem_with_api_version_and_kind_is_named():
    assert issues("apiVersion: 5\nkind: [a]\n") == [
        ("KL005", (1, 1, 1, 1), "not a valid manifest: apiVersion must be a string, not 5; "
                                "kind must be a string, not ['a']", "")]
    assert issues("apiVersion: ''\nkind: null\n") == [
        ("KL005", (1, 1, 1, 1), "not a valid manifest: apiVersion is empty; kind is empty", "")]


@pytest.mark.parametrize("metadata, namespace, name", [
    ("{name: web, namespace: shop}", "shop", "web"),
    ("{generateName: gen-}", None, "gen-"),
    ("{name: web, generateName: gen-}", None, "web"),
    ("{name: 5, namespace: 7}", None, None),
    ("[x]", None, None),
    ("null", None, None),
])
def test_object_identity_from_metadata(metadata, namespace, name):
    assert manifests(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {metadata}\n") == (
        [("ConfigMap", namespace, name, ())], 0)


def test_empty_and_comment_only_documents_are_not_counted():
    assert manifests("---\n# nothing\n---\n\n---\napiVersion: v1\nkind: ConfigMap\n") == (
        [("ConfigMap", None, None, ())], 0)


# --- positions ---------------------------------------------------------------------------------

TWO_DOCUMENTS = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\ndata:\n  k: 1\n"


def test_positions_read_the_file_again_when_its_text_was_dropped(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(TWO_DOCUMENTS)
    source = load_file(str(path), TWO_DOCUMENTS.encode()).source
    source.forget_text(str(path))
    assert source.text == ""
    assert source.position(1, ("data", "k")) == Position(8, 6, 8, 7)
    assert source.text == TWO_DOCUMENTS


def test_released_positions_drop_the_text_that_can_be_read_again(tmp_path):
    """A large run releases a file's positions once its objects are checked: the text read
    again is dropped (and read once more if asked), a text never forgotten is kept."""
    path = tmp_path / "x.yaml"
    path.write_text(TWO_DOCUMENTS)
    from kubelint.input.reading import read_file

    source = load_file(str(path), TWO_DOCUMENTS.encode()).source
    source.identity = read_file(str(path), 10**6).identity  # the file as the run read it
    kept = load_file("y.yaml", TWO_DOCUMENTS.encode()).source
    source.forget_text(str(path))
    for each in (source, kept):
        assert each.position(1, ("data", "k")) == Position(8, 6, 8, 7)
        assert each.position(1, ("data",)) == Position(8, 3, 8, 7)
        each.release_positions()
        assert (each._nodes, each._lines, each._asked) == ({}, None, None)
    assert (source.text, kept.text) == ("", TWO_DOCUMENTS)
    assert source.position(0, ("metadata", "name")) == Position(3, 18, 3, 19)
    path.write_text(TWO_DOCUMENTS.replace("name: a", "name: bb"))  # changed since it was read
    source.release_positions()
    assert source.position(0, ("metadata", "name")) == Position(1, 1, 1, 1)
    assert source._reread_from is None  # not tried again for the next finding


@pytest.mark.parametrize("text, position", [
    ("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: \"x\x07\"\n", (4, 8, 4, 8)),
    ("\x1b[0m\n", (1, 1, 1, 1)),
    ("a: 1\n\n b: \x7f", (3, 5, 3, 5)),
    ("a: \"ééé\x07\"\n", (1, 8, 1, 8)),  # in characters, though libyaml counts UTF-8 bytes
    ("a: x\ufffey\n", (1, 5, 1, 5)),  # a noncharacter, which the fast path would take (go-yaml is_printable)
])
def test_control_characters_are_refused_where_they_are(text, position):
    character = next(c for c in text if c in "\x07\x1b\x7f\ufffe")
    assert issues(text) == [("KL001", position, f"YAML syntax error: character #x{ord(character):04x} is not allowed "
                                                "(control characters are refused, as kubectl refuses them)", "")]
    # The pure-Python parser's reader (which counts in characters) says the same, at the same place.
    deep = "[" * 2001 + "{" * 2001 + "\n"
    [(rule, (line, column, end_line, end_column), message, path)] = issues(deep + text)
    assert [(rule, (line - 1, column, end_line - 1, end_column), message, path)] == issues(text)


def test_yaml_1_1_line_breaks_end_lines():
    assert load_file("x.yaml", "a: 1\x85b: 2\n".encode()).manifests == []
    assert manifests("apiVersion: v1\x85kind: ConfigMap\n") == ([("ConfigMap", None, None, ())], 0)


def test_every_document_that_is_no_manifest_is_counted():
    assert manifests("foo: bar\n---\nbaz: 1\n---\napiVersion: v1\nkind: ConfigMap\n") == (
        [("ConfigMap", None, None, ())], 2)


def test_deep_yaml_is_one_finding():
    assert issues("a:\n" + "- " * 3000 + "x\n") == [
        ("KL009", (1, 1, 1, 1), "nesting too deep to be a Kubernetes manifest", "")]


THREE = "a: 1\n---\n# second\nb:\n  c: [1]\n---\nd: 2\n"


def test_only_the_document_s_own_lines_are_composed_once(monkeypatch):
    """A document's first READ_ASKS positions are located from its event stream; a later
    one composes that document alone, and once (DESIGN §2: lazy positions); and with the
    parser the file was read with. (Its documents' lines would answer first: see
    test_positions_text; here they answer nothing.)"""
    from kubelint.input import positions, positions_stream, positions_text
    from kubelint.input.loader import READ_ASKS

    monkeypatch.setattr(positions_text, "locate_text", lambda lines, start, end, pointer, anchor: None)
    composed, streamed = [], []
    real, real_stream = positions.compose_documents, positions_stream.locate_streaming
    monkeypatch.setattr(positions, "compose_documents", lambda text, safe: composed.append((text, safe)) or real(text, safe))
    monkeypatch.setattr(positions_stream, "locate_streaming",
                        lambda text, pointer, anchor: streamed.append(text) or real_stream(text, pointer, anchor))
    source = load_file("x.yaml", THREE.encode()).source
    assert source.document_lines == [0, 3, 6]
    second = "b:\n  c: [1]\n---\n"
    asked = [(("b", "c"), Position(5, 6, 5, 9)), (("b",), Position(5, 3, 5, 9)),
             (("b", "c", 0), Position(5, 7, 5, 8))]
    for number in range(READ_ASKS + 2):  # past the streamed ones: composed, then the tree kept
        pointer, expected = asked[number % len(asked)]
        assert source.position(1, pointer) == expected
        assert len(streamed) == min(number + 1, READ_ASKS)
        assert composed == ([] if number < READ_ASKS else [(second, False)])
    assert source.position(2, ("d",)) == Position(7, 4, 7, 5)
    assert source.position(0, ("a",)) == Position(1, 4, 1, 5)
    assert streamed == [second] * READ_ASKS + ["d: 2\n", "a: 1\n---\n# second\n"]
    assert composed == [(second, False)]
    composed.clear()
    brackets = "x: [" + ", ".join(["[]"] * 4001) + "]\n---\n"  # many brackets, little depth
    deep = load_file("x.yaml", (brackets + THREE).encode()).source
    assert deep.safe_parser and deep.position(3, ("d",)) == Position(9, 4, 9, 5)
    assert composed == [("d: 2\n", True)]


def test_a_document_the_stream_cannot_answer_is_not_streamed_again(monkeypatch):
    """An alias on the way: the event stream says UNKNOWN, the document is composed, and its
    later positions come from that tree."""
    from kubelint.input import positions, positions_stream

    composed, streamed = [], []
    real, real_stream = positions.compose_documents, positions_stream.locate_streaming
    monkeypatch.setattr(positions, "compose_documents", lambda text, safe: composed.append(text) or real(text, safe))
    monkeypatch.setattr(positions_stream, "locate_streaming",
                        lambda text, pointer, anchor: streamed.append(text) or real_stream(text, pointer, anchor))
    source = load_file("x.yaml", b"a: &x {c: 1}\nb: *x\n").source
    assert source.position(0, ("b", "c")) == Position(1, 11, 1, 12)  # the anchored node
    assert source.position(0, ("a",)) == Position(1, 4, 1, 13)
    assert len(streamed) == 1 and len(composed) == 1


def test_a_source_without_document_lines_is_composed_whole():
    assert SourceFile("x.yaml", "a: 1\n").position(0, ("a",)) == Position(1, 4, 1, 5)


def test_the_whole_file_is_composed_with_the_file_s_parser(monkeypatch):
    from kubelint.input import positions

    composed = []
    real = positions.compose_documents
    monkeypatch.setattr(positions, "compose_documents", lambda text, safe: composed.append(safe) or real(text, safe))
    source = SourceFile("x.yaml", "a: [1,\n]\nb: 3\n", safe_parser=True, document_lines=[0, 1])
    assert source.position(1, ("b",)) == Position(2, 1, 2, 1)
    assert composed == [True, True]  # the slice, then the whole file


def test_a_document_past_the_last_is_located_at_the_start():
    source = load_file("x.yaml", THREE.encode()).source
    assert source.position(3, ("d",)) == Position(1, 1, 1, 1)


def test_the_whole_file_is_read_again_for_each_fallback(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: [1,\n]\nb: 3\n")
    source = SourceFile(str(path), "a: [1,\n]\nb: 3\n", document_lines=[0, 1])
    source.forget_text(str(path))
    assert source.position(0, ("a",)) == Position(1, 4, 2, 2)
    assert source.position(1, ("b",)) == Position(2, 1, 2, 1)


def test_a_document_slice_that_does_not_parse_alone_is_located_in_the_whole_file():
    # Document lines that cut a flow sequence in two: neither slice parses alone.
    source = SourceFile("x.yaml", "a: [1,\n]\nb: 3\n", document_lines=[0, 1])
    assert source.position(0, ("a",)) == Position(1, 4, 2, 2)
    assert source.position(0, ("b",)) == Position(3, 4, 3, 5)
    # The whole file has one document: the second is found nowhere, so its first line.
    assert source.position(1, ("b",)) == Position(2, 1, 2, 1)
    assert source.position(7, ("b",)) == Position(1, 1, 1, 1)


def test_a_manifest_releases_its_data_only_when_it_can_unpack_it_again():
    from kubelint.findings import ObjectRef
    from kubelint.input.loader import Manifest

    class Store:
        def __init__(self):
            self.loads = []

        def load(self, offset, length):
            self.loads.append((offset, length))
            return {"kind": "ConfigMap"}

    source = SourceFile("x.yaml", "kind: ConfigMap\n", document_lines=[0])
    ref = ObjectRef("v1", "ConfigMap", None, "c")
    plain = Manifest(source, 0, (), {"kind": "ConfigMap"}, ref)
    assert plain.unpacked and plain.release() is False and plain.unpacked  # nothing to unpack from: kept

    store = Store()
    packed = Manifest(source, 0, (), None, ref, packed=(store, 5, 9))
    assert not packed.unpacked
    assert packed.data == {"kind": "ConfigMap"} and packed.unpacked and store.loads == [(5, 9)]
    assert packed.data is packed.data and store.loads == [(5, 9)]  # unpacked once
    assert packed.release() is True and not packed.unpacked
    assert packed.data == {"kind": "ConfigMap"} and store.loads == [(5, 9), (5, 9)]

    kept = Manifest(source, 0, (), {"kind": "ConfigMap"}, ref)
    kept.keep_packed((store, 1, 2))
    assert kept.release() is True and not kept.unpacked
    assert kept.data == {"kind": "ConfigMap"} and store.loads[-1] == (1, 2)
