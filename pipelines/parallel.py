"""Page extraction for the archive's offline jobs (`scrapy import-warc`, `scrapy reextract`) in
worker processes, with the results consumed in the jobs' order.

What lives here: `PageReader` (what those jobs need from page extraction, handed down by the
commands: the archive never imports page code), `ExtractionPool` (the reader, the site profiles
and the worker processes, if any) and the `Outcome` of each job, `WorkerDied`, `WorkerError`, and
`worker_count` (the `--workers` option).

Extraction is pure CPU-bound Python (a few milliseconds a page), and one process runs Python on
one core at a time; everything else those jobs do (reading the WARC file or the archive, writing
rows, counting) stays in the caller's process and thread, in order, so the archive comes out the
same whatever the number of workers. The caller hands `ExtractionPool.read` a work function and
its jobs, plain picklable data (a page's URL, body, headers, its profile's slug); the function
runs in a worker with the reader and profiles the worker was forked with, and the results come
back in the jobs' order. With one worker, or where processes cannot be forked, the same function
runs here, job by job, and nothing else differs.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from crawler.collector import tune_collector

if TYPE_CHECKING:
    from types import TracebackType

    from crawler.items import ArticleFields
    from crawler.profiles.model import SiteProfile


class PageReader(Protocol):
    """What re-extraction and WARC import need from page extraction, handed to them by the
    commands (`crawler.extraction.PAGE_READER`): the archive never imports page code."""

    def extract(self, url: str, html: str, fetched_at: str,
                profile: SiteProfile | None) -> tuple[ArticleFields | None, str]: ...

    def generic_site(self, url: str) -> SiteProfile: ...


J = TypeVar("J")  # a job: plain data, pickled to a worker
R = TypeVar("R")  # what the work function makes of it, pickled back
T = TypeVar("T")  # the caller's own record of the job, which stays in the caller
# The work function: (job, reader, profiles) -> result. A module-level function, so that it
# travels to the workers by name.
Work = Callable[[J, PageReader, "dict[str, SiteProfile]"], R]

# Jobs sent to a worker at a time: a task per page cost the caller 0.4-0.7 ms of CPU a page
# (pickling, pipes, the executor's threads), a tenth of an extraction; a task of 8 pages, 0.1-0.15.
CHUNK = 8
# Tasks in flight per worker, beyond the oldest: enough that the workers go on while the caller
# stores a batch of articles or builds what it needs once (the index of administrative units,
# some 0.4 s), few enough that a big WARC file never sits in memory: about
# (AHEAD x workers + 2) x CHUNK pages are read ahead of the one being stored.
AHEAD = 8


class WorkerDied(RuntimeError):
    """A worker process ended while reading pages (killed, out of memory): what it was reading
    is lost, so the caller must not go on as if the pages had been read."""


def worker_count(workers: int) -> int:
    """Worker processes for a `--workers` value: 0 = one per CPU this process may use."""
    if workers < 0:
        raise ValueError(f"workers must be 0 (one per CPU) or more, not {workers}")
    if workers:
        return workers
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class ExtractionPool:
    """Page reader, site profiles and `workers` worker processes (none when `workers` <= 1 or
    where the "fork" start method is missing: then everything runs in the caller's process).

    A context manager: the workers are started when it is made (forked at once, before the
    command opens the archive, takes its lock or starts threads: a fork copies what the process
    holds, and the workers inherit the imported code, reader and profiles at no cost; spawned
    workers would import Scrapy again, about a second) and stopped when it is left."""

    def __init__(self, reader: PageReader, profiles: dict[str, SiteProfile], workers: int = 1) -> None:
        self.reader, self.profiles = reader, profiles
        self._executor: ProcessPoolExecutor | None = None
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                                 initializer=_start_worker, initargs=(reader, profiles, os.getpid()))
            # The objects the workers inherit are left out of their garbage collections (which
            # would walk them all, and copy every memory page they touch): a few percent of a
            # page's extraction. This process gets them back once the workers run.
            gc.freeze()
            try:
                # With "fork" the executor starts every worker on the first task; wait until they run.
                for future in [self._executor.submit(_ready) for _ in range(workers)]:
                    future.result()
            except BrokenProcessPool as exc:
                self.close()
                raise _died() from exc
            finally:
                gc.unfreeze()
        self.workers = workers if self._executor is not None else 1

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (tasks not started are dropped; those running finish first)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def read(self, work: Work[J, R], jobs: Iterable[tuple[J | None, T]]) -> Generator[tuple[T, Outcome[R] | None], None, None]:
        """``(tag, outcome)`` for each ``(job, tag)`` of `jobs`, in their order: the outcome of
        ``work(job, reader, profiles)``, whose `Outcome.result` is the result or raises what the
        work raised (None for a job None: a record the caller only counts keeps its place).

        `jobs` is read in the caller's thread, a few tasks ahead of the outcomes (its generator
        may read SQLite, whose connections belong to one thread); an exception it raises is
        raised here after the outcomes of the jobs it gave before. In this process the work runs
        when its result is asked for, as if the caller called it there. A worker that dies raises
        `WorkerDied`. Closing the iterator early drops the tasks in flight."""
        if self._executor is None:
            for job, tag in jobs:
                yield tag, None if job is None else Outcome(partial(work, job, self.reader, self.profiles))
            return
        window: deque[tuple[Future[list[_Done]] | None, list[tuple[bool, T]]]] = deque()
        try:
            batch: list[J] = []
            tags: list[tuple[bool, T]] = []
            failure: Exception | None = None
            source = iter(jobs)
            while True:
                try:
                    job, tag = next(source)
                except StopIteration:
                    break
                except Exception as exc:  # noqa: BLE001 - raised below, after the jobs read before it
                    failure = exc
                    break
                tags.append((job is not None, tag))
                if job is not None:
                    batch.append(job)
                # A task of CHUNK jobs; records with no job wait with them (a bounded number).
                if len(batch) >= CHUNK or len(tags) >= 16 * CHUNK:
                    window.append((self._submit(work, batch), tags))
                    batch, tags = [], []
                    while len(window) > AHEAD * self.workers:
                        yield from _outcomes(*window.popleft())
            if tags:
                window.append((self._submit(work, batch), tags))
            while window:
                yield from _outcomes(*window.popleft())
            if failure is not None:
                raise failure
        finally:
            for future, _ in window:
                if future is not None:
                    future.cancel()

    def _submit(self, work: Work[J, R], batch: list[J]) -> Future[list[_Done]] | None:
        if not batch:
            return None
        assert self._executor is not None
        try:
            return self._executor.submit(_run, work, batch)
        except BrokenProcessPool as exc:
            raise _died() from exc


class Outcome(Generic[R]):
    """What a job's work gave: `result` returns it, or raises the exception the work raised."""

    __slots__ = ("_work", "_value", "_error")

    def __init__(self, work: Callable[[], R] | None = None, value: R | None = None,
                 error: BaseException | None = None) -> None:
        self._work, self._value, self._error = work, value, error

    def result(self) -> R:
        if self._error is not None:
            raise self._error
        if self._work is not None:  # in this process: the work runs now
            self._value, self._work = self._work(), None
        return cast(R, self._value)


