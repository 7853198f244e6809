"""Fuzzing the whole pipeline (issue 13): generated YAML and JSON documents, and real manifests
from ../shared/corpus mutated the ways an attacker or a broken generator would (truncated,
duplicated, retyped, control bytes inserted, nested, aliased), each loaded, checked and
written in every output format. No exception may escape, every output must parse, no line of
text or GitHub output may start with anything a CI log would read as a command, and no rule
may fail with an internal error.

The normal suite runs a bounded number of examples (derandomized: the same ones every run).
The long run is behind the `fuzz` marker and takes its example count from FUZZ_EXAMPLES:

    FUZZ_EXAMPLES=20000 python -m pytest -m fuzz tests/fuzz
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any, List
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint.cli import render
from kubelint.formatters.escape import CONTROL
from kubelint.input.loader import load_file
from kubelint.run.engine import Checker, Settings
from tests.helpers import CORPUS

FORMATS = ("text", "json", "github", "sarif", "junit")
BOUNDED = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "5000")), deadline=None,
                suppress_health_check=list(HealthCheck))

# -- the pipeline and what must hold ---------------------------------------------------------------

_CHECKER: List[Checker] = []


def checker() -> Checker:
    """One Checker for every example: building the registry and schema store each time would
    cost more than the example."""
    if not _CHECKER:
        _CHECKER.append(Checker(Settings()))
    return _CHECKER[0]


def check_bytes(path: str, data: bytes) -> None:
    result = checker().check_loaded([load_file(path, data)])
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1, finding
        assert not finding.message.startswith("internal error"), finding
    for name in FORMATS:
        output = render(result, name, False, None)
        output.encode("utf-8")  # no lone surrogate reaches an encoder
        if name in ("json", "sarif"):
            json.loads(output)
        elif name == "junit":
            ET.fromstring(output.encode("utf-8"))
        else:
            assert not CONTROL.search(output.replace("\n", "")), (name, output)
            for line in output.splitlines():
                if name == "github":
                    assert line.startswith(("::error ", "::warning ", "::notice ", "kubelint: ")), line
                else:
                    assert not line.startswith("::"), line


# -- generated documents ---------------------------------------------------------------------------

KEYS = st.sampled_from(["apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations", "spec",
                        "data", "containers", "image", "ports", "items", "selector", "template", "replicas",
                        "rules", "x", "<<", "", "kubelint.io/ignore"])
PIECES = st.sampled_from(list("ab:-/.{}[]&*!#%|>'\"\\ \n\t\r") +
                         ["\x00", "\x1b", "\x07", "\x85", "\u2028", "\u202e", "\ud800", "\ufeff", "\u00e9",
                          "::error ", "{{ x }}", "..", "yes", "0o1"])
HOSTILE_TEXT = st.lists(PIECES, max_size=8).map("".join)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False),
                    HOSTILE_TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(KEYS, HOSTILE_TEXT), inner, max_size=4)),
    max_leaves=20)
KINDS = st.sampled_from([("v1", "Pod"), ("v1", "Service"), ("apps/v1", "Deployment"), ("v1", "ConfigMap"),
                         ("networking.k8s.io/v1", "Ingress"), ("batch/v1", "CronJob"), ("v1", "List"),
                         ("apiextensions.k8s.io/v1", "CustomResourceDefinition"), ("example.com/v1", "Thing"),
                         ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"), ("policy/v1", "PodDisruptionBudget")])


@st.composite
def manifests(draw: Any) -> dict:
    api_version, kind = draw(KINDS)
    document = {"apiVersion": api_version, "kind": kind, "metadata": {"name": draw(HOSTILE_TEXT)}}
    document.update(draw(st.dictionaries(KEYS, VALUES, max_size=4)))
    return document


def to_yaml(documents: List[Any]) -> str:
    import yaml

    return yaml.safe_dump_all(documents, allow_unicode=True)


def _generated_yaml(documents: List[Any]) -> None:
    try:
        text = to_yaml(documents)
    except (UnicodeEncodeError, Exception):  # PyYAML cannot emit some strings (lone surrogates)
        text = json.dumps(documents[0]) + "\n"
    check_bytes("gen.yaml", text.encode("utf-8", "surrogatepass"))


def _generated_json(document: Any) -> None:
    check_bytes("gen.json", json.dumps(document).encode("utf-8"))


@BOUNDED
@given(st.lists(manifests(), min_size=1, max_size=3))
def test_generated_yaml_documents(documents):
    _generated_yaml(documents)


@BOUNDED
@given(manifests())
def test_generated_json_documents(document):
    _generated_json(document)


# -- mutated corpus manifests ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def corpus_files() -> List[str]:
    found = []
    for directory, subdirs, names in os.walk(CORPUS):
        subdirs.sort()
        found.extend(os.path.join(directory, n) for n in sorted(names) if n.endswith((".yaml", ".yml", ".json")))
    return [f for f in found if os.path.getsize(f) < 64 * 1024]


def _replace_value(data: bytes, at: int, value: bytes) -> bytes:
    """Give the mapping entry on the line at `at` another value (retype it)."""
    start = data.rfind(b"\n", 0, at) + 1
    end = data.find(b"\n", at)
    end = len(data) if end == -1 else end
    line = data[start:end]
    colon = line.find(b": ")
    if colon == -1:
        return data
    return data[:start] + line[:colon + 2] + value + data[end:]


MUTATIONS = {
    "truncate": lambda data, at, _: data[:at],
    "duplicate": lambda data, at, n: data[:at] + data[at:at + n * 40] + data[at:],
    "control": lambda data, at, n: data[:at] + bytes([n % 32 or 0x1B]) + data[at:],
    "retype": lambda data, at, n: _replace_value(data, at, [b"[]", b"{}", b"12", b"yes", b"~", b"'x'", b"0x1F",
                                                              b"[[[[[[", b"!!python/object:os.system x",
                                                              b"\"\\ud800\"", b"*missing", b"1e999"][n % 12]),
    "nest": lambda data, at, n: _replace_value(data, at, b"[" * (n * 40) + b"1" + b"]" * (n * 40)),
    "alias": lambda data, at, n: _replace_value(_replace_value(data, at, b"&a [x, x, x, x]"), len(data) - 1,
                                                b"[*a, *a, *a, *a]"),
    "cycle": lambda data, at, _: _replace_value(data, at, b"&c [*c]"),
    "invalid-utf8": lambda data, at, _: data[:at] + b"\xff\xfe" + data[at:],
    "crlf": lambda data, at, _: data.replace(b"\n", b"\r\n"),
    "template": lambda data, at, _: data[:at] + b"{{ .Values.x }}" + data[at:],
}


@st.composite
def mutated(draw: Any) -> tuple:
    files = corpus_files()
    path = draw(st.sampled_from(files))
    with open(path, "rb") as handle:
        data = handle.read()
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(MUTATIONS)))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        data = MUTATIONS[name](data, at, draw(st.integers(0, 50)))
    return path, data


needs_corpus = pytest.mark.skipif(not os.path.isdir(CORPUS), reason="../shared/corpus is not present")


def _mutated(case: tuple) -> None:
    path, data = case
    check_bytes(os.path.basename(path), data)


@needs_corpus
@BOUNDED
@given(mutated())
def test_mutated_corpus_manifests(case):
    _mutated(case)


# -- the long run ------------------------------------------------------------------------------------

@pytest.mark.fuzz
@LONG
@given(st.lists(manifests(), min_size=1, max_size=5))
def test_long_generated_yaml(documents):
    _generated_yaml(documents)


@pytest.mark.fuzz
@LONG
@given(manifests())
def test_long_generated_json(document):
    _generated_json(document)


@pytest.mark.fuzz
@needs_corpus
@LONG
@given(mutated())
def test_long_mutated_corpus(case):
    _mutated(case)
