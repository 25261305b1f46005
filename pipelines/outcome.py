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

A problem says what happened in numbers: a site whose pages were fetched but none kept as an
article says how many and why each was turned down (``generic-x: 20 pages fetched, none looked
like an article: 17 short_body, 3 no_title``), pages refused by robots.txt are counted as such.
Some problems are only warnings (`Outcome.warnings`): a generic crawl cut short by its page or
depth limit is reported, but a run that archived articles still exits 0.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

EXIT_OK, EXIT_BOOTSTRAP, EXIT_CONFIG, EXIT_ARCHIVE, EXIT_SITE_FAILED, EXIT_INTERRUPTED, EXIT_BUSY = range(7)

# Article fields whose coverage the health report shows, in this order.
HEALTH_FIELDS = ("title", "body_text", "published_at", "view_count", "authors", "summary", "category")
# Coverage is judged only on a sample large enough to mean something.
MIN_ARTICLES_FOR_FLOORS = 10
# Generic mode's limits: stats name, what the report calls it, the argument that raises it.
LIMITS = {"page_limit": ("page limit", "max_pages"), "depth_limit": ("depth limit", "max_depth")}


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
    # Generic mode, from the crawl stats (`count_stats`): fetched pages by verdict kind, the
    # non-articles by the reason they were turned down, and what each limit cut:
    # {"page_limit": (2000, 345)} is the limit's value and the links it left unfollowed.
    pages: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)
    cut: dict[str, tuple[int | None, int]] = field(default_factory=dict)

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


def count_stats(tallies: dict[str, SiteTally], stats: Mapping[str, Any]) -> None:
    """Add what the spider counted in the crawl stats to the sites' tallies: the generic crawl's
    pages (``portal/<slug>/generic/pages/<kind>``), why pages were not articles
    (``.../generic/rejected/<reason>``) and what its limits cut (``.../generic/skipped/page_limit``,
    ``depth_limit``, with ``.../generic/limit/<limit>``)."""
    for key, value in stats.items():
        parts = key.split("/")
        if len(parts) != 5 or parts[0] != "portal" or parts[2] != "generic" or not isinstance(value, int):
            continue
        slug, group, name = parts[1], parts[3], parts[4]
        tally = tallies.setdefault(slug, SiteTally())
        if group == "pages":
            tally.pages[name] = value
        elif group == "rejected":
            tally.rejected[name] = value
        elif group == "skipped" and name in LIMITS and value > 0:
            limit = stats.get(f"portal/{slug}/generic/limit/{name}")
            tally.cut[name] = (limit if isinstance(limit, int) else None, value)


def limit_notes(site: str, tally: SiteTally) -> list[str]:
    """One line per limit that cut a generic crawl short (a warning, not a failure)."""
    out = []
    for name, (limit, skipped) in sorted(tally.cut.items()):
        label, argument = LIMITS[name]
        value = f" ({limit})" if limit is not None else ""
        out.append(f"{site}: generic crawl stopped by its {label}{value}: {skipped} link{_s(skipped)} not followed; "
                   f"raise -a {argument}")
    return out


def nothing_kept(site: str, tally: SiteTally, previous: int) -> str:
    """Why a site yielded no article, from what its pages and requests became."""
    fetch_failures = tally.failures["http"] + tally.failures["network"]
    fetched = sum(tally.pages.values())
    robots = tally.failures["robots"]
    if not fetched and not robots and not tally.failures["too_large"] and fetch_failures:
        return f"{site}: no articles, {fetch_failures} failed request(s): site unreachable?"
    parts = []
    if robots:
        parts.append(f"{robots} page{_s(robots)} refused by robots.txt")
    if fetched:
        dropped = tally.pages["article"]  # looked like articles, dropped on the way (no title once cleaned)
        why = tally.rejected + Counter({"not_html": tally.pages["not_html"], "crashed_extraction": tally.pages["error"],
                                        "article_dropped": dropped})
        breakdown = ", ".join(f"{n} {reason}" for reason, n in sorted(why.items(), key=lambda kv: (-kv[1], kv[0]))
                              if n)
        parts.append(f"{fetched} page{_s(fetched)} fetched, none {'kept as' if dropped else 'looked like'} an "
                     f"article" + (f": {breakdown}" if breakdown else ""))
    if tally.failures["too_large"]:
        n = tally.failures["too_large"]
        parts.append(f"{n} page{_s(n)} too large (PORTAL_MAX_PAGE_BYTES)")
    if not parts:
        return (f"{site}: no articles this run, {previous} in the archive: layout change?" if previous
                else f"{site}: no articles found")
    if fetch_failures:
        parts.append(f"{fetch_failures} failed request(s)")
    if previous:
        parts.append(f"{previous} articles in the archive: layout change?")
    return f"{site}: " + "; ".join(parts)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


@dataclass(frozen=True)
class Health:
    """Per-site coverage of each field in this run, and the floors it broke."""

    sites: dict[str, dict[str, Any]]
    broken: list[str]

    def lines(self) -> list[str]:
        out = []
        for site, info in sorted(self.sites.items()):
            cover = ", ".join(f"{k} {v:.0%}" for k, v in info["coverage"].items())
            line = f"{site}: {info['articles']} articles, {info['failures']} failures; {cover or 'no coverage'}"
            for name, cut in sorted(info.get("cut_by_limits", {}).items()):
                line += f"; stopped by its {LIMITS[name][0]} ({cut['limit']}): {cut['not_followed']} links not followed"
            out.append(line)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"sites": self.sites, "broken_floors": self.broken}


@dataclass(frozen=True)
class Outcome:
    status: str  # "ok", "failed" or "interrupted"
    exit_code: int
    problems: list[str]  # what went wrong, the warnings last (crawl_runs.problems)
    warnings: list[str] = field(default_factory=list)  # the problems that do not fail the run


def health_report(tallies: dict[str, SiteTally], floors: dict[str, float]) -> Health:
    """Coverage per site and field; a floor is broken when coverage < floor on enough articles."""
    sites, broken = {}, []
    for site, tally in sorted(tallies.items()):
        coverage = {f: tally.fields[f] / tally.seen for f in HEALTH_FIELDS} if tally.seen else {}
        sites[site] = {"articles": tally.seen, "failures": sum(tally.failures.values()),
                       "coverage": {k: round(v, 3) for k, v in coverage.items()}}
        if tally.cut:
            sites[site]["cut_by_limits"] = {name: {"limit": limit, "not_followed": skipped}
                                            for name, (limit, skipped) in sorted(tally.cut.items())}
        if tally.rejected:
            sites[site]["not_articles"] = dict(sorted(tally.rejected.items()))
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
    problems, warnings = [], []
    for site, tally in sorted(tallies.items()):
        warnings += limit_notes(site, tally)
        if tally.crashes:
            problems.append(f"{site}: {tally.crashes} page(s) crashed extraction (see failures)")
        if tally.seen or tally.readable_walks:
            continue
        problems.append(nothing_kept(site, tally, previous.get(site, 0)))
    problems += health.broken if health else []
    if archive_problems:
        return Outcome("failed", EXIT_ARCHIVE, [*archive_problems, f"finish reason: {finish_reason}", *problems,
                                                *warnings], warnings)
    if finish_reason != "finished":
        return Outcome("interrupted", EXIT_INTERRUPTED, [f"finish reason: {finish_reason}", *problems, *warnings],
                       warnings)
    if problems:
        return Outcome("failed", EXIT_SITE_FAILED, [*problems, *warnings], warnings)
    return Outcome("ok", EXIT_OK, warnings, warnings)
