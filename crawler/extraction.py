"""Where page extraction meets the archive: one stored or captured page in, its article fields out,
by whichever extractor its site needs (its profile's page object, or generic mode). Pure.

The archive layer (`pipelines.reextract`, `pipelines.warc`) never imports page code: the
commands hand it a `PageReader` (this module's `PAGE_READER`), so imports flow one way, from the
commands down to the page objects and, separately, down to the archive.

A page that went through the Wayback Machine (a rendered capture in a WARC file, a stored page
that carries the toolbar) is read as the portal served it: toolbar, playback scripts and notices
removed, links written back to the original URLs (`crawler.pages.archived.unwayback`); a page
addressed by its capture URL (``https://web.archive.org/web/<ts>/<original>``) is read, and
belongs to the site of, its original URL.
"""
from __future__ import annotations

from datetime import datetime

from crawler.generic import extract_article
from crawler.generic.profile import generic_profile
from crawler.items import ArticleFields
from crawler.pages.archived import original_url, unwayback
from crawler.pages.article import ArticlePage
from crawler.profiles.model import SiteProfile


class PageReader:
    """Reads pages for the archive's offline jobs (re-extraction, WARC import)."""

    @staticmethod
    def extract(url: str, html: str, fetched_at: str, profile: SiteProfile | None) -> tuple[ArticleFields | None, str]:
        """Fields of a page with today's extractor, or None and the reason it is no article.
        `profile` None: generic mode (`fetched_at` is the "now" its header-clock check needs)."""
        url = original_url(url)
        html = unwayback(html)  # unchanged unless the page carries the Wayback's additions
        if profile is None:
            verdict, fields = extract_article(url, html, now=datetime.fromisoformat(fetched_at))
            return fields, verdict.reason
        extractor = ArticlePage(url, html, profile)
        reason = extractor.validate()
        return (None, reason) if reason is not None else (extractor.extract(), "")

    @staticmethod
    def generic_site(url: str) -> SiteProfile:
        """The synthetic profile of a page of a portal with no profile (generic mode's site); for a
        Wayback capture URL, the site of the original URL."""
        return generic_profile(original_url(url))


PAGE_READER = PageReader()
