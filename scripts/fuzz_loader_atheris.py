"""Coverage-guided fuzzing of the loader with atheris (optional; not part of the test suite or CI).

    pip install atheris
    python scripts/fuzz_loader_atheris.py [-max_total_time=600] [-max_len=8192] [CORPUS_DIR...]

Each input is loaded as a .yaml and as a .json file, then checked and written as text. Any
exception that escapes is a bug (atheris stops and saves the input as crash-*). A directory of
seed files (../shared/corpus, say) gives it real manifests to start from; without one it
starts from nothing. The libFuzzer flags (-max_total_time, -runs, -jobs...) are passed on.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["kubelint"]):
    from kubelint.cli import render
    from kubelint.input.loader import load_file
    from kubelint.run.engine import Checker, Settings

CHECKER = Checker(Settings())


def one_input(data: bytes) -> None:
    for path in ("fuzz.yaml", "fuzz.json"):
        loaded = load_file(path, data, max_size=1024 * 1024)
        for issue in loaded.issues:
            assert issue.position.line >= 1 and issue.position.column >= 1, issue
        result = CHECKER.check_loaded([loaded])
        for finding in result.findings:
            assert not finding.message.startswith("internal error"), finding
        render(result, "text", False, None).encode("utf-8")


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
