"""Fixed fixtures compared byte for byte with their expected output (tests/fix/cases:
NAME.in.EXT -> NAME.out.EXT), then fixed again to prove nothing more changes.

A first line `# fix-case: --unsafe-fixes -k 1.28` gives the case's options. A case whose name
contains "crlf" is run with CRLF line endings (kept as LF in the repository, where git could
change them). UPDATE_FIX_CASES=1 rewrites the expected outputs (review the diff!).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Tuple

import pytest

from kubelint.fix.runner import FixOutcome, Fixer
from kubelint.input.discover import discover
from kubelint.run.engine import Checker, Settings

CASES = Path(__file__).resolve().parents[1] / "fix" / "cases"
INPUTS = sorted(p.name for p in CASES.glob("*.in.*"))


def _options(text: bytes) -> Tuple[bool, str]:
    first = text.split(b"\n", 1)[0].decode()
    words = shlex.split(first.split("fix-case:", 1)[1]) if "fix-case:" in first else []
    version = words[words.index("-k") + 1] if "-k" in words else None
    return "--unsafe-fixes" in words, version  # type: ignore[return-value]


def _crlf(name: str, data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n") if "crlf" in name else data


def fix_file(path: Path, unsafe: bool, version: str) -> FixOutcome:
    checker = Checker(Settings(kubernetes_version=version))
    return Fixer(checker, discover([str(path)]), unsafe=unsafe, roots=[str(path.parent)]).run(write=True)


@pytest.mark.parametrize("name", INPUTS)
def test_fixed_file_is_the_expected_bytes_and_stays_fixed(name, tmp_path):
    source = (CASES / name).read_bytes()
    unsafe, version = _options(source)
    target = tmp_path / name.replace(".in.", ".")
    target.write_bytes(_crlf(name, source))
    outcome = fix_file(target, unsafe, version)
    assert outcome.problems == [] and outcome.applied, "the case fixes nothing"
    expected_path = CASES / name.replace(".in.", ".out.")
    got = target.read_bytes()
    if os.environ.get("UPDATE_FIX_CASES"):
        expected_path.write_bytes(got.replace(b"\r\n", b"\n") if "crlf" in name else got)
    assert got == _crlf(name, expected_path.read_bytes())
    again = fix_file(target, unsafe, version)
    assert again.applied == [] and again.files == [] and target.read_bytes() == got


def test_crlf_stays_crlf(tmp_path):
    target = tmp_path / "crlf.yaml"
    target.write_bytes(_crlf("crlf", (CASES / "crlf.in.yaml").read_bytes()))
    fix_file(target, False, None)  # type: ignore[arg-type]
    data = target.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 20
