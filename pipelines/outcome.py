"""A crawl's outcome: per-site tallies in, a status, problems and an exit code out. Pure.

Exit codes a cron job can act on (documented in the README):

    0  the crawl finished and every site yielded articles
    1  Scrapy itself failed to start (bootstrap error)
    2  configuration error: unknown site slug, invalid profile or registry, bad argument
    3  the archive cannot be used (locked by another writer, not a database, unwritable)
    4  a site failed: no articles from it this run (unreachable, or a layout change), or pages
       crashed extraction (recorded in `failures`)
    5  the crawl was interrupted (SIGINT/SIGTERM or an engine shutdown) before it finished
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

EXIT_OK, EXIT_BOOTSTRAP, EXIT_CONFIG, EXIT_ARCHIVE, EXIT_SITE_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 5


@dataclass
class SiteTally:
    """What one crawl did for one site."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # by kind: http / network / extract
    crashes: int = 0  # pages whose extraction raised (a bug, or HTML nobody foresaw)

    @property
    def seen(self) -> int:
        return self.new + self.updated + self.unchanged

    def as_counter(self) -> Counter[str]:
        return Counter(new=self.new, updated=self.updated, unchanged=self.unchanged,
                       failures=sum(self.failures.values()))


@dataclass(frozen=True)
class Outcome:
    status: str  # "ok", "failed" or "interrupted"
    exit_code: int
    problems: list[str]


def decide_outcome(tallies: dict[str, SiteTally], finish_reason: str, previous: dict[str, int]) -> Outcome:
    """Judge a finished crawl. `previous` holds each site's article count before this run."""
    problems = []
    for site, tally in sorted(tallies.items()):
        if tally.crashes:
            problems.append(f"{site}: {tally.crashes} page(s) crashed extraction (see failures)")
        if tally.seen:
            continue
        fetch_failures = tally.failures["http"] + tally.failures["network"]
        if fetch_failures:
            problems.append(f"{site}: no articles, {fetch_failures} failed request(s): site unreachable?")
        elif previous.get(site):
            problems.append(f"{site}: no articles this run, {previous[site]} in the archive: layout change?")
        else:
            problems.append(f"{site}: no articles found")
    if finish_reason != "finished":
        return Outcome("interrupted", EXIT_INTERRUPTED, [f"finish reason: {finish_reason}", *problems])
    if problems:
        return Outcome("failed", EXIT_SITE_FAILED, problems)
    return Outcome("ok", EXIT_OK, [])
