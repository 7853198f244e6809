"""The fast parse path must give exactly what the exact (Kubernetes-typed) loader gives, or
decline the file."""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint.input.discover import discover
from kubelint.input.yaml_fast import available, fast_load
from kubelint.input.yaml_k8s import load_documents
from tests.helpers import CORPUS, REPO

# yaml-rs is a dependency from Python 3.10 on (pyproject.toml); below that it cannot be
# installed and every file takes the exact path, so there is nothing to compare. Where it is a
# dependency, its absence is a broken install: the tests below fail rather than skip.
if sys.version_info < (3, 10) and not available():
    pytest.skip("yaml-rs cannot be installed on Python < 3.10: the fast path is off here, nothing to compare",
                allow_module_level=True)


def test_yaml_rs_is_installed_where_it_is_a_dependency():
    assert available(), "yaml-rs is a dependency on Python >= 3.10: pip install -e '.[test]'"


def exact(text):
    try:
        return comparable(load_documents(text))
    except Exception as exc:  # the fast path must decline what the exact one rejects
        return type(exc).__name__


def comparable(loaded):
    """Documents, and the start lines of the non-empty ones (empty documents are skipped,
    so where they start is never used)."""
    documents, lines = loaded
    # repr: NaN is not equal to itself, and 1 == 1.0 == True must not hide a type difference
    return repr(documents), [line for document, line in zip(documents, lines) if document is not None]


@pytest.mark.parametrize("text", [
    "a: yes\n", "a: Off\n", "a: y\n", "- n\n", "a: [x, y]\n", "a: -012\n", "y: 1\n", "on: 1\n",
    "80: x\n", "true: x\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "<<: {a: 1}\n", "%YAML 1.1\n---\na: 1\n",
    "a: 1\n...\n", "--- {a: 1}\n", "a:\n\t- 1\n", "a: 1\na: 2\n", "a: [\n", "? [a]\n: b\n", "{[a]: b}\n",
    "name: {{ .Values.name }}\n", "a: 'yes'\n", "a: +0x1F\n", "a: _1\n", "a: 99999999999999999999\n", "0644: x\n", "a: -0644\n", "a: 09\n",
    "a: 0644\nscript: |\n  0644\n", "a: 0644\nb: text\n  0755\n", "a: 0644\nb: '0o7'\n", "[a, b]: c\n", "a: 1\r\n---\r\nb: yes\r\n", "- :\n", "a: |\n  x", "a: |\n", "a: >-\n---\nb: 1\n",
    # deeper or later in the file than the cases above
    "a: -_1\n", "a: [1, _2]\n", "a: [0644, 09]\n", "a: 0644\nb: 0x1F\nc: +012\n", "a: 0644\n'0o1': x\n",
    "a:\n  b:\n    on: 1\n", "- a: 1\n  80: x\n", "a:\n- b: [1, {c: N}]\n", "a: 1\n---\nb: 2\n--- {c: 1}\n",
    "a: 1\n---\n%YAML 1.1\n", "a: 1\n---\nb: 1\n...\n", "a: 1\n---\nb: |\n---\nc: 1\n",
    # control characters kubectl refuses; NEL, LS and PS, line breaks in YAML 1.1 only
    "a: \x07\n", "a: '\x1b[0m'\n", "a: \x7f\n", "a: caf\u00e9 \x9f\n", "a: 1\n\x85b: 2\n", "a: x\u2028y\n", "a: x\u2029y\n",
])
def test_texts_that_yaml_1_2_reads_differently_take_the_exact_path(text):
    assert fast_load(text) is None


@pytest.mark.parametrize("text", [
    "a: 1\n", "---\na: 1\n---\nb: [x, z]\n", "mode: 0644\nmodes: [0644, 0755]\nm: 0644 # octal\nhex: 0x1F\n", "# header\n---\napiVersion: v1\n", 
    "a: 0.5\nb: 10\nc: 1e3\nd: .inf\nf: ~\ng: 2024-01-01\nh: 'quoted'\n", "a: |\n  text\n  more\n", "", "# only a comment\n",
    "a: 1\n---\n", "a: {b: 1, c: [x, z]}\n", "cmd: [sh, -c, 'echo no']\n",
    "---\n", "---\n---\n", "# c\n\n---\n# d\n\na: 1\n---\n\n\n- b\n--- # e\n---\nc: 2\n", "a: '---'\nb: -1\n",
    "a:\n- b: [1, {c: x}]\n  d: {e: [f]}\n", "a: [0644, 0x1F, 10]\nb: c_0\nd: x0644\n", "a: '...'\nb: 50%\nc: '%x'\n",
])
def test_fast_path_equals_exact_path(text):
    fast = fast_load(text)
    assert fast is not None
    assert comparable(fast) == exact(text)


def _all_files():
    roots = [os.path.join(REPO, "examples"), os.path.join(REPO, "tests", "rules", "cases")]
    if os.path.isdir(CORPUS):
        roots.append(CORPUS)
    return [item.real_path for item in discover(roots) if not item.real_path.endswith(".json")]


@pytest.mark.parametrize("share_strings", [False, True])
def test_fast_path_equals_exact_path_on_every_real_file(share_strings):
    taken = 0
    for path in _all_files():
        with open(path, "rb") as handle:
            try:
                text = handle.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                continue
        fast = fast_load(text, share_strings)
        if fast is not None:
            taken += 1
            assert comparable(fast) == exact(text), path
    assert taken > 100


SCALARS = st.one_of(
    st.sampled_from(["yes", "no", "on", "off", "y", "n", "Y", "N", "true", "False", "null", "~", "0644", "0x1F",
                     "1e3", "1_000", "0b101", "09", ".5", "+1", "-0", "2024-01-01", "1:20", "=", "<<", "*", "&a",
                     "!x", "a b", "#", "a #b", "- x", "[x]", "{y: 1}", "'q'", '"d"', ""]),
    st.text(alphabet="abyno01-_.:# \"'[]{},*&!", max_size=8),
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.text(alphabet="abcyn01_-", min_size=1, max_size=4), SCALARS), max_size=6),
       st.booleans())
def test_fast_path_never_disagrees_on_generated_mappings(pairs, as_list):
    lines = [f"- {value}" if as_list else f"{key}: {value}" for key, value in pairs]
    text = "\n".join(lines) + "\n"
    fast = fast_load(text)
    if fast is not None:
        assert comparable(fast) == exact(text)


TOKENS = st.sampled_from([
    "yes", "no", "on", "Off", "y", "N", "true", "null", "~", "0644", "0x1F", "1e3", "1_000", "0b101", "09", ".5",
    "+1", "-0", "2024-01-01", "1:20", "=", "<<", "*a", "&a", "!x", "a b", "#c", "- x", "[x, y]", "{y: 1}", "'q'",
    '"d"', "", "|", "|-", ">", "---", "...", "? k", ": v", "\t", "%", ",", "[", "]", "{", "}", "a:b", "a: b",
    "key: value", "-", '"a\\nb"'])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, 6), st.lists(TOKENS, min_size=1, max_size=4)), max_size=8))
def test_fast_path_never_disagrees_on_generated_documents(lines):  # noqa: D401
    """Lines of YAML-ish tokens at random indentation: whatever the fast path accepts, the
    exact loader must read the same way (20,000 examples ran clean when this was written)."""
    text = "\n".join(" " * indent + " ".join(tokens) for indent, tokens in lines) + "\n"
    for share_strings in (False, True):
        fast = fast_load(text, share_strings)
        if fast is not None:
            assert comparable(fast) == exact(text)
