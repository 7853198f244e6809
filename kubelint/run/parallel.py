"""How many processes a run uses, and how its input files are split between them.

The forking itself is in kubelint.run.sharded, imported only by runs large enough to use it.
"""

from __future__ import annotations

import os
import sys
from typing import Any, List, Optional, Sequence

# Below this many files a run is faster in one process than forking workers.
MIN_FILES_PER_WORKER = 40
# More processes than this only cost memory (checking is CPU-bound); each also takes a few file
# descriptors in the parent (two pipes and a shard's memory file), so `-j 400` ran out of them
# and `-j 1000` out of memory.
MAX_WORKERS = 32
_DESCRIPTORS_PER_WORKER = 6
_DESCRIPTORS_KEPT = 64  # for everything else the run opens


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class WorkerError(RuntimeError):
    """A worker process failed; the message carries its traceback."""


def workers_for(files: int, jobs: Optional[int]) -> int:
    """How many processes pay for themselves: 1 unless the input is large, and fork exists."""
    # fork is the only start method that shares memory cheaply; the shards' memory files are memfds.
    if sys.platform != "linux" or not hasattr(os, "memfd_create"):
        return 1
    wanted = min(jobs if jobs is not None else default_jobs(), files // MIN_FILES_PER_WORKER, MAX_WORKERS)
    return max(1, min(wanted, _descriptor_room()) if wanted > 1 else 1)


def _descriptor_room() -> int:
    """How many workers the open-file limit leaves room for."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return MAX_WORKERS
    if soft == resource.RLIM_INFINITY:
        return MAX_WORKERS
    return max(1, (soft - _DESCRIPTORS_KEPT) // _DESCRIPTORS_PER_WORKER)


def split_by_weight(items: Sequence[Any], weights: Sequence[int], parts: int) -> List[Sequence[Any]]:
    """Contiguous slices of `items` with about equal total weight (input order is kept)."""
    total = sum(weights) or 1
    shards: List[Sequence[Any]] = []
    start, running = 0, 0
    for index, weight in enumerate(weights):
        running += weight
        if len(shards) < parts - 1 and running * parts >= total * (len(shards) + 1):
            shards.append(items[start:index + 1])
            start = index + 1
    shards.append(items[start:])
    return [shard for shard in shards if len(shard)]
