"""Frozen dataclasses that hold site knowledge once it is loaded and validated.

A *family* profile describes one platform (URL scheme, pagination, selectors); a *site* is one
portal in the registry, running one family, with optional per-site overrides. `SiteProfile` is
the resolved pair the spider and page objects work with. Nothing here does I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pipelines.identity import DEFAULT_RULES, IdentityRules, article_key, at_address, rebase


@dataclass(frozen=True)
class UrlRules:
    """Regexes (searched in the URL path and query) that classify a portal's URLs."""

    article: tuple[re.Pattern[str], ...]
    listing: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    # One regex with three groups (year, month, day): the publication date carried by the URL.
    date_in_url: re.Pattern[str] | None = None

    def is_article(self, url: str) -> bool:
        target = _path_and_query(url)
        return not self.is_excluded(url) and any(p.search(target) for p in self.article)

    def is_listing(self, url: str) -> bool:
        target = _path_and_query(url)
        return not self.is_excluded(url) and any(p.search(target) for p in self.listing)

    def is_excluded(self, url: str) -> bool:
        target = _path_and_query(url)
        return any(p.search(target) for p in self.exclude)


@dataclass(frozen=True)
class ListingRules:
    """How to find article links and the next listing page."""

    # CSS selectors (each ending in ::attr(href)) for the main list's article links.
    article_links: tuple[str, ...]
    # "postback" (ASP.NET __doPostBack forms) or "link" (a plain next-page href).
    pagination: str = "link"
    # CSS selector of the pager's anchors.
    pager: str = "a"
    # Anchor texts that mean "next page", in order of preference.
    next_labels: tuple[str, ...] = ("Trang sau", "Tiếp", "Next", "›", ">", "»")
    # id of the form to post back (ASP.NET pages have one form around the body).
    form_id: str = "aspnetForm"
    # 0 = no limit.
    max_pages: int = 0


@dataclass(frozen=True)
class ArticleRules:
    """Selector chains for article fields: the first selector that yields text wins."""

    title: tuple[str, ...]
    body: tuple[str, ...]
    date: tuple[str, ...] = ()
    views: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    # A labelled source credit in its own element ("Nguồn tin: ..."): not an author.
    source: tuple[str, ...] = ()
    # Elements removed from the body before its text is read (share bars, print links...).
    body_drop: tuple[str, ...] = ("script", "style", "noscript", "iframe")
    # Where an unlabelled byline sits: "last_paragraph" or "none".
    byline: str = "last_paragraph"
    # Suffix removed from <title> when it is the title source (" - CỔNG THÔNG TIN ...").
    title_suffix: tuple[str, ...] = ()


@dataclass(frozen=True)
class FamilyProfile:
    """A platform family: everything that is the same on every portal running it."""

    family: str
    name: str
    urls: UrlRules
    listing: ListingRules
    article: ArticleRules
    source: str = ""  # file the profile came from, for messages
    # How the platform spells one page differently (pipelines/identity.py): the `[identity]` table.
    identity: IdentityRules = DEFAULT_RULES


@dataclass(frozen=True)
class SiteProfile:
    """One portal, resolved: registry entry plus its family's rules with overrides applied."""

    slug: str
    name: str
    base_url: str
    family: str
    start_urls: tuple[str, ...]
    urls: UrlRules
    listing: ListingRules
    article: ArticleRules
    enabled: bool = True
    province: str = ""
    unit: str = ""
    level: str = ""
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)
    # The site's other addresses (former hosts, other schemes or ports), as URLs; `base_url` is
    # the current one. Its articles keep one key at any of them (pipelines/identity.py).
    aliases: tuple[str, ...] = ()
    identity: IdentityRules = DEFAULT_RULES
    # The administrative unit, resolved when the registry loads (crawler/profiles/units.py):
    # its `admin_units` uid ("legacy:437", "2025:18118") and its vnadmin Location in both eras.
    unit_code: str = ""
    location: Any = field(default=None, compare=False, repr=False)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def addresses(self) -> tuple[str, ...]:
        return (self.base_url, *self.aliases)

    @property
    def hosts(self) -> tuple[str, ...]:
        """Every host name the site answers at (as written: the spider's allowed domains)."""
        return tuple(dict.fromkeys(urlsplit(a).hostname or "" for a in self.addresses))

    def key(self, url: str) -> str:
        """The archive's key of the page at `url` on this site (`pipelines.identity.article_key`)."""
        return article_key(self.slug, url, self.identity)

    def owns(self, url: str) -> bool:
        """Whether `url` is at one of the site's addresses (`pipelines.identity.at_address`)."""
        return any(at_address(url, address) for address in self.addresses)

    def current_url(self, url: str) -> str:
        """A stored address of this site's page, at the site's current address (`base_url`)."""
        return rebase(url, self.base_url)


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
