"""Article, listing or other: what a page of an unknown portal is. Pure.

An **article** has one main title (a heading matching ``og:title``/``<title>``, or ``og:title``),
a main text block of substance (``MIN_BODY_CHARS`` of text outside menus, side boxes, footers and
related lists, or ``MIN_SHORT_BODY_CHARS`` in ``MIN_SHORT_BODY_LINES`` paragraphs) that is not
link-heavy, holds no pager and no repeated date lines (the items of a listing whose titles are
not links), with no list of other headlines between it and the title; and it is *news*: it states
a publication date (on the page, in its metadata or in its URL). Under a static section of the
site (``/gioi-thieu/``, ``/lien-he/``, ``/co-cau-to-chuc/``...) a date is not enough: a view
counter, a byline or an article type must say so too. A URL shape alone is never enough, and
the home page is never an article.

A **listing** repeats headline links of one shape (``MIN_LIST_HEADLINES`` or more) or has a
pager. Anything else (contact page, organisation chart, a static "Giới thiệu" page without a
date) is **other**. Only articles become rows; the spider counts the others.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.generic.layout import Layout, headline_groups, is_headline_link, related_block_follows
from crawler.generic.lines import is_inside
from crawler.generic.urls import article_url_hint, is_home_url, is_static_section
from pipelines.normalize import normalize_authors, normalize_datetime

if TYPE_CHECKING:
    from crawler.generic.document import PageDocument
    from crawler.items import ArticleFields

ARTICLE, LISTING, OTHER = "article", "listing", "other"
MIN_BODY_CHARS = 400
MIN_SHORT_BODY_CHARS = 250
MIN_SHORT_BODY_LINES = 3
MAX_BODY_LINK_RATIO = 0.3
MIN_LIST_HEADLINES = 4
MAX_INNER_META = 2  # date lines inside the text: the items of a listing, not one article
MAX_INNER_LINKS = 3
MIN_UNDATED_EVIDENCE = 2
OWN_SIGNS = frozenset({"date_slot", "views", "byline", "type"})
EMPTY_DATE_SLOT = re.compile(r"\(\s*\)\s*$")


@dataclass(frozen=True)
class Verdict:
    """What a page is, and why (``reason``: the first article test it failed, or the evidence)."""

    kind: str
    reason: str


def classify(page: PageDocument, read_fields: Callable[[], ArticleFields]) -> Verdict:
    """The page's kind. `read_fields` gives its article fields, read only when the cheaper tests
    (title, text, lists, pager) leave the question open: most pages of a crawl are listings."""
    failed = article_failure(page, read_fields)
    if failed is None:
        return Verdict(ARTICLE, "+".join(article_evidence(page, read_fields())))
    if page.pager.links:
        return Verdict(LISTING, "pager")
    groups = headline_group_sizes(page)
    if groups and max(groups) >= MIN_LIST_HEADLINES:
        return Verdict(LISTING, f"headlines:{max(groups)}")
    return Verdict(OTHER, failed)


def article_failure(page: PageDocument, read_fields: Callable[[], ArticleFields]) -> str | None:
    """The first article test the page fails, or None when it is an article."""
    layout = page.layout
    if is_home_url(page.url):
        return "home_page"
    if layout.title is None and not page.structured.og_title()[0]:
        return "no_title"
    chars, lines = layout.body_chars, len(layout.body)
    if chars < MIN_BODY_CHARS and not (chars >= MIN_SHORT_BODY_CHARS and lines >= MIN_SHORT_BODY_LINES):
        if not _notice(layout):
            return "short_body"
    if sum(ln.chars * ln.link_ratio for ln in layout.body) > MAX_BODY_LINK_RATIO * chars:
        return "link_heavy_body"
    if any(is_headline_link(line) for line in layout.between):
        return "headlines_before_body"
    if layout.inner_meta >= MAX_INNER_META or layout.inner_links >= MAX_INNER_LINKS:
        return "repeated_items"
    if any(is_inside(block, layout.container) for block in page.pager.blocks):
        return "pager_in_body"
    evidence = article_evidence(page, read_fields())
    if "date" not in evidence and not _undated_article(page, evidence):
        return "no_date"
    if is_static_section(page.url) and len(evidence) < 2:
        return "static_page"
    return None


def _notice(layout: Layout) -> bool:
    """A short notice (a sentence or two) or one whose content is an attached document (no text):
    an article when its title is a heading with its date line beside it, or the link the crawl
    followed, and nothing under it looks like a list."""
    if layout.title is None or not (layout.title_dated or layout.anchor == "referrer"):
        return False
    return layout.title_kind != "bold" or bool(layout.body)


def _undated_article(page: PageDocument, evidence: list[str]) -> bool:
    """Some real articles show no date at all (an empty "( )" where it should be). Such a page is
    still an article when it has a full text under a heading and at least two other signs."""
    layout = page.layout
    if layout.title is None or layout.title_kind == "bold" or layout.body_chars < MIN_BODY_CHARS:
        return False
    signs = [e for e in evidence if e != "date"]
    # Two signs, one of them the page's own (an empty date slot, views, a byline, an article
    # type): where a page was linked from and what follows it are shared by static pages too.
    return len(signs) >= MIN_UNDATED_EVIDENCE and bool(OWN_SIGNS.intersection(signs))


def article_evidence(page: PageDocument, fields: ArticleFields) -> list[str]:
    """Which signs of a news article the page shows (see the module docstring)."""
    found = []
    if normalize_datetime(fields.date_raw, now=page.now) is not None or fields.date_in_url:
        found.append("date")
    if page.structured.is_article_type():
        found.append("type")
    if article_url_hint(page.url):
        found.append("url")
    if fields.views_raw:
        found.append("views")
    if fields.byline_raw and normalize_authors(fields.byline_raw):
        found.append("byline")
    layout = page.layout
    if layout.title is not None and EMPTY_DATE_SLOT.search(layout.title.text):
        found.append("date_slot")  # "Tiêu đề ( )": the page has a place for a date, left empty
    if related_block_follows(layout):
        found.append("related")
    if page.referrer is not None and page.referrer.headline:
        found.append("listed")  # reached through a headline link of a listing
    return found


def headline_group_sizes(page: PageDocument) -> list[int]:
    """Sizes of the groups of same-shaped headline links (see `layout.headline_groups`)."""
    return list(headline_groups(page.lines).values())
