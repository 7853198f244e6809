"""Parallel workers give exactly the findings of a serial run, in the same order."""

from __future__ import annotations

import os
import sys

import pytest

from kubelint.input.discover import discover
from kubelint.run import engine, parallel, sharded
from kubelint.run.engine import Checker, Settings
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


@pytest.mark.parametrize("root", [os.path.join(REPO, "examples"), CORPUS])
def test_large_input_mode_keeps_objects_packed_and_gives_the_same_findings(root, monkeypatch):
    """Over LARGE_INPUT_BYTES a worker packs each file at once and unpacks an object only
    while it is checked (or when a rule reads it): the findings must not change."""
    if not os.path.isdir(root):
        pytest.skip(f"{root} is not present")
    serial = run_paths([root], jobs=1)
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)
    monkeypatch.setattr(engine, "LARGE_INPUT_BYTES", 0)
    assert describe(run_paths([root], jobs=2)) == describe(serial)


@pytest.mark.parametrize("root", [os.path.join(REPO, "examples"), CORPUS])
def test_large_serial_run_keeps_objects_packed_and_gives_the_same_findings(root, monkeypatch):
    """Over LARGE_INPUT_BYTES a run with --jobs 1 packs too, as one shard in this process:
    the same findings, every object released once checked, no worker forked."""
    if not os.path.isdir(root):
        pytest.skip(f"{root} is not present")
    serial = run_paths([root], jobs=1)
    monkeypatch.setattr(engine, "LARGE_INPUT_BYTES", 0)
    shard_counts, released = [], []
    real_run_sharded, real_release = sharded.run_sharded, engine.release_unpacked
    monkeypatch.setattr(sharded, "run_sharded",
                        lambda shards, *a: shard_counts.append(len(shards)) or real_run_sharded(shards, *a))
    monkeypatch.setattr(engine, "release_unpacked", lambda: released.append(1) or real_release())
    packed = run_paths([root], jobs=1)
    assert describe(packed) == describe(serial)
    assert shard_counts == [1] and len(released) == serial.objects


def test_large_serial_run_holds_a_bounded_number_of_objects_unpacked(monkeypatch):
    """A rule that reads the whole set for one object (the Services of every namespace, say)
    must not leave the whole set unpacked: past MAX_UNPACKED the others are packed away, never
    the object being checked; no object is left unpacked after the run; findings unchanged."""
    from kubelint.model import objects

    root = os.path.join(REPO, "examples")
    serial = run_paths([root], jobs=1)
    monkeypatch.setattr(engine, "LARGE_INPUT_BYTES", 0)
    monkeypatch.setattr(objects, "MAX_UNPACKED", 3)
    seen, most, current_kept = set(), [0], []
    real_unpacking, real_finish = objects._unpacking, Checker._finish

    def unpacking(obj):
        real_unpacking(obj)
        seen.add(obj)
        held = [o for o in seen if o._data is not None or o.manifest.unpacked] + [obj]
        most[0] = max(most[0], len(set(held)))
        current = objects._checking[0]
        current_kept.append(current is None or current in objects._unpacked)

    finished = []
    monkeypatch.setattr(objects, "_unpacking", unpacking)
    monkeypatch.setattr(Checker, "_finish", lambda self, loaded, objs, *a: finished.append(objs) or
                        real_finish(self, loaded, objs, *a))
    packed = run_paths([root], jobs=1)
    assert describe(packed) == describe(serial)
    assert len(seen) > 10 and 2 <= most[0] <= 3 + 1  # the limit, and the object being unpacked
    assert all(current_kept)
    assert not [o for o in finished[0] if o._data is not None or o.manifest.unpacked]
    # RunResult.checked is made as it is read, from the objects: the same pairs.
    assert list(packed.checked) == [(o.path, o.ref) for o in finished[0]] == list(serial.checked)
    assert packed.checked[-1] == serial.checked[-1] and len(packed.checked) == serial.objects


def test_shards_are_contiguous_and_balanced_by_size():
    items = list("abcdefgh")
    assert parallel.split_by_weight(items, [1] * 8, 2) == [list("abcd"), list("efgh")]
    assert parallel.split_by_weight(items, [10, 1, 1, 1, 1, 1, 1, 1], 2) == [list("a"), list("bcdefgh")]
    assert parallel.split_by_weight(items[:1], [5], 4) == [["a"]]


