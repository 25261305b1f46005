"""What every test portal shares: its stories, categories, listing pages and ground truth.

A test portal is a `PortalSite` subclass that knows one platform family's URL scheme and markup;
its content comes from the bundled sample corpus (`sample_portal.SamplePortal`: titles,
leads, paragraphs, bylines with their true authors, dates and view counts), a different slice per
portal, so the texts are realistic and the truth is known without reading any HTML. Subclasses
implement `route` (path and query to a page) and the page renderers; this class answers requests
(`handle`, the `sample_portal.server.Site` protocol) and builds the ground truth.
"""
from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sample_portal import SamplePortal
from sample_portal.corpus import Article, slugify
from sample_portal.sharepoint import WEEKDAYS, today_clock

Reply = tuple[int, dict[str, str], bytes]
CORPUS_EXTRA = 60  # extra corpus articles on top of the 72 base ones: about 26 per portal
PORTAL_COUNT = 5
STORIES_PER_PORTAL = 22
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below


@lru_cache(maxsize=1)
def corpus_articles() -> tuple[Article, ...]:
    """The shared corpus, newest first (built once per process)."""
    return tuple(SamplePortal(extra_articles=CORPUS_EXTRA).articles())


@dataclass(frozen=True)
class Category:
    slug: str
    name: str


@dataclass(frozen=True)
class Story:
    """One article as a test portal publishes it."""

    key: int  # the portal's own numeric id
    category: Category
    article: Article

    @property
    def title(self) -> str:
        return self.article.title

    @property
    def slug(self) -> str:
        return slugify(self.article.title, 80).lower()

    @property
    def published(self) -> datetime:
        return self.article.published

    @property
    def paragraphs(self) -> list[str]:
        """The reader-visible text: lead (when there is one), paragraphs and captions."""
        lead = [self.article.sapo] if self.article.sapo else []
        return lead + list(self.article.text_blocks)

    @property
    def short_date(self) -> str:
        return f"{self.published:%d/%m/%Y}"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def weekday(when: datetime) -> str:
    return WEEKDAYS[when.weekday()]


def encode_cp1258(text: str) -> bytes:
    """windows-1258 as old Vietnamese sites wrote it: base letters precomposed (ơ, ư, â...), tone
    marks as separate combining characters (``ờ`` is ``ơ`` + U+0300)."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in decomposed if c in TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
            out.append((base + tones).encode("cp1258", errors="xmlcharrefreplace"))
    return b"".join(out)


class PortalSite:
    """Base of the test portals: content, listings, replies, ground truth."""

    title = "Test portal"
    family = "test"
    home = "/"
    slot = 0  # which slice of the corpus this portal publishes
    id_base = 1000
    per_page = 8
    categories: tuple[Category, ...] = ()
    charset = "utf-8"  # what the page declares and is encoded in
    header_charset = True  # whether the HTTP Content-Type names the charset too
    shows_lead = True  # the lead is set apart (so it is the summary)
    shows_category = True  # a breadcrumb (or declared section) names the category
    day_only_dates = False  # the date line of a day-only record shows no time (else the CMS's time)

    def __init__(self) -> None:
        picked = corpus_articles()[self.slot::PORTAL_COUNT][:STORIES_PER_PORTAL]
        self.stories = [Story(self.id_base + 7 * (len(picked) - i), self.categories[0 if i % 3 else 1], a)
                        for i, a in enumerate(picked)]
        self.by_key = {s.key: s for s in self.stories}

    # -- content helpers

    def listing(self, category: Category) -> list[Story]:
        return [s for s in self.stories if s.category == category]

    def page_count(self, category: Category) -> int:
        return max(1, -(-len(self.listing(category)) // self.per_page))

    def page_of(self, category: Category, page: int) -> list[Story]:
        return self.listing(category)[(page - 1) * self.per_page:page * self.per_page]

    def related(self, story: Story, n: int = 5) -> list[Story]:
        return [s for s in self.listing(story.category) if s is not story][:n]

    def newest(self, n: int = 5) -> list[Story]:
        return self.stories[:n]

    def category(self, slug: str) -> Category | None:
        return next((c for c in self.categories if c.slug.lower() == slug.lower()), None)

    # -- answering

    def handle(self, method: str, path: str, query: str, form: dict[str, str]) -> Reply:
        page = self.route(path, query)
        if page is None:
            return self.reply(404, "<html><head><title>404</title></head><body><h1>404 - Không tìm thấy trang"
                                   "</h1></body></html>")
        if isinstance(page, tuple):  # a redirect
            return page
        return self.reply(200, page)

    def reply(self, status: int, page: str) -> Reply:
        kind = f"text/html; charset={self.charset}" if self.header_charset else "text/html"
        body = encode_cp1258(page) if self.charset == "windows-1258" else page.encode(self.charset)
        return status, {"Content-Type": kind}, body

    def redirect(self, location: str) -> Reply:
        return 302, {"Location": location, "Content-Type": "text/html"}, b"<html><body>Moved</body></html>"

    def route(self, path: str, query: str) -> str | Reply | None:
        raise NotImplementedError

    def article_path(self, story: Story) -> str:
        raise NotImplementedError

    # -- ground truth

    def published_at(self, story: Story) -> str:
        """What the page states: the time of day unless the date line shows only the day."""
        if self.day_only_dates and story.article.date_style == "day":
            return story.published.date().isoformat()
        return story.published.isoformat(timespec="seconds")

    def view_count(self, story: Story) -> int | None:
        return story.article.views

    def truth(self, origin: str) -> list[dict]:
        """One row per article, as a perfect generic crawl of the portal at `origin` stores it."""
        return [self.truth_row(s, origin) for s in self.stories]

    def truth_row(self, story: Story, origin: str) -> dict:
        lead = story.article.sapo if self.shows_lead else None
        return {
            "url": origin + self.article_path(story),
            "title": clean(story.title),
            "summary": clean(lead) if lead else None,
            "body_text": "\n\n".join(clean(p) for p in story.paragraphs if clean(p)),
            "authors": list(story.article.authors),
            "published_at": self.published_at(story),
            "view_count": self.view_count(story),
            "category": story.category.name if self.shows_category else None,
            "byline": story.article.byline,
        }


def clock() -> str:
    """Today's header clock, e.g. ``Thứ hai, 25/11/2024``."""
    return today_clock()


def paragraphs_html(story: Story, render: Callable[[str, str], str]) -> str:
    """The content blocks through a family's `render(kind, text)`; kinds as in the corpus
    (``p``, ``div``, ``span``, ``nbsp``, ``plain``, ``figure``, ``spacer``)."""
    return "\n".join(render(block.kind, block.text) for block in story.article.blocks)
