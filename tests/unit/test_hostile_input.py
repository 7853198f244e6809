"""Issue 13, class 1: every input is read and measured with a bound. Each example of the issue
(a self-referencing alias, a FIFO, /dev/zero, a huge file, quadratic regexes, thousands of
small alias documents, an unlistable directory) gives a finding in bounded time and memory,
and the other files are still checked. Times are generous (the machine is shared); the inputs
are the issue's, or small ones that took time or memory in proportion before."""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import time
import tracemalloc

import pytest

from kubelint.input import discover as discover_module
from kubelint.input.discover import discover
from kubelint.input.loader import (
    Expansion,
    SourceFile,
    _most_brackets_in_a_document,
    _template_expression,
    expanded_size,
    load_file,
)
from kubelint.input.reading import read_file, read_stdin
from kubelint.input.rendered import SourceComments
from tests.helpers import run_paths, write_file

OK = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  a: b\n"


@contextlib.contextmanager
def within(seconds: float):
    """Fail (instead of hanging the suite) when the block runs longer than `seconds`."""
    def expire(*_):
        raise TimeoutError(f"took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.perf_counter()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.perf_counter() - start < seconds


def found(result):
    return [(os.path.basename(f.path), f.rule, f.line, f.message) for f in result.active()]


def test_a_self_referencing_alias_is_refused_and_the_other_files_are_checked(tmp_path):
    write_file(f"{tmp_path}/cycle.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: &a [*a]\n")
    write_file(f"{tmp_path}/ok.yaml", OK)
    with within(5):
        result = run_paths([str(tmp_path)], select=["KL0"])
    assert found(result) == [("cycle.yaml", "KL008", 1, "an alias refers to a node that contains it, so the "
                                                        "document is infinite: refused")]
    assert result.files == 2 and result.objects == 1


def test_an_alias_cycle_through_a_mapping_is_found_too():
    loaded = load_file("x.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: x\n  labels: {a: *m}\n")
    assert [i.rule for i in loaded.issues] == ["KL008"] and loaded.manifests == []


def test_expansion_counts_a_shared_node_once_as_written_and_at_each_use_expanded():
    shared = [1, 2]
    # Written: the mapping and the list (containers), their scalars ("x", 1, 2); expanded: the
    # list (3 nodes) twice, the mapping and "x".
    assert expanded_size({"a": shared, "b": shared, "c": "x"}) == Expansion(8, 2, 5, False)
    assert expanded_size([]) == Expansion(1, 1, 1, False)


def test_shared_but_acyclic_aliases_are_not_a_cycle():
    loaded = load_file("x.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
                                 b"data: {a: &v [1, 2], b: [*v, *v], c: *v}\n")
    assert loaded.issues == [] and len(loaded.manifests) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(f"{tmp_path}/pipe.yaml")
    write_file(f"{tmp_path}/ok.yaml", OK)
    with within(5):
        result = run_paths([str(tmp_path)], select=["KL0"])
    assert found(result) == [("pipe.yaml", "KL006", 1, "cannot read file: not a regular file (a named pipe)")]
    assert result.objects == 1


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_symlink_to_dev_zero_is_refused_without_reading_it(tmp_path):
    os.symlink("/dev/zero", f"{tmp_path}/zero.yaml")
    write_file(f"{tmp_path}/ok.yaml", OK)
    with within(5):
        result = run_paths([str(tmp_path)], select=["KL0"])
    assert found(result) == [("zero.yaml", "KL006", 1, "cannot read file: not a regular file (a character device)")]


def test_a_file_over_the_limit_is_refused_without_reading_it(tmp_path):
    path = f"{tmp_path}/big.yaml"
    with open(path, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: reading it would take 200 MB
    tracemalloc.start()
    try:
        with within(5):
            result = run_paths([str(tmp_path)], select=["KL0"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found(result) == [("big.yaml", "KL007", 1, "file is 209,715,200 bytes, over the 10,485,760-byte limit; "
                                                      "raise it with --max-file-size if it is really a manifest")]
    assert peak < 5 * 1024 * 1024


def test_reading_stops_one_byte_past_the_limit():
    stream = io.BytesIO(b"x" * 1000)
    read = read_stdin(100, stream)
    assert read.data is None and read.too_large and stream.tell() == 101
    assert read_stdin(1000, io.BytesIO(b"x" * 1000)).data == b"x" * 1000


def test_a_file_that_grows_after_fstat_is_cut_at_the_limit(tmp_path, monkeypatch):
    path = f"{tmp_path}/x.yaml"
    write_file(path, "a: b\n")
    real_fstat = os.fstat

    def smaller(descriptor):  # the size fstat saw, before the file grew
        info = real_fstat(descriptor)
        return os.stat_result((info.st_mode, info.st_ino, info.st_dev, info.st_nlink, info.st_uid, info.st_gid,
                               1, info.st_atime, info.st_mtime, info.st_ctime))

    monkeypatch.setattr(os, "fstat", smaller)
    assert read_file(path, 100).data == b"a: b\n"
    assert read_file(path, 3).too_large


def test_an_unlistable_directory_is_reported_not_skipped(tmp_path, monkeypatch):
    write_file(f"{tmp_path}/a/ok.yaml", OK)
    write_file(f"{tmp_path}/b/hidden.yaml", OK)
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("/b"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(discover_module.os, "scandir", scandir)
    inputs = discover([str(tmp_path)])
    assert [(os.path.relpath(i.path, tmp_path), i.problem) for i in inputs] == [
        ("a/ok.yaml", None), ("b", "cannot read directory: Permission denied")]
    result = run_paths([str(tmp_path)], select=["KL0"])
    assert found(result) == [("b", "KL006", 1, "cannot read directory: Permission denied")]


def test_a_long_line_of_braces_with_a_syntax_error_is_linear():
    text = "a: b\n" + "{" * 80_000 + "\n: : :\n"
    with within(5):
        loaded = load_file("t.yaml", text.encode())
    assert [i.rule for i in loaded.issues] == ["KL001"]


@pytest.mark.parametrize("text, expected", [
    ("a: {{ .Values.x }}\n", (3, 18)), ("{{}}", (0, 4)), ("{{{}}", (0, 5)), ("{{\n}}", None),
    ("{{ a\nb: {{ c }} }}", (8, 15)), ("x", None),
    ("{{\n}}\n", None),  # `}}` on a later line closes nothing
    ("a}}{{ x\n", None),  # nor one before the `{{`
    ("{{ a\n{{ b }}\n{{ c }}\n", (5, 12)),  # the first that closes on its line
])
def test_template_expressions_are_found_as_the_regex_found_them(text, expected):
    match = re.search(r"\{\{.*?\}\}", text)
    assert (match.span() if match else None) == expected
    assert _template_expression(text) == expected


def test_a_source_comment_with_a_long_run_of_spaces_is_linear():
    # A comment counts where Helm writes it: opening a document (the first line, or after ---).
    text = "# Source: a" + " " * 80_000 + "b\n" + OK + "---\n# Source: chart/templates/x.yaml \n" + OK
    with within(2):
        comments = SourceComments(text)
    assert comments.attribute(10) == ("chart/templates/x.yaml", 1)
    assert comments.attribute(3) == ("a" + " " * 80_000 + "b", 2)
    assert not SourceComments("#  Source: x\n# Source:  \n")


def test_thousands_of_small_alias_documents_are_bounded_by_the_file_size():
    document = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n"
                "  a: &a [x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                "  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n")
    text = "---\n".join([document] * 500)
    with within(10):
        loaded = load_file("many.yaml", text.encode())
    # Each document adds 9,121 nodes; the file's 116,500 bytes allow 4 per byte: 51 documents.
    assert len(loaded.manifests) == 51
    assert {i.rule for i in loaded.issues} == {"KL008"} and len(loaded.issues) == 449
    assert "more than this file's size allows" in loaded.issues[0].message


def test_brackets_are_counted_per_document_for_the_nesting_guard():
    many = "---\n".join(["a: [1, {b: 2}]\n"] * 3000)
    assert _most_brackets_in_a_document(many) == 2
    deep = "a: " + "[" * 5000 + "]" * 5000 + "\n---\nb: 1\n"
    assert _most_brackets_in_a_document(deep) == 5000


def test_positions_fall_back_to_the_document_line_when_the_file_changed(tmp_path):
    path = f"{tmp_path}/x.yaml"
    write_file(path, OK + "---\n" + OK)
    with open(path, "rb") as handle:
        data = handle.read()
    from kubelint.input.reading import read_file as read

    loaded = load_file(path, data)
    loaded.source.identity = read(path, 1000).identity
    loaded.source.forget_text(path)
    write_file(path, "changed: [\n")  # rewritten while the run was going on
    assert loaded.manifests[1].position(("data", "a")) == (8, 1, 8, 1)

    again = load_file(path, data)
    again.source.identity = (0, 0, 0, 0)
    again.source.forget_text(path)
    os.remove(path)  # deleted while the run was going on
    assert again.manifests[0].position(("data", "a")) == (1, 1, 1, 1)


def _checked_then_forgotten(path):
    """A file loaded as a run loads it, whose text was then dropped (positions read it again)."""
    read = read_file(path, 1000)
    loaded = load_file(path, read.data)
    loaded.source.identity = read.identity
    loaded.source.forget_text(path)
    return loaded


def test_positions_are_not_read_from_a_file_that_changed_and_still_parses(tmp_path):
    path = f"{tmp_path}/x.yaml"
    write_file(path, OK)
    loaded = _checked_then_forgotten(path)
    # As long as before (so it is read within the old size), the same key a line lower, and a new
    # modification time: not the text that was checked.
    write_file(path, "\n" + OK.replace("name: ok", "name: o"))
    os.utime(path, ns=(10**18, 10**18))
    assert os.path.getsize(path) == len(OK)
    assert loaded.manifests[0].position(("data", "a")) == (1, 1, 1, 1)


def test_positions_read_an_unchanged_file_again(tmp_path):
    path = f"{tmp_path}/x.yaml"
    write_file(path, OK)
    loaded = _checked_then_forgotten(path)
    assert isinstance(loaded.source, SourceFile) and loaded.manifests[0].position(("data", "a")) == (6, 6, 6, 7)
