"""The content model shared by the commune sample portals (new Hà Tĩnh platform, NukeViet).

What lives where: ``Section`` (a category), ``Post`` (an article's generated content, from
``corpus.compose_article``, plus how its portal shows it) and ``CommunePortal`` (the posts of one
portal: lookup, listing order and pages, related lists). ``compose_posts`` turns a plan of
``corpus.ArticleSpec`` into posts with unique titles, oldest first. Each family module
(``hatinh_new.py``, ``nukeviet.py``) plans its corpus, renders the pages and computes its ground
truth from these objects; nothing here knows a URL scheme or a page layout.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sample_portal.corpus import Article, ArticleSpec, compose_unique, content_truth, format_views
from sample_portal.phrases import Voice


@dataclass(frozen=True)
class Section:
    """A news category (chuyên mục) of a commune portal."""

    slug: str
    name: str


@dataclass(frozen=True)
class Post:
    """One article of a commune portal.

    ``content`` holds the text, date, views, bylines and section slugs (primary first);
    ``slug`` is the platform's URL slug. ``author_field`` / ``source`` are the labelled
    ``Tác giả:`` / ``Nguồn tin:`` lines some platforms show under the content (None: not shown);
    ``decomposed`` marks text stored in NFD; ``content.date_style == "day"`` means the portal
    shows no time of day for it.
    """

    id: int
    slug: str
    content: Article
    author_field: str | None = None
    source: str | None = None
    decomposed: bool = False

    @property
    def title(self) -> str:
        return self.content.title

    @property
    def published(self) -> datetime:
        return self.content.published

    @property
    def sections(self) -> tuple[str, ...]:
        return self.content.categories

    @property
    def views(self) -> int | None:
        return self.content.views

    @property
    def timed(self) -> bool:
        return self.content.date_style != "day"

    @property
    def short_date(self) -> str:
        return f"{self.published:%d/%m/%Y}"


class CommunePortal:
    """The posts of one commune portal, in listing order (newest first), with lookups."""

    def __init__(self, sections: tuple[Section, ...], posts: list[Post], per_page: int) -> None:
        self.sections = sections
        self.per_page = per_page
        self._posts = sorted(posts, key=lambda p: (p.published, p.id), reverse=True)
        self._by_id = {p.id: p for p in self._posts}
        self._by_slug = {p.slug: p for p in self._posts}
        if len(self._by_slug) != len(self._posts):
            raise ValueError("two posts share a URL slug")
        self._order = {s.slug: [p for p in self._posts if s.slug in p.sections] for s in sections}

    def posts(self) -> list[Post]:
        """Every post once, newest first."""
        return list(self._posts)

    def __len__(self) -> int:
        return len(self._posts)

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)

    def find(self, post_id: int) -> Post | None:
        return self._by_id.get(post_id)

    def by_slug(self, slug: str) -> Post | None:
        return self._by_slug.get(slug)

    def pages(self, section: str) -> int:
        """How many listing pages the section has (at least 1)."""
        return max(1, -(-len(self._order[section]) // self.per_page))

    def listing(self, section: str, page: int) -> list[Post]:
        """The posts on listing page `page` (1-based) of a section; [] past the last page."""
        start = (page - 1) * self.per_page
        return self._order[section][start:start + self.per_page] if page >= 1 else []

    def section_size(self, section: str) -> int:
        return len(self._order[section])

    def newest(self, n: int = 5) -> list[Post]:
        return self._posts[:n]

    def most_viewed(self, n: int = 5) -> list[Post]:
        return sorted(self._posts, key=lambda p: p.views or 0, reverse=True)[:n]

    def newer_and_older(self, post: Post, n: int = 5) -> tuple[list[Post], list[Post]]:
        """Up to `n` newer and `n` older posts of its primary section, nearest first."""
        order = self._order[post.sections[0]]
        i = order.index(post)
        return order[max(0, i - n):i][::-1], order[i + 1:i + 1 + n]

    def related(self, post: Post, n: int = 5) -> list[Post]:
        """`n` other posts of its primary section: the next older ones, then the newest."""
        newer, older = self.newer_and_older(post, n)
        picked = older + [p for p in self._order[post.sections[0]] if p is not post and p not in older]
        return picked[:n]


def random_moment(rng: random.Random, start: datetime, days: int, seconds: bool = False) -> datetime:
    """A working-hours moment (07:00-17:59) on one of `days` days from `start`."""
    day = start + timedelta(days=rng.randrange(days))
    return day.replace(hour=rng.randint(7, 17), minute=rng.randrange(60),
                       second=rng.randrange(60) if seconds else 0)


def compose_posts(specs: list[ArticleSpec], seed: str, voice: Voice, make_id: Callable[[int], int],
                  slug_of: Callable[[str], str]) -> list[tuple[int, Article]]:
    """Compose every spec, oldest first, as (index in `specs`, article); the i-th gets ``make_id(i)``.

    Titles and URL slugs come out unique (a title is redrawn when taken).
    """
    order = sorted(range(len(specs)), key=lambda i: specs[i].published)
    composed: list[tuple[int, Article]] = []
    titles: set[str] = set()
    slugs: set[str] = set()
    for rank, i in enumerate(order):
        article = compose_unique(specs[i], make_id(rank), seed, i, titles, voice)
        if slug_of(article.title) in slugs:  # titles differing only in marks or punctuation
            raise RuntimeError(f"post {i}: the URL slug of {article.title!r} is taken")
        titles.add(article.title)
        slugs.add(slug_of(article.title))
        composed.append((i, article))
    return composed


def post_truth(post: Post, sections: dict[str, Section], url: str, site: str, date_raw: str) -> dict:
    """The ground-truth row of a post, given where it lives and the date text its page shows.

    ``published_at`` has seconds when the post shows a time (the sample dates carry the
    precision their page shows) and is the bare day for posts shown without one.
    """
    return {
        **content_truth(post.content),
        "url": url,
        "site": site,
        "category": sections[post.sections[0]].name,
        "categories": [sections[s].name for s in post.sections],
        "published_at": post.published.isoformat(timespec="seconds") if post.timed
        else post.published.date().isoformat(),
        "date_raw": date_raw,
        "views_raw": format_views(post.views) if post.views is not None else None,
    }


def origin_of(base_url: str, mount: str) -> str:
    """Scheme and host of `base_url`; a trailing `mount` is accepted and dropped (paths carry it)."""
    origin = base_url.rstrip("/")
    return origin[: -len(mount)] if origin.lower().endswith(mount.lower()) else origin
