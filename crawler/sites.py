"""Which sites a crawl covers, from Scrapy settings and spider arguments.

The one place that turns `-a site=SLUG` / `-s PORTAL_SITES_FILE=...` into resolved
`SiteProfile`s, shared by the spider and the `crawl` command (which checks arguments before the
crawl starts, so that a bad slug or profile fails fast with a clear message).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler import settings as defaults  # the one place for defaults
from crawler.generic.profile import generic_profile
from crawler.profiles import ProfileError, load_families, load_sites, select_sites
from crawler.profiles.model import SiteProfile

USER_AGENT_TEMPLATE = "vngov-archive/0.1 (research archive of Vietnamese local-government news; +{contact})"


def user_agent(contact: str | None) -> str:
    """The crawler's User-Agent: names the project and how to reach its operator."""
    return USER_AGENT_TEMPLATE.format(contact=contact or "no contact configured")


def load_registry(settings: Mapping[str, Any]) -> dict[str, SiteProfile]:
    """Every configured site, resolved against its family profile."""
    families = load_families(settings.get("PORTAL_FAMILIES_DIR") or defaults.PORTAL_FAMILIES_DIR)
    return load_sites(settings.get("PORTAL_SITES_FILE") or defaults.PORTAL_SITES_FILE, families, settings)


def resolve_sites(settings: Mapping[str, Any], site: str | None, start_url: str | None) -> list[SiteProfile]:
    """The sites for one crawl. Raises ProfileError (or UnknownSiteError) with a clear message."""
    if start_url is not None:  # generic mode: a synthetic profile for the portal of one URL
        if site:
            raise ProfileError("give either -a site=SLUG (a configured portal) or -a start_url=URL, not both")
        return [generic_profile(start_url)]
    sites = select_sites(load_registry(settings), site)
    if not sites:
        raise ProfileError(f"{settings.get('PORTAL_SITES_FILE')}: no enabled sites to crawl")
    return sites