# A job's outcome as a worker sends it back: (True, result) or (False, the exception it raised).
_Done = tuple[bool, Any]


def _outcomes(future: Future[list[_Done]] | None, tags: list[tuple[bool, T]]) -> Iterator[tuple[T, Outcome[R] | None]]:
    """A task's outcomes with their tags, in order."""
    try:
        done = iter(future.result() if future is not None else [])
    except BrokenProcessPool as exc:
        raise _died() from exc
    for has_job, tag in tags:
        if not has_job:
            yield tag, None
            continue
        ok, value = next(done)
        yield tag, Outcome(value=value) if ok else Outcome(error=value)


def _died() -> WorkerDied:
    return WorkerDied("an extraction worker process died (killed, or out of memory?) while reading pages")


# --- in the worker processes ------------------------------------------------------------------------

# The reader and profiles this worker was forked with (`_start_worker`).
_CONTEXT: tuple[PageReader, dict[str, Any]] | None = None


def _start_worker(reader: PageReader, profiles: dict[str, SiteProfile], parent: int) -> None:
    global _CONTEXT
    _CONTEXT = (reader, profiles)
    tune_collector()  # what the worker was forked with is frozen; fewer young collections
    # Ctrl-C reaches the whole process group: the caller stops its pool, whose workers finish
    # the pages they hold and leave, instead of each printing a KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A caller killed outright (SIGKILL, OOM) closes nothing: its workers, waiting for tasks on a
    # pipe they also hold open, would wait forever. They leave once their parent is gone.
    threading.Thread(target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _ready() -> None:
    """The task that waits for the workers to start."""


def _run(work: Work[J, R], batch: list[J]) -> list[_Done]:
    """A task: the outcome of each of its jobs (an exception is raised in the caller when that
    job's result is asked for; out of the task, it would take the other jobs' results along)."""
    assert _CONTEXT is not None
    reader, profiles = _CONTEXT
    done: list[_Done] = []
    for job in batch:
        try:
            done.append((True, work(job, reader, profiles)))
        except Exception as exc:  # noqa: BLE001 - raised in the caller, when this job's result is asked for
            done.append((False, portable_exception(exc)))
    return done


def portable_exception(exc: Exception) -> BaseException:
    """The exception as the caller will get it: itself, with the worker's traceback as a note; for
    one that cannot be pickled back (lxml's errors hold their parser's error log), a `WorkerError`
    of the same class name and message."""
    exc.add_note("raised in an extraction worker process:\n" + "".join(traceback.format_exception(exc)).rstrip())
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - whatever keeps it from travelling
        return _Unpicklable(type(exc).__module__, type(exc).__qualname__, str(exc), exc.__notes__)


class WorkerError(Exception):
    """Stands in for an exception raised in a worker process that cannot be pickled back to the
    caller: an instance of a subclass named like the original's class (module and name), with its
    message and notes. (An ``except`` of the original class does not catch it.)"""


class _Unpicklable(Exception):
    """How a `WorkerError` travels: unpickled, it becomes one."""

    def __reduce__(self) -> tuple[Any, ...]:
        return _stand_in, self.args


def _stand_in(module: str, qualname: str, text: str, notes: list[str]) -> WorkerError:
    exc = _stand_in_class(module, qualname)(text)
    for note in notes:
        exc.add_note(note)
    return exc


@lru_cache(maxsize=64)
def _stand_in_class(module: str, qualname: str) -> type[WorkerError]:
    return type(qualname.rsplit(".", 1)[-1], (WorkerError,), {"__module__": module, "__qualname__": qualname})
