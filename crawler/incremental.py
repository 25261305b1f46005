"""The incremental-crawl policy: what to fetch again and when a category walk may stop early.

Pure decisions over what `pipelines.crawlstate.CrawlState` reports, so they can be tested
without a crawl:

- A category listing is walked page by page, newest first. In incremental mode the walk stops
  at the first page whose article links are all archived, but only if the previous walk of that
  category reached its end in a run that finished cleanly: after a crash or an error mid-walk the
  next run walks the whole category again, so a killed crawl never leaves a gap.
- Known articles are fetched again (which adds a `view_counts` observation and catches edits)
  only when their last fetch is older than `refetch_after`, newest publications first, at most
  `refetch_budget` per site and run.
- Article pages that failed for a retryable reason (network, 5xx, 429) are tried again in later
  runs, up to `retry_runs` failures in all; 4xx failures are final.
- A site may have moved since (another port for a sample portal, https, a new host): walks and
  articles are matched by key, and stored addresses are fetched at the site's current address.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from crawler import settings as defaults  # the one place for defaults
from pipelines.crawlstate import CrawlState

if TYPE_CHECKING:
    from crawler.profiles.model import SiteProfile


@dataclass(frozen=True)
class IncrementalPolicy:
    full: bool = False
    refetch_after: timedelta = timedelta(days=7)
    refetch_budget: int = 200
    retry_runs: int = 3
    retry_budget: int = 200

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], full: bool) -> IncrementalPolicy:
        return cls(
            full=full,
            refetch_after=timedelta(hours=float(settings.get("PORTAL_REFETCH_AFTER_HOURS", defaults.PORTAL_REFETCH_AFTER_HOURS))),
            refetch_budget=int(settings.get("PORTAL_REFETCH_BUDGET", defaults.PORTAL_REFETCH_BUDGET)),
            retry_runs=int(settings.get("PORTAL_RETRY_FAILED_RUNS", defaults.PORTAL_RETRY_FAILED_RUNS)),
            retry_budget=int(settings.get("PORTAL_RETRY_BUDGET", defaults.PORTAL_RETRY_BUDGET)),
        )

    @property
    def mode(self) -> str:
        return "full" if self.full else "incremental"

    def may_stop_early(self, listing_url: str, completed_walks: set[str]) -> bool:
        """Whether this category's walk may stop at a page of known articles."""
        return not self.full and listing_url in completed_walks

    def refetch_cutoff(self, now: datetime) -> str:
        """Articles fetched before this ISO time are due for another visit."""
        return (now - self.refetch_after).isoformat(timespec="seconds")


@dataclass
class SitePlan:
    """What one run does for one site besides walking its listings."""

    completed_walks: set[str]
    refetch: list[str]
    retry: list[str]


def plan_site(state: CrawlState, policy: IncrementalPolicy, site: SiteProfile, now: datetime) -> SitePlan:
    """Read the archive once, before the crawl starts, for one site.

    `completed_walks` holds the site's start URLs (as this run requests them) whose category was
    walked to its end, at this address or a former one; re-fetches and retries go to the site's
    current address.
    """
    done = state.completed_walks(site.slug)
    return SitePlan(
        completed_walks={url for url in site.start_urls if url in done or site.key(url) in done},
        refetch=[site.current_url(u) for u in
                 state.due_for_refetch(site.slug, policy.refetch_cutoff(now), policy.refetch_budget)],
        retry=[site.current_url(u) for u in state.failed_to_retry(site.slug, policy.retry_runs, policy.retry_budget)],
    )