def test_a_failing_worker_reports_its_traceback():
    def load(shard):
        if shard == ["c"]:  # the second shard: a forked worker
            raise ValueError("shard c")
        return shard, len(shard)

    with pytest.raises(sharded.WorkerError, match="ValueError: shard c"):
        sharded.run_sharded([["a", "b"], ["c"]], load, lambda number, state, summaries: None)


def test_sharded_run_hands_every_summary_to_every_shard():
    def load(shard):
        return "".join(shard), len(shard)

    def check(number, state, summaries):
        return (number, state, list(summaries))

    state, results = sharded.run_sharded([["a", "b"], ["c"], ["d", "e", "f"]], load, check)
    assert state == "ab"
    assert results == [(0, "ab", [None, 1, 3]), (1, "c", [2, None, 3]), (2, "def", [2, 1, None])]


def test_small_inputs_stay_in_one_process():
    assert parallel.workers_for(10, 8) == 1
    assert parallel.workers_for(1000, 1) == 1


def test_a_failing_schema_location_is_reported_once_as_in_a_serial_run(tmp_path, monkeypatch):
    """Only the worker's shard (f2, f3) needs the failing location: its finding and its notice
    must reach the parent, once."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for number in range(4):
        kind = "apiVersion: v1\nkind: ConfigMap" if number < 2 else "apiVersion: example.com/v1\nkind: Widget"
        (tmp_path / f"f{number}.yaml").write_text(f"{kind}\nmetadata:\n  name: c{number}\n")
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)
    closed_port = "http://127.0.0.1:9/{{ .ResourceKind }}.json"  # connection refused at once
    runs = {}
    for jobs in (1, 2):
        checker = Checker(Settings(jobs=jobs, schema_locations=["default", closed_port]))
        result = checker.run(discover(sorted(str(p) for p in tmp_path.glob("f*.yaml"))))
        runs[jobs] = ([(os.path.basename(f.path), f.rule) for f in result.findings], checker.store.notices)
    assert runs[2] == runs[1]
    assert runs[1][0] == [("f2.yaml", "KL109")] and len(runs[1][1]) == 1


def test_a_failed_worker_is_a_clean_error_not_a_traceback(tmp_path, monkeypatch):
    from kubelint.cli import main
    from tests.helpers import CliRunner

    for number in range(4):
        (tmp_path / f"f{number}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{number}\n")
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)

    check_shard = engine.Checker._check_shard

    def crash_in_the_worker(self, number, state, summaries):
        if number > 0:
            raise MemoryError("out of memory in the worker")
        return check_shard(self, number, state, summaries)

    monkeypatch.setattr(engine.Checker, "_check_shard", crash_in_the_worker)
    result = CliRunner().invoke(main, ["check", "--jobs", "2", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "a worker process failed" in result.output and "--jobs 1" in result.output


def test_large_run_frees_the_set_and_what_rules_derived_from_it_once_checked(monkeypatch):
    """Facts the rules keep per set (Service selectors, producers, namespace policies) hold
    the set itself: after its objects are checked they must be dropped, not kept to the end of
    the process (20 MiB at 122,500 objects, the parent's peak when the workers' findings come
    back). The examples hold Services, workloads, a NetworkPolicy and Namespaces with Pod
    Security labels, so every per-set cache gets an entry."""
    import gc
    import weakref

    from kubelint.model import index as index_module

    root = os.path.join(REPO, "examples")
    monkeypatch.setattr(engine, "LARGE_INPUT_BYTES", 0)
    made, filled = [], []
    real_init, real_forget = index_module.SetIndex.__init__, index_module.forget_set

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        made.append(weakref.ref(self))

    def forget(index):
        filled.append(sum(index in cache for cache in index_module._SET_CACHES))
        real_forget(index)

    monkeypatch.setattr(index_module.SetIndex, "__init__", init)
    monkeypatch.setattr(engine, "forget_set", forget)
    result = run_paths([root], jobs=1)
    assert result.findings and filled and filled[0] >= 4  # the caches were in use
    gc.collect()  # only the test's own cycles: the run's must not need the collector
    assert made and [ref() for ref in made] == [None] * len(made)
