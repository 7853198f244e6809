"""Process-parallel runs for large inputs: one forked worker per shard of the input files.

A cross-object check needs the whole set, but shipping every parsed object between processes
costs more than it saves (pickling dicts is as slow as parsing YAML). So each worker parses its
own shard and keeps it; only a compact summary of each shard (objects packed as bytes) goes to
the parent, which hands every summary to every worker. A worker then checks its own objects
against the whole set, decoding another shard's object only when a rule looks at it. Results
come back in shard order, so a parallel run gives exactly the findings of a serial one.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from typing import Any, Callable, List, Optional, Sequence, Tuple

# Below this many files a run is faster in one process than forking workers.
MIN_FILES_PER_WORKER = 40

# phase_one(shard) -> (state kept in the worker, summary for everyone)
PhaseOne = Callable[[Sequence[Any]], Tuple[Any, Any]]
# phase_two(shard number, state, every shard's summary, None for its own) -> the shard's result
PhaseTwo = Callable[[int, Any, List[Any]], Any]


class WorkerError(RuntimeError):
    """A worker failed; the message carries its traceback."""


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


def run_sharded(shards: Sequence[Sequence[Any]], phase_one: PhaseOne,
                phase_two: PhaseTwo) -> Tuple[List[Any], List[Any]]:
    """Run both phases over `shards`, one forked worker each: (summaries, results), in order."""
    import multiprocessing  # only large inputs pay for its import

    context = multiprocessing.get_context("fork")
    connections, processes = [], []
    for number, shard in enumerate(shards):
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_worker, daemon=True,
                                  args=(child_end, number, len(shards), shard, phase_one, phase_two))
        process.start()
        child_end.close()
        connections.append(parent_end)
        processes.append(process)
    try:
        blobs = [_receive(connection) for connection in connections]
        summaries = [pickle.loads(blob) for blob in blobs]
        # Each worker gets the other shards' summaries one at a time, so it never holds them
        # all packed and unpacked at once.
        for number, connection in enumerate(connections):
            for other, blob in enumerate(blobs):
                if other != number:
                    connection.send_bytes(blob)
        del blobs
        results = [pickle.loads(_receive(connection)) for connection in connections]
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
    return summaries, results


def _receive(connection: Any) -> bytes:
    try:
        status, payload = pickle.loads(connection.recv_bytes())
    except EOFError:
        raise WorkerError("a worker process ended without a result") from None
    if status != "ok":
        raise WorkerError(payload)
    return payload


def _worker(connection: Any, number: int, count: int, shard: Sequence[Any],
            phase_one: PhaseOne, phase_two: PhaseTwo) -> None:
    try:
        state, summary = phase_one(shard)
        _send(connection, "ok", pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL))
        del summary  # phase two has the shard itself in `state`
        summaries = [None if other == number else pickle.loads(connection.recv_bytes())
                     for other in range(count)]
        result = phase_two(number, state, summaries)
        _send(connection, "ok", pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # the parent re-raises it with the worker's traceback
        _send(connection, "error", traceback.format_exc())
    finally:
        connection.close()
    # Skip the interpreter's teardown: freeing every object of a large run takes longer than the run.
    os._exit(0)


def _send(connection: Any, status: str, payload: Any) -> None:
    connection.send_bytes(pickle.dumps((status, payload), protocol=pickle.HIGHEST_PROTOCOL))
