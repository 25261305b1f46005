"""The time limit on reading one page (crawler/timelimit.py): a block past its limit is
interrupted where it runs, even after swallowing the first alarm; nothing fires after the block
and the previous SIGALRM handler is back; no limit off the main thread or under another timer;
bad settings are refused. (The crawls, imports and re-extractions that use it: tests/
test_page_workers.py and tests/test_warc.py.)"""
from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from crawler.timelimit import ExtractionTimeout, extraction_time_limit, set_extraction_time_limit, time_limit

# A loop that only the limit can end; if it does not, the test fails after this long instead of
# hanging (pytest-timeout's own timer is off while these tests run: see `no_other_timer`).
GIVE_UP = 120.0


def spin(seconds: float = GIVE_UP) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pass


@pytest.fixture(autouse=True)
def no_other_timer() -> Iterator[None]:
    """pytest-timeout arms SIGALRM for each test, and `time_limit` stands aside while another
    timer is armed: it is paused here and set again afterwards."""
    saved = signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        yield
    finally:
        if saved[0] > 0:
            signal.setitimer(signal.ITIMER_REAL, *saved)


def test_a_block_past_its_limit_is_interrupted_where_it_runs() -> None:
    with pytest.raises(ExtractionTimeout, match=r"reading the page took over 0\.2 s \(PORTAL_EXTRACT_TIME_LIMIT\)"):
        with time_limit(0.2):
            spin()
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_code_that_swallows_the_first_alarm_is_interrupted_again() -> None:
    swallowed = []
    with pytest.raises(ExtractionTimeout):
        with time_limit(0.2):
            try:
                spin()
            except Exception as exc:  # noqa: BLE001 - what careless extraction code does
                swallowed.append(exc)
            spin()  # ... and goes on: the next alarm, a second later, ends it
    assert len(swallowed) == 1 and isinstance(swallowed[0], ExtractionTimeout)


def test_after_a_quick_block_nothing_is_armed_and_the_previous_handler_is_back() -> None:
    def previous(signum: int, frame: object) -> None:
        raise AssertionError("not expected")

    old = signal.signal(signal.SIGALRM, previous)
    try:
        with time_limit(30):
            assert signal.getsignal(signal.SIGALRM) is not previous
            total = sum(range(1000))
        assert total == 499500
        assert signal.getsignal(signal.SIGALRM) is previous and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, old)


def test_no_limit_off_the_main_thread_nor_under_another_timer_nor_when_off() -> None:
    outcome: list[BaseException | None] = []

    def in_a_thread() -> None:
        try:
            with time_limit(0.05):
                assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
                spin(0.3)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcome.append(exc)

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert outcome == [None]
    signal.setitimer(signal.ITIMER_REAL, 1000)  # someone else's timer
    try:
        with time_limit(0.05):
            assert signal.getitimer(signal.ITIMER_REAL)[0] > 100  # theirs, untouched
            spin(0.3)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    with time_limit(0):
        spin(0.3)


def test_the_process_limit_is_set_and_checked() -> None:
    before = extraction_time_limit()
    try:
        set_extraction_time_limit(0.2)
        with pytest.raises(ExtractionTimeout, match="over 0.2 s"):
            with time_limit():
                spin()
        for bad in (-1, math.nan):
            with pytest.raises(ValueError, match="PORTAL_EXTRACT_TIME_LIMIT must be 0"):
                set_extraction_time_limit(bad)
    finally:
        set_extraction_time_limit(before)
