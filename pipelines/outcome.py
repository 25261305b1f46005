"""A crawl's outcome: per-site tallies in, a health report, problems and an exit code out. Pure.

Exit codes a cron job can act on (documented in the README):

    0  the crawl finished and every site is healthy (an incremental run that finds nothing new
       is healthy: its listings were read and all their articles are known)
    1  Scrapy itself failed to start (bootstrap error)
    2  configuration error: unknown site slug, invalid profile or registry, bad argument
    3  the archive cannot be used (not a database, unwritable, locked past the timeout)
    4  a site failed: no listing could be read and no article stored (unreachable, or a layout
       change), a field's coverage fell below its floor, or pages crashed extraction
    5  the crawl was interrupted (SIGINT/SIGTERM or an engine shutdown) before it finished
    6  another crawl is already running on this archive (nothing was done)
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

EXIT_OK, EXIT_BOOTSTRAP, EXIT_CONFIG, EXIT_ARCHIVE, EXIT_SITE_FAILED, EXIT_INTERRUPTED, EXIT_BUSY = range(7)

# Article fields whose coverage the health report shows, in this order.
HEALTH_FIELDS = ("title", "body_text", "published_at", "view_count", "authors", "summary", "category")
# Coverage is judged only on a sample large enough to mean something.
MIN_ARTICLES_FOR_FLOORS = 10


@dataclass
class SiteTally:
    """What one crawl did for one site."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # by kind: http / network / extract
    crashes: int = 0  # pages whose extraction raised (a bug, or HTML nobody foresaw)
    fields: Counter[str] = field(default_factory=Counter)  # articles with each field present
    walks: Counter[str] = field(default_factory=Counter)  # category walks by how they ended

    @property
    def seen(self) -> int:
        return self.new + self.updated + self.unchanged

    def count_fields(self, row: dict[str, Any]) -> None:
        for name in HEALTH_FIELDS:
            value = row.get(name)
            self.fields[name] += value not in (None, "", "[]")

    def count_failure(self, kind: str, reason: str) -> None:
        self.failures[kind] += 1
        self.crashes += reason.startswith("exception:")

    @property
    def readable_walks(self) -> int:
        return sum(n for why, n in self.walks.items() if why in ("last_page", "known_articles", "max_pages"))


@dataclass(frozen=True)
class Health:
    """Per-site coverage of each field in this run, and the floors it broke."""

    sites: dict[str, dict[str, Any]]
    broken: list[str]

    def lines(self) -> list[str]:
        out = []
        for site, info in sorted(self.sites.items()):
            cover = ", ".join(f"{k} {v:.0%}" for k, v in info["coverage"].items())
            out.append(f"{site}: {info['articles']} articles, {info['failures']} failures; {cover or 'no coverage'}")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"sites": self.sites, "broken_floors": self.broken}


@dataclass(frozen=True)
class Outcome:
    status: str  # "ok", "failed" or "interrupted"
    exit_code: int
    problems: list[str]


def health_report(tallies: dict[str, SiteTally], floors: dict[str, float]) -> Health:
    """Coverage per site and field; a floor is broken when coverage < floor on enough articles."""
    sites, broken = {}, []
    for site, tally in sorted(tallies.items()):
        coverage = {f: tally.fields[f] / tally.seen for f in HEALTH_FIELDS} if tally.seen else {}
        sites[site] = {"articles": tally.seen, "failures": sum(tally.failures.values()),
                       "coverage": {k: round(v, 3) for k, v in coverage.items()}}
        if tally.seen < MIN_ARTICLES_FOR_FLOORS:
            continue
        for name, floor in sorted(floors.items()):
            if coverage.get(name, 1.0) < float(floor):
                broken.append(f"{site}: {name} coverage {coverage[name]:.0%} is below its floor {float(floor):.0%}"
                              " (layout change?)")
    return Health(sites, broken)


def decide_outcome(tallies: dict[str, SiteTally], finish_reason: str, previous: dict[str, int],
                   health: Health | None = None, archive_problems: list[str] | None = None) -> Outcome:
    """Judge a finished crawl. `previous` holds each site's article count in the archive;
    `archive_problems` says what could not be written (a crawl that lost writes exits 3)."""
    problems = []
    for site, tally in sorted(tallies.items()):
        if tally.crashes:
            problems.append(f"{site}: {tally.crashes} page(s) crashed extraction (see failures)")
        if tally.seen or tally.readable_walks:
            continue
        fetch_failures = tally.failures["http"] + tally.failures["network"]
        if fetch_failures:
            problems.append(f"{site}: no articles, {fetch_failures} failed request(s): site unreachable?")
        elif previous.get(site):
            problems.append(f"{site}: no articles this run, {previous[site]} in the archive: layout change?")
        else:
            problems.append(f"{site}: no articles found")
    problems += health.broken if health else []
    if archive_problems:
        return Outcome("failed", EXIT_ARCHIVE, [*archive_problems, f"finish reason: {finish_reason}", *problems])
    if finish_reason != "finished":
        return Outcome("interrupted", EXIT_INTERRUPTED, [f"finish reason: {finish_reason}", *problems])
    if problems:
        return Outcome("failed", EXIT_SITE_FAILED, problems)
    return Outcome("ok", EXIT_OK, [])
