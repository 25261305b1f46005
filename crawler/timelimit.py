"""A time limit on reading one page, so that a page nobody foresaw cannot hang a crawl for good.

Extraction is pure CPU work on text written by strangers: a pattern that backtracks without end,
or a loop no test met, on one page would hold a crawl (and its archive's lock, so every later
cron run exits 6) until someone kills it. `time_limit()` wraps the reading of one page: past
`PORTAL_EXTRACT_TIME_LIMIT` seconds (default 60; real pages take milliseconds) it raises
`ExtractionTimeout` in the code that is running, which the callers record as they record any
extraction error (a failure ``exception:ExtractionTimeout``, the raw page kept), and the crawl,
import or re-extraction goes on. Python's regex engine and every Python loop are interrupted
there; a single call into C that never returns is not.

How: a SIGALRM timer (``setitimer``), armed for the block only, that fires again every second
after the first, so that code catching ``Exception`` on the way cannot swallow it for good. A
signal handler runs in the main thread, so the limit applies only there (where the crawl's
callbacks, the worker processes' loops and the offline commands read pages); in another thread,
or while some other timer is armed (pytest-timeout's, say: it is left alone), the block runs
without one. The limit is process-wide (`set_extraction_time_limit`), like the signal it uses;
processes forked after it is set inherit it.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DEFAULT_LIMIT = 60.0  # seconds; crawler/settings.py PORTAL_EXTRACT_TIME_LIMIT
REPEAT = 1.0  # seconds between the alarms after the first


class ExtractionTimeout(Exception):  # noqa: N818 - named for what happened, as the failures show it
    """Reading a page took longer than the extraction time limit."""


_limit = DEFAULT_LIMIT
_armed = 0.0  # the limit of the block being timed (0: none)


def set_extraction_time_limit(seconds: float) -> None:
    """The limit of this process's later `time_limit()` blocks (0: none); ValueError if negative."""
    global _limit
    if not seconds >= 0:  # (NaN too)
        raise ValueError(f"PORTAL_EXTRACT_TIME_LIMIT must be 0 (no limit) or a number of seconds, not {seconds}")
    _limit = float(seconds)


def extraction_time_limit() -> float:
    return _limit


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise `ExtractionTimeout` in the block if it runs longer than `seconds` (default: the
    process's limit). Does nothing off the main thread, while another timer is armed, or nested."""
    global _armed
    seconds = _limit if seconds is None else seconds
    if (seconds <= 0 or _armed or threading.current_thread() is not threading.main_thread()
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    _armed = seconds
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _armed = 0.0
        signal.signal(signal.SIGALRM, previous)


def _expired(signum: int, frame: Any) -> None:
    if _armed:  # (a late alarm, after the block, is ignored)
        raise ExtractionTimeout(f"reading the page took over {_armed:g} s (PORTAL_EXTRACT_TIME_LIMIT)")
