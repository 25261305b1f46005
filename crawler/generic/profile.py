"""The synthetic `SiteProfile` of a portal crawled from one start URL (generic mode). Pure.

Its slug names the host (``generic-honglinh-hatinh-gov-vn``; a non-default port is kept, so two
local portals never share a slug), its family is ``generic``, and its rules are permissive
defaults: generic mode decides with `crawler.generic.classify`, not with selectors, but the
storage and the reports read the profile like any other.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.generic.urls import DATE_IN_URL, canonicalize_url
from crawler.profiles import ProfileError
from crawler.profiles.model import ArticleRules, ListingRules, SiteProfile, UrlRules
from pipelines.vocab import NEXT_LABELS

GENERIC_FAMILY = "generic"
_ANY = re.compile(r".")


def generic_slug(url: str) -> str:
    """``https://www.Honglinh.hatinh.gov.vn/x`` -> ``generic-honglinh-hatinh-gov-vn``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f"-{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    return "generic-" + re.sub(r"[^a-z0-9]+", "-", host).strip("-") + port


def generic_profile(start_url: str) -> SiteProfile:
    """The profile of the portal at `start_url`; ProfileError when it is not an http(s) URL."""
    url = (start_url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProfileError(f"start_url: {start_url!r} is not an absolute http(s) URL "
                           "(expected e.g. https://honglinh.hatinh.gov.vn/portal/Pages/default.aspx)")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ProfileError(f"start_url: {start_url!r} has an invalid port") from None
    start = canonicalize_url(url)
    # Without "www.": the spider's allowed domain then covers both spellings of the host.
    base = f"{parts.scheme}://{urlsplit(start).netloc.removeprefix('www.')}"
    return SiteProfile(
        slug=generic_slug(url), name=f"{parts.hostname} (generic crawl)", base_url=base, family=GENERIC_FAMILY,
        start_urls=(start,), urls=UrlRules(article=(_ANY,), listing=(_ANY,), date_in_url=DATE_IN_URL),
        listing=ListingRules(article_links=("a::attr(href)",), pagination="link",
                             pager='a[href*="__doPostBack"]', next_labels=tuple(sorted(NEXT_LABELS))),
        article=ArticleRules(title=("h1",), body=("body",)),
        notes=f"Crawled without a profile from {start}",
    )
