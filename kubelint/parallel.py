"""Process-parallel map for large inputs. Workers are forked, so they share the parent's
memory (parsed objects, the set index, compiled validators) without pickling it; only each
chunk's results travel back. Results come back in input order, so a parallel run gives
exactly the findings of a serial one."""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, List, Optional, Sequence

# Below this many files a run is faster in one process than forking workers.
MIN_FILES_PER_WORKER = 40

_task: Optional[Callable[[Sequence[Any]], List[Any]]] = None  # set in the parent before forking


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_for(files: int, jobs: Optional[int]) -> int:
    """How many processes pay for themselves: 1 unless the input is large, and fork exists."""
    if sys.platform != "linux":  # fork is the only start method that shares memory cheaply
        return 1
    wanted = jobs if jobs is not None else default_jobs()
    return max(1, min(wanted, files // MIN_FILES_PER_WORKER))


def _run_chunk(chunk: Sequence[Any]) -> List[Any]:
    assert _task is not None
    return _task(chunk)


def map_chunks(task: Callable[[Sequence[Any]], List[Any]], items: Sequence[Any], workers: int) -> List[Any]:
    """`task(chunk)` over contiguous chunks of `items` in `workers` forked processes; the
    concatenated results, in order."""
    global _task
    if workers <= 1 or len(items) < 2:
        return task(items)
    # More chunks than workers keeps both busy when chunks differ in cost.
    size = max(1, -(-len(items) // (workers * 4)))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]  # ranges slice to small ranges
    import multiprocessing  # only large inputs pay for its import

    _task = task
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_run_chunk, chunks, chunksize=1)
    finally:
        _task = None
    return [item for chunk in results for item in chunk]
