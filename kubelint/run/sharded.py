"""Sharded runs in forked processes: the input files split into shards, one process each.

A cross-object check needs the whole set, but shipping every parsed object between processes
costs more than it saves (pickling dicts is as slow as parsing YAML). So each process parses
its own shard and keeps it; only a compact summary of each shard (objects packed as bytes) goes
to the parent, which hands every summary to every worker. Each process then checks its own
objects against the whole set, decoding another shard's object only when a rule looks at it.
Results come back in shard order, so a parallel run gives exactly the findings of a serial one.
"""

from __future__ import annotations

import os
import pickle
import struct
import traceback
from typing import Any, Callable, List, Sequence, Tuple

from .parallel import WorkerError

# phase_one(shard) -> (state kept in the worker, summary for everyone)
PhaseOne = Callable[[Sequence[Any]], Tuple[Any, Any]]
# phase_two(shard number, state, every shard's summary, None for its own) -> the shard's result
PhaseTwo = Callable[[int, Any, List[Any]], Any]


def run_sharded(shards: Sequence[Sequence[Any]], phase_one: PhaseOne,
                phase_two: PhaseTwo) -> Tuple[Any, List[Any]]:
    """Run both phases over `shards`: this process takes the first shard, one forked worker each
    of the others. Returns the first shard's state and every shard's result, in shard order.
    phase_two may drop the summaries it has used (replace their entries) to free memory."""
    workers: List[_Worker] = []
    for number in range(1, len(shards)):
        workers.append(_Worker.fork(number, shards[number], len(shards), phase_one, phase_two, workers))
    try:
        state, summary = phase_one(shards[0])
        blobs = [pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL)] + [w.receive() for w in workers]
        del summary
        # Each worker gets the other shards' summaries one at a time, so it never holds them
        # all packed and unpacked at once.
        for worker in workers:
            worker.send([blob for other, blob in enumerate(blobs) if other != worker.number])
        summaries = [None] + [pickle.loads(blob) for blob in blobs[1:]]
        del blobs
        results = [phase_two(0, state, summaries)] + [pickle.loads(w.receive()) for w in workers]
    finally:
        for worker in workers:
            worker.close()
    return state, results


class _Worker:
    """A forked process working on one shard, and the two pipes to it. Messages are a length
    and a pickle; os.fork and pipes, because importing multiprocessing costs 15 ms."""

    def __init__(self, number: int, pid: int, reader: int, writer: int) -> None:
        self.number, self.pid = number, pid
        self._reader = os.fdopen(reader, "rb")
        self._writer = os.fdopen(writer, "wb")

    @classmethod
    def fork(cls, number: int, shard: Sequence[Any], count: int, phase_one: PhaseOne,
             phase_two: PhaseTwo, siblings: List["_Worker"]) -> "_Worker":
        from_parent, to_child = os.pipe()
        from_child, to_parent = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            os.close(to_child)
            os.close(from_child)
            for sibling in siblings:  # so a sibling sees the end of its pipes when the parent goes
                sibling.forget()
            _work(os.fdopen(from_parent, "rb"), os.fdopen(to_parent, "wb"), number, count, shard,
                  phase_one, phase_two)
        os.close(from_parent)
        os.close(to_parent)
        return cls(number, pid, from_child, to_child)

    def receive(self) -> bytes:
        try:
            status, payload = _read(self._reader)
        except OSError as exc:
            raise WorkerError(f"reading from a worker process failed: {exc.strerror or exc}") from None
        if status != "ok":
            raise WorkerError(payload)
        return payload

    def send(self, blobs: List[bytes]) -> None:
        """Hand the worker the other shards' summaries. A worker that died after sending its
        own summary shows here as a broken pipe: a WorkerError, not a BrokenPipeError (which
        the command line takes for its own output's reader gone: exit 1 with no message)."""
        try:
            for blob in blobs:
                _write(self._writer, "ok", blob)
            self._writer.flush()
        except OSError as exc:
            raise WorkerError(f"a worker process ended early ({exc.strerror or exc})") from None

    def forget(self) -> None:
        """Close this process's copies of the pipe ends (in a later sibling, after fork)."""
        os.close(self._reader.fileno())
        os.close(self._writer.fileno())

    def close(self) -> None:
        for stream in (self._reader, self._writer):
            try:
                stream.close()
            except OSError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _work(reader: Any, writer: Any, number: int, count: int, shard: Sequence[Any],
          phase_one: PhaseOne, phase_two: PhaseTwo) -> None:
    status = 0
    try:
        state, summary = phase_one(shard)
        _write(writer, "ok", pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL))
        writer.flush()
        del summary  # phase two has the shard itself in `state`
        summaries = [None if other == number else pickle.loads(_read(reader)[1]) for other in range(count)]
        result = phase_two(number, state, summaries)
        _write(writer, "ok", pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        writer.flush()
    except BaseException:  # the parent raises it with this traceback
        status = 1
        try:
            _write(writer, "error", traceback.format_exc().encode())
            writer.flush()
        except OSError:
            pass
    # Skip the interpreter's teardown (and the parent's atexit handlers and buffers): freeing
    # every object of a large run takes longer than the run.
    os._exit(status)


_HEADER = struct.Struct("<?Q")  # ok?, payload length


def _write(stream: Any, status: str, payload: bytes) -> None:
    stream.write(_HEADER.pack(status == "ok", len(payload)))
    stream.write(payload)


def _read(stream: Any) -> Tuple[str, Any]:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise WorkerError("a worker process ended without a result")
    ok, length = _HEADER.unpack(header)
    payload = stream.read(length)
    if len(payload) < length:
        raise WorkerError("a worker process ended without a result")
    return ("ok", payload) if ok else ("error", payload.decode(errors="replace"))
