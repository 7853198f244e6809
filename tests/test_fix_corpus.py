"""`kubelint fix --unsafe-fixes` over a copy of the real manifests in ../shared/corpus: it never
crashes, never changes anything but the fixed fields (each file re-parses to its original
documents except under the fields the applied fixes name), is idempotent, and the re-check has
none of the findings it fixed.

A subset runs in the normal suite; the whole corpus is marked slow (run it with --run-slow).
`python -m tests.test_fix_corpus` prints the counts per fix for the whole corpus.
"""

from __future__ import annotations

import collections
import os
import shutil
import sys
from typing import Any, Dict, List, Sequence, Tuple

import pytest

from kubelint.fix.ops import Add, RenameKey, ReplaceEntry
from kubelint.fix.runner import Fixer, FixOutcome
from kubelint.fix.verify import same
from kubelint.input.discover import discover
from kubelint.input.loader import parse_documents
from kubelint.run.engine import Checker, Settings
from tests.helpers import CORPUS, REPO

CANDIDATES = [CORPUS, os.path.abspath(os.path.join(REPO, "..", "..", "shared", "corpus"))]
CORPUS_DIR = next((path for path in CANDIDATES if os.path.isdir(path)), CANDIDATES[0])
pytestmark = pytest.mark.skipif(not os.path.isdir(CORPUS_DIR), reason="../shared/corpus is not present")

# Every file of these corpus directories, which hold most of the corpus' fixable findings.
SUBSET = ["kube-score/score/testdata", "kube-linter/tests/checks", "kubeval/fixtures", "kubeconform/fixtures"]


def _differences(before: Any, after: Any, pointer: Tuple[Any, ...] = ()) -> List[Tuple[Any, ...]]:
    """The pointers at which two documents differ (the shallowest, for a changed container)."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = [pointer + (key,) for key in before.keys() ^ after.keys()]
        for key in before.keys() & after.keys():
            found.extend(_differences(before[key], after[key], pointer + (key,)))
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [p for i, (x, y) in enumerate(zip(before, after)) for p in _differences(x, y, pointer + (i,))]
    return [] if same(before, after) else [pointer]


def _touched(outcome: FixOutcome) -> Dict[Tuple[str, int], List[Tuple[Any, ...]]]:
    """(path, document) -> the pointers the applied fixes change, with new key names too."""
    touched: Dict[Tuple[str, int], List[Tuple[Any, ...]]] = collections.defaultdict(list)
    for planned in outcome.applied:
        for op in planned.ops:
            pointer = tuple(op.pointer)
            where = touched[(planned.finding.path, planned.document)]
            where.append(pointer + (op.key,) if isinstance(op, Add) else pointer)
            if isinstance(op, (RenameKey, ReplaceEntry)):
                where.append(pointer[:-1] + (op.new_key,))
    return touched


def fix_copy(root: str, subset: Sequence[str] = ()) -> Tuple[FixOutcome, Dict[str, int]]:
    """Copy the corpus (or `subset` of it) under `root`, fix it, and check every promise;
    returns the outcome and the count of fixes per (rule, provider, safety)."""
    copy = os.path.join(root, "corpus")
    if subset:
        for part in subset:
            shutil.copytree(os.path.join(CORPUS_DIR, part), os.path.join(copy, part), symlinks=True)
    else:
        shutil.copytree(CORPUS_DIR, copy, symlinks=True)
    inputs = discover([copy])
    originals = {}
    for item in inputs:
        with open(item.real_path, "rb") as handle:
            originals[item.path] = handle.read()
    outcome = Fixer(Checker(Settings()), inputs, unsafe=True, roots=[copy]).run(write=True)
    assert outcome.problems == []
    assert not any("internal error" in f.message for f in outcome.result.findings)

    # Only the fixed fields changed; everything else, byte for byte where no fix applied.
    touched = _touched(outcome)
    changed = {state.path for state in outcome.files}
    for item in inputs:
        with open(item.real_path, "rb") as handle:
            now = handle.read()
        if item.path not in changed:
            assert now == originals[item.path], item.path
            continue
        before = parse_documents(item.path, originals[item.path].decode("utf-8-sig"))
        after = parse_documents(item.path, now.decode("utf-8-sig"))
        assert len(before.documents) == len(after.documents), item.path
        assert (before.error is None) == (after.error is None), item.path
        for number, (old, new) in enumerate(zip(before.documents, after.documents)):
            allowed = touched.get((item.path, number), [])
            for difference in _differences(old, new):
                assert any(difference[:len(t)] == t or t[:len(difference)] == difference for t in allowed), \
                    (item.path, number, difference)

    # None of the fixed findings is left.
    left = {(f.path, f.object, f.rule, f.json_path, f.message) for f in outcome.result.active()}
    for planned in outcome.applied:
        f = planned.finding
        assert (f.path, f.object, f.rule, f.json_path, f.message) not in left, (f.path, f.rule, f.message)

    # A second run changes nothing.
    again = Fixer(Checker(Settings()), discover([copy]), unsafe=True, roots=[copy]).run(write=True)
    assert again.applied == [] and again.files == []

    counts = collections.Counter(f"{p.finding.rule} {p.provider} {p.fix.applicability.value}" for p in outcome.applied)
    return outcome, dict(counts)


def test_fix_a_corpus_subset(tmp_path):
    outcome, counts = fix_copy(str(tmp_path), SUBSET)
    assert len(outcome.files) >= 30 and sum(counts.values()) >= 50, counts
    assert {"KL104 api-migration safe", "KL104 api-migration unsafe", "KL103 workload-selector unsafe"} <= set(counts)


@pytest.mark.slow
def test_fix_the_whole_corpus(tmp_path):
    outcome, counts = fix_copy(str(tmp_path))
    assert len(outcome.files) >= 100, counts


if __name__ == "__main__":  # counts per fix for the whole corpus
    import tempfile
    import time

    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        outcome, counts = fix_copy(work)
        took = time.perf_counter() - started
    for key, number in sorted(counts.items()):
        print(f"{number:5d}  {key}")
    print(f"{sum(counts.values())} fixes in {len(outcome.files)} files; {len(outcome.result.active())} findings "
          f"remain; {took:.1f} s", file=sys.stderr)
