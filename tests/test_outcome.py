"""Crawl outcomes and the exit codes a cron job acts on."""
from __future__ import annotations

from collections import Counter

from pipelines.outcome import SiteTally, decide_outcome


def test_all_sites_yielded_articles_is_ok() -> None:
    outcome = decide_outcome({"a": SiteTally(new=3), "b": SiteTally(unchanged=2)}, "finished", {})
    assert (outcome.status, outcome.exit_code, outcome.problems) == ("ok", 0, [])


def test_unreachable_site_fails_with_exit_4() -> None:
    tallies = {"a": SiteTally(new=3), "b": SiteTally(failures=Counter(network=2))}
    outcome = decide_outcome(tallies, "finished", {})
    assert outcome.exit_code == 4 and outcome.status == "failed"
    assert outcome.problems == ["b: no articles, 2 failed request(s): site unreachable?"]


def test_site_that_used_to_have_articles_but_yields_none_fails() -> None:
    outcome = decide_outcome({"a": SiteTally(failures=Counter(extract=1))}, "finished", {"a": 40})
    assert outcome.exit_code == 4
    assert outcome.problems == ["a: no articles this run, 40 in the archive: layout change?"]


def test_interrupted_crawl_exits_5() -> None:
    outcome = decide_outcome({"a": SiteTally(new=1)}, "shutdown", {})
    assert (outcome.status, outcome.exit_code) == ("interrupted", 5)


def test_pages_that_crashed_extraction_fail_the_run() -> None:
    outcome = decide_outcome({"a": SiteTally(new=5, crashes=2)}, "finished", {})
    assert outcome.exit_code == 4
    assert outcome.problems == ["a: 2 page(s) crashed extraction (see failures)"]
