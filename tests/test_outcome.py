"""Crawl outcomes and the exit codes a cron job acts on."""
from __future__ import annotations

from collections import Counter

from pipelines.outcome import SiteTally, count_stats, decide_outcome, health_report


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


# --- what happened, in numbers ---------------------------------------------------------------------

GENERIC_STATS = {
    "portal/generic-x/generic/pages/other": 20,
    "portal/generic-x/generic/rejected/short_body": 17,
    "portal/generic-x/generic/rejected/no_title": 3,
    "portal/generic-x/generic/skipped/trap_word": 4,
    "portal/generic-x/generic/limit/page_limit": 2000,
    "portal/generic-x/generic/limit/depth_limit": 6,
    "portal/generic-x/listing_pages": 0,
    "downloader/request_count": 25,
}


def tallies_from(stats: dict, **tally: object) -> dict[str, SiteTally]:
    tallies = {"generic-x": SiteTally(**tally)}  # type: ignore[arg-type]
    count_stats(tallies, stats)
    return tallies


def test_pages_fetched_but_none_an_article_says_why_each_was_not() -> None:
    outcome = decide_outcome(tallies_from(GENERIC_STATS), "finished", {})
    assert outcome.exit_code == 4
    assert outcome.problems == ["generic-x: 20 pages fetched, none looked like an article: 17 short_body, 3 no_title"]


def test_listings_non_html_pages_and_failed_requests_are_counted_too() -> None:
    stats = {"portal/generic-x/generic/pages/listing": 5, "portal/generic-x/generic/pages/other": 1,
             "portal/generic-x/generic/pages/not_html": 2, "portal/generic-x/generic/rejected/headlines": 3,
             "portal/generic-x/generic/rejected/pager": 2, "portal/generic-x/generic/rejected/home_page": 1}
    outcome = decide_outcome(tallies_from(stats, failures=Counter(http=4)), "finished", {"generic-x": 12})
    assert outcome.problems == ["generic-x: 8 pages fetched, none looked like an article: 3 headlines, 2 not_html, "
                                "2 pager, 1 home_page; 4 failed request(s); 12 articles in the archive: layout change?"]


def test_pages_refused_by_robots_txt_say_so() -> None:
    tallies = {"a": SiteTally(failures=Counter(robots=12))}
    assert decide_outcome(tallies, "finished", {}).problems == ["a: 12 pages refused by robots.txt"]
    stats = {"portal/a/generic/pages/listing": 1, "portal/a/generic/rejected/headlines": 1}
    tallies = {"a": SiteTally(failures=Counter(robots=1))}
    count_stats(tallies, stats)
    assert decide_outcome(tallies, "finished", {}).problems == [
        "a: 1 page refused by robots.txt; 1 page fetched, none looked like an article: 1 headlines"]


def test_pages_too_large_say_so() -> None:
    outcome = decide_outcome({"a": SiteTally(failures=Counter(too_large=1))}, "finished", {})
    assert outcome.problems == ["a: 1 page too large (PORTAL_MAX_PAGE_BYTES)"]


def test_unreachable_and_silent_sites_keep_their_messages() -> None:
    stats = {"portal/generic-x/generic/limit/page_limit": 2000}  # a generic crawl that fetched nothing
    tallies = tallies_from(stats, failures=Counter(network=1))
    assert decide_outcome(tallies, "finished", {}).problems == [
        "generic-x: no articles, 1 failed request(s): site unreachable?"]
    assert decide_outcome({"a": SiteTally()}, "finished", {}).problems == ["a: no articles found"]


def test_a_limit_that_cut_the_crawl_is_a_warning_not_a_failure() -> None:
    stats = {"portal/generic-x/generic/pages/article": 1500, "portal/generic-x/generic/skipped/page_limit": 345,
             "portal/generic-x/generic/limit/page_limit": 2000, "portal/generic-x/generic/skipped/depth_limit": 0,
             "portal/generic-x/generic/limit/depth_limit": 6}
    tallies = tallies_from(stats, new=1500)
    health = health_report(tallies, {})
    outcome = decide_outcome(tallies, "finished", {}, health)
    warning = "generic-x: generic crawl stopped by its page limit (2000): 345 links not followed; raise -a max_pages"
    assert (outcome.status, outcome.exit_code, outcome.problems, outcome.warnings) == ("ok", 0, [warning], [warning])
    assert health.sites["generic-x"]["cut_by_limits"] == {"page_limit": {"limit": 2000, "not_followed": 345}}
    assert health.lines()[0].endswith("; stopped by its page limit (2000): 345 links not followed")


def test_a_depth_limit_note_follows_a_failure() -> None:
    stats = {**GENERIC_STATS, "portal/generic-x/generic/skipped/depth_limit": 1}
    outcome = decide_outcome(tallies_from(stats), "finished", {})
    assert outcome.exit_code == 4
    assert outcome.problems[1:] == ["generic-x: generic crawl stopped by its depth limit (6): 1 link not followed; "
                                    "raise -a max_depth"]
    assert outcome.warnings == outcome.problems[1:]
