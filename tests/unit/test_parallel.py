"""Parallel workers give exactly the findings of a serial run, in the same order."""

from __future__ import annotations

import os
import sys

import pytest

from kubelint import parallel
from tests.helpers import CORPUS, REPO, run_paths

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")


def describe(result):
    return [(f.path, f.position, f.rule, f.severity, f.message, f.suppressed)
            for f in result.findings]


@pytest.mark.parametrize("root", [os.path.join(REPO, "examples"), CORPUS])
def test_parallel_run_equals_serial_run(root, monkeypatch):
    if not os.path.isdir(root):
        pytest.skip(f"{root} is not present")
    serial = run_paths([root], jobs=1)
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)
    assert parallel.workers_for(100, 2) == 2
    parallel_result = run_paths([root], jobs=2)
    assert describe(parallel_result) == describe(serial)
    assert (parallel_result.files, parallel_result.objects, parallel_result.skipped) == \
        (serial.files, serial.objects, serial.skipped)


def test_small_inputs_stay_in_one_process():
    assert parallel.workers_for(10, 8) == 1
    assert parallel.workers_for(1000, 1) == 1
