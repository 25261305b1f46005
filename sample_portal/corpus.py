"""The sample portal's content: categories, articles, their listing order, and the ground truth.

What lives where:
- ``phrases.py``: the Vietnamese text pools (topics, places, names) the generator draws from.
- ``corpus.py`` (this file): the deterministic corpus. ``SamplePortal`` holds the seed article
  (verbatim from ``seed_article.txt``), ten pinned articles that guarantee the variety the ground
  truth checks (bylines, date styles, views, two-category listing...), generated articles up to
  ``BASE_ARTICLE_COUNT``, optional lazily generated extra articles for benchmarks, and articles
  added later by ``publish()``. ``ground_truth()`` is computed from this structured data only.
  The article generator (``ArticleSpec``, ``compose_article``, ``compose_unique``, ``make_byline``,
  ``content_truth``) takes a ``phrases.Voice``, so the commune portals (``commune_corpus.py``)
  write their articles with it too.
- ``sharepoint.py``: how the family-1 SharePoint pages render this content.
- ``server.py``: the HTTP server that mounts sample portals and logs requests.

Memory: base and published articles are held as ``Article`` objects; extra articles only as three
compact array entries each (sort key, category, views) and are rebuilt on demand from a per-article
random seed, so 100,000 extra articles cost a few megabytes.
"""
from __future__ import annotations

import bisect
import heapq
import random
import re
import threading
import unicodedata
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from sample_portal import phrases

VN_TZ = timezone(timedelta(hours=7))
MOUNT = "/honglinh"  # where the server mounts this portal; every path below starts with it
SITE_SLUG = "sample"  # the `site` value of every ground-truth row (the crawler's site slug)
ITEMS_PER_PAGE = 10
CORPUS_SEED = 20181010
BASE_ARTICLE_COUNT = 72
SEED_FILE = Path(__file__).with_name("seed_article.txt")

BASE_ID0, BASE_ID_STEP = 4_312_000, 5_821  # base ids grow with publication time, like SharePoint's
EXTRA_ID0 = 5_000_000  # extra article j has id EXTRA_ID0 + j
PUBLISHED_ID0 = 9_000_000  # the j-th published article has id PUBLISHED_ID0 + j
KEY_SCALE = 10**8  # sort key = epoch seconds * KEY_SCALE + id: newest first, ties broken by id

DATE_STYLES = ("time", "loose", "day")  # 14:55 - 10/10/2018 | 8:05 - 3/9/2019 | 10/10/2018
BYLINE_STYLES = ("bare", "credit", "upper", "paren", "dash", "full", "admin", "period", "none")


@dataclass(frozen=True)
class Category:
    """A news category: its URL slug, display name and the SharePoint web part of its listing."""

    slug: str
    name: str
    webpart: str

    @property
    def path(self) -> str:
        return f"{MOUNT}/portal/Pages/{self.slug}.aspx"

    @property
    def pager_target(self) -> str:
        """The pager's control id, the __EVENTTARGET of every pagination postback."""
        return f"ctl00$m${self.webpart}$ctl00$pager"


CATEGORIES: tuple[Category, ...] = (
    Category("Tin-tuc-su-kien", "Tin tức - Sự kiện", "g_6b9f4c2e"),
    Category("Kinh-te", "Kinh tế", "g_1d7a3f90"),
    Category("Van-hoa-xa-hoi", "Văn hóa - Xã hội", "g_8e2c5b14"),
    Category("Quoc-phong-an-ninh", "Quốc phòng - An ninh", "g_3f0a9d67"),
)
CATEGORY_BY_SLUG: dict[str, Category] = {c.slug: c for c in CATEGORIES}
_CATEGORY_INDEX: dict[str, int] = {c.slug: i for i, c in enumerate(CATEGORIES)}
# Base articles per primary category (sums to BASE_ARTICLE_COUNT). Two more articles are also
# listed under Tin tức - Sự kiện, so the listings hold 26 / 17 / 17 / 14 items: 3, 2, 2, 2 pages.
_BASE_PER_CATEGORY = {"Tin-tuc-su-kien": 24, "Kinh-te": 17, "Van-hoa-xa-hoi": 17, "Quoc-phong-an-ninh": 14}


@dataclass(frozen=True)
class CategoryListing:
    """A snapshot of one category listing: what a crawler of it should find."""

    slug: str
    name: str
    path: str
    pager_target: str
    article_count: int
    pages: int


@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article's content.

    ``kind`` is how it is marked up (``sharepoint.py`` renders it): ``plain``, ``p``, ``div``,
    ``span`` (a <span> inside the <p>), ``nbsp`` (&nbsp; padding), ``figure`` (an <img> then the
    caption in <em>; ``text`` is the caption) or ``spacer`` (an empty ``<p>&nbsp;</p>``).
    """

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """One article as the portal stores it; rendering and ground truth both derive from this."""

    id: int
    title: str
    categories: tuple[str, ...]  # category slugs, primary first
    published: datetime  # aware, +07:00
    date_style: str  # one of DATE_STYLES: how the date line shows `published`
    views: int | None
    sapo: str | None
    blocks: tuple[Block, ...]
    byline: str | None  # as displayed, e.g. "Tin, ảnh: Hữu Bình - Thanh Trúc"
    authors: tuple[str, ...]  # the person names in that byline, display case

    @property
    def category(self) -> Category:
        return CATEGORY_BY_SLUG[self.categories[0]]

    @property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def date_folder(self) -> str:
        """The date folder of the URL: non-padded ``2018-10-10``, ``2019-9-3``."""
        d = self.published
        return f"{d.year}-{d.month}-{d.day}"

    @property
    def path(self) -> str:
        return f"{MOUNT}/portal/pages/{self.date_folder}/{self.slug}-{self.id}.aspx"

    @property
    def date_line(self) -> str:
        return format_date_line(self.published, self.date_style)

    @property
    def views_text(self) -> str | None:
        return None if self.views is None else format_views(self.views)

    @property
    def short_date(self) -> str:
        """The ``dd/mm/yyyy`` shown beside the article's title in listings and link lists."""
        return f"{self.published:%d/%m/%Y}"

    @property
    def sort_key(self) -> int:
        return int(self.published.timestamp()) * KEY_SCALE + self.id

    @property
    def text_blocks(self) -> tuple[str, ...]:
        """The reader-visible paragraphs of the content, captions included, byline excluded."""
        return tuple(b.text for b in self.blocks if b.kind != "spacer")


# ---------------------------------------------------------------- how values are displayed


def ascii_fold(text: str) -> str:
    """Vietnamese without its marks, in ASCII: ``Đồng Nai`` -> ``Dong Nai``."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in folded if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


def slugify(title: str, limit: int = 60) -> str:
    """A title folded to ASCII words joined by '-', cut at `limit` characters like the platform."""
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_fold(title)).strip("-")[:limit].rstrip("-")


def format_date_line(when: datetime, style: str) -> str:
    if style == "day":
        return f"Cập nhật lúc: {when:%d/%m/%Y}"
    if style == "loose":
        return f"Cập nhật lúc: {when.hour}:{when.minute:02d} - {when.day}/{when.month}/{when.year}"
    return f"Cập nhật lúc: {when:%H:%M - %d/%m/%Y}"


def format_views(views: int) -> str:
    return "Lượt xem: " + thousands(views)


def thousands(n: int) -> str:
    """Vietnamese digit grouping: 1234 -> '1.234'."""
    return f"{n:,}".replace(",", ".")


# ---------------------------------------------------------------- generating articles


@dataclass
class ArticleSpec:
    """What an article must be; text not given here is generated from the topic."""

    category: str
    published: datetime
    date_style: str = "time"
    views: int | None = None
    has_sapo: bool = True
    byline_style: str = "bare"
    secondary: tuple[str, ...] = ()
    topic: str | None = None
    variant: int | None = None  # which aligned title / sapo / opener of the topic (see phrases.Topic)
    title: str | None = None
    byline: tuple[str | None, tuple[str, ...]] | None = None  # exact (text, authors)
    slots: Mapping[str, object] = field(default_factory=dict)
    figure: bool | None = None


def _decimal(value: float) -> str:
    """One decimal with the Vietnamese decimal comma: 96.4 -> '96,4'."""
    return f"{value:.1f}".replace(".", ",")


def _period(when: datetime) -> str:
    y, m = when.year, when.month
    if m <= 4:
        return f"quý I năm {y}"
    if m <= 8:
        return f"6 tháng đầu năm {y}"
    return f"9 tháng đầu năm {y}" if m <= 11 else f"năm {y}"


def _season(month: int) -> str:
    return "vụ Xuân" if month <= 5 else "vụ Hè Thu" if month <= 9 else "vụ Đông"


def _slots(rng: random.Random, published: datetime, voice: phrases.Voice) -> dict[str, object]:
    """Values for the template slots of one article, consistent across its paragraphs.

    The voice's fixed slots (e.g. ``commune``) come last and draw nothing from `rng`, so adding
    them leaves every other portal's articles as they were.
    """
    kind, name = rng.choice(voice.places)
    event = published - timedelta(days=rng.choice((0, 0, 1, 1, 2)))  # news is posted 0-2 days later
    y, m = published.year, published.month
    return {
        "place": f"{kind} {name}", "Place": f"{kind.capitalize()} {name}", "placename": name,
        "year": y, "next_year": y + 1, "school_year": f"{y}-{y + 1}" if m >= 8 else f"{y - 1}-{y}",
        "d": event.day, "m": event.month,
        "n": rng.randint(2, 9), "n2": rng.randint(12, 48), "n3": rng.randint(5, 14), "big": rng.randint(120, 980),
        "pct": _decimal(rng.uniform(85, 99)), "pct2": _decimal(rng.uniform(60, 120)),
        "pct3": _decimal(rng.uniform(90, 99.9)),
        "official": rng.choice(voice.officials), "period": _period(published), "season": _season(m),
        "yield_": rng.randint(52, 62), "area": _decimal(rng.uniform(150, 480)), "street": rng.choice(voice.streets),
        "length": _decimal(rng.uniform(0.8, 4.5)), "hour": rng.randint(7, 22),
        "money_small": thousands(rng.choice((1, 2, 3, 5)) * 1_000_000),
        "money_big": thousands(rng.randint(12, 25) * 10_000_000),
        "students": thousands(rng.randint(5200, 9800)),
        "roman": "VIII" if y <= 2021 else "IX",
        "School": f"Trường {rng.choice(voice.school_levels)} {name}",
        **voice.fixed_slots,
    }


def make_byline(style: str, rng: random.Random,
                voice: phrases.Voice = phrases.HONG_LINH) -> tuple[str | None, tuple[str, ...]]:
    """A byline as displayed (one of BYLINE_STYLES), and the person names a perfect reader takes from it."""
    if style == "none":
        return None, ()
    if style == "admin":
        return "Admin", ()
    if style == "full":
        name = rng.choice(voice.full_names)
        return f"Tác giả: {name}", (name,)
    first = rng.choice(voice.reporters)
    single = {
        "bare": first,
        "period": f"{first}.",
        "paren": f"{first} ({rng.choice(voice.units_in_parens)})",
        "dash": f"{first} - {rng.choice(voice.units_after_dash)}",
    }
    if style in single:
        return single[style], (first,)
    second = rng.choice([r for r in voice.reporters if r != first])
    if style == "credit":
        return f"Tin, ảnh: {first} - {second}", (first, second)
    return f"{first} - {second}".upper(), (first, second)  # "upper"


def _dress(paragraphs: list[str], caption: str | None, rng: random.Random) -> tuple[Block, ...]:
    """Give paragraphs the uneven markup of a WYSIWYG editor; put the photo after the first."""
    blocks: list[Block] = []
    for i, text in enumerate(paragraphs):
        blocks.append(Block(rng.choices(("p", "div", "span", "nbsp"), weights=(6, 1, 2, 1))[0], text))
        if i == 0 and caption:
            blocks.append(Block("figure", caption))
        if i < len(paragraphs) - 1 and rng.random() < 0.12:
            blocks.append(Block("spacer", ""))
    return tuple(blocks)


def compose_article(spec: ArticleSpec, article_id: int, rng: random.Random,
                    voice: phrases.Voice = phrases.HONG_LINH) -> Article:
    """An article as `spec` asks, its text drawn from `voice`'s topics for the spec's category."""
    topics = voice.topics[spec.category]
    topic = voice.topic(spec.topic) if spec.topic else rng.choice(topics)
    slots = {**_slots(rng, spec.published, voice), **spec.slots}

    def fill(template: str) -> str:
        return template.format(**slots)

    v = rng.randrange(len(topic.titles)) if spec.variant is None else spec.variant
    middles = rng.sample(topic.middles, rng.randint(1, 3))
    paragraphs = [fill(topic.openers[v]), *map(fill, middles), fill(rng.choice(topic.closers))]
    with_figure = rng.random() < 0.4 if spec.figure is None else spec.figure
    caption = fill(rng.choice(topic.captions)) if with_figure else None
    byline, authors = spec.byline or make_byline(spec.byline_style, rng, voice)
    return Article(
        id=article_id,
        title=spec.title or fill(topic.titles[v]),
        categories=(spec.category, *spec.secondary),
        published=spec.published,
        date_style=spec.date_style,
        views=spec.views,
        sapo=fill(topic.sapos[v]) if spec.has_sapo else None,
        blocks=_dress(paragraphs, caption, rng),
        byline=byline,
        authors=authors,
    )


# ---------------------------------------------------------------- the base corpus


def read_seed_file(path: Path = SEED_FILE) -> tuple[str, str, list[str], str]:
    """The seed article's title, date line, paragraphs (sapo first) and byline, verbatim."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    title, date_line = blocks[0].split("\n")
    body = [b.strip("\n") for b in blocks[1:]]
    last = max(i for i, b in enumerate(body) if b.rstrip().endswith("./."))  # the body ends with "./."
    return title, date_line, body[: last + 1], body[last + 1]


def grown_views(views: int | None, article_id: int, visits: int) -> int | None:
    """A counter after `visits` more visits: one view plus 3-7 % of the counter per visit, the
    rate fixed per article (so articles grow at different speeds)."""
    return None if views is None else views + visits * (1 + views * (3 + article_id % 5) // 100)


def _published(spec: ArticleSpec | None, seed_when: datetime) -> datetime:
    """When a planned article is published (None: the seed article)."""
    return spec.published if spec is not None else seed_when


def _seed_article(article_id: int) -> Article:
    title, date_line, paragraphs, byline = read_seed_file()
    published = datetime(2018, 10, 10, 14, 55, tzinfo=VN_TZ)
    if date_line != f"{format_date_line(published, 'time')}\xa0{format_views(162)}":
        raise ValueError(f"{SEED_FILE} does not carry the expected date line: {date_line!r}")
    return Article(
        id=article_id, title=title, categories=("Quoc-phong-an-ninh",), published=published, date_style="time",
        views=162, sapo=paragraphs[0], blocks=tuple(Block("plain", p) for p in paragraphs[1:]),
        byline=byline, authors=("Thanh Trúc",),
    )


def vn_time(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)


def _pinned_specs() -> list[ArticleSpec]:
    """Articles whose features the ground truth pins; the rest of the corpus is drawn at random."""
    thuan_loc = {"place": "xã Thuận Lộc", "Place": "Xã Thuận Lộc", "placename": "Thuận Lộc"}
    return [
        ArticleSpec("Tin-tuc-su-kien", vn_time(2019, 12, 16, 10, 20), "time", 1234, topic="council", variant=2, figure=True,
              title="Kỳ họp thứ 7 HĐND thị xã khóa VIII ngày 15/12/2019",  # a date in the title: a trap
              byline=("Tin, ảnh: Hữu Bình - Thanh Trúc", ("Hữu Bình", "Thanh Trúc")),
              slots={"n": 7, "roman": "VIII", "d": 15, "m": 12}),
        ArticleSpec("Van-hoa-xa-hoi", vn_time(2019, 9, 3, 8, 5), "loose", 2517, topic="education", variant=0,
              title="Thị xã Hồng Lĩnh sẵn sàng cho năm học mới 2019-2020", byline=("Lê Quang (TTTT)", ("Lê Quang",))),
        ArticleSpec("Quoc-phong-an-ninh", vn_time(2020, 2, 14, 9, 30), "time", 862, topic="military", variant=0, figure=True,
              title="Hồng Lĩnh tổ chức lễ giao nhận quân năm 2020",
              byline=("MINH ĐỨC - HOÀNG LONG", ("Minh Đức", "Hoàng Long"))),
        ArticleSpec("Kinh-te", vn_time(2021, 1, 25, 7, 50), "day", None, topic="agriculture",
              byline=("Phan Tuấn - HND thị xã", ("Phan Tuấn",))),
        ArticleSpec("Van-hoa-xa-hoi", vn_time(2022, 6, 8, 15, 10), "time", 97, has_sapo=False, topic="health",
              byline=("Tác giả: Nguyễn Văn Hùng", ("Nguyễn Văn Hùng",))),
        ArticleSpec("Tin-tuc-su-kien", vn_time(2017, 4, 12, 9, 0), "day", None, topic="reform", byline=("Admin", ())),
        ArticleSpec("Quoc-phong-an-ninh", vn_time(2023, 3, 21, 7, 45), "loose", 1050, topic="police",
              byline=("Trần Minh.", ("Trần Minh",))),
        ArticleSpec("Kinh-te", vn_time(2022, 12, 28, 16, 20), "time", 4312, has_sapo=False, topic="rural", variant=1,
              secondary=("Tin-tuc-su-kien",), title="Xã Thuận Lộc đạt chuẩn nông thôn mới nâng cao năm 2022",
              byline=(None, ()), slots=thuan_loc),
        ArticleSpec("Van-hoa-xa-hoi", vn_time(2024, 9, 5, 7, 30), "time", 645, topic="education",
              secondary=("Tin-tuc-su-kien",), byline=("Thu Hà", ("Thu Hà",))),
        ArticleSpec("Van-hoa-xa-hoi", vn_time(2016, 5, 19, 14, 0), "day", None, has_sapo=False, topic="culture",
              byline=(None, ())),
    ]


def deck(rng: random.Random, items: list, n: int) -> list:
    """`n` draws from `items` in the given proportions, shuffled: variety guaranteed, order random."""
    deck = (items * (n // len(items) + 1))[:n]
    rng.shuffle(deck)
    return deck


def _random_date(rng: random.Random, style: str) -> datetime:
    day = vn_time(2016, 1, 4) + timedelta(days=rng.randrange(3270))  # up to December 2024
    when = day.replace(hour=rng.randint(7, 17), minute=rng.randrange(60))
    if style == "loose":  # make the missing zero-padding visible: 8:05 - 3/9/2019
        when = when.replace(day=rng.randint(1, 9), month=rng.randint(1, 9), hour=rng.randint(7, 9))
    return when


def _generated_specs(rng: random.Random, counts: dict[str, int]) -> list[ArticleSpec]:
    n = sum(counts.values())
    styles = deck(rng, ["time"] * 6 + ["loose"] * 2 + ["day"] * 2, n)
    views = deck(rng, ["none"] * 2 + ["big"] * 2 + ["small"] * 6, n)
    sapos = deck(rng, [True, True, True, False], n)
    bylines = deck(rng, ["bare"] * 4 + list(BYLINE_STYLES[1:]) + ["none"], n)
    categories = [slug for slug, k in counts.items() for _ in range(k)]
    specs = []
    for i, slug in enumerate(categories):
        count = {"none": None, "big": rng.randint(1000, 25000), "small": rng.randint(15, 980)}[views[i]]
        specs.append(ArticleSpec(slug, _random_date(rng, styles[i]), styles[i], count, sapos[i], bylines[i]))
    return specs


def build_base_corpus(seed: int = CORPUS_SEED) -> list[Article]:
    """The bundled corpus, newest last: seed article, pinned variety, generated articles."""
    rng = random.Random(seed)
    pinned = _pinned_specs()
    counts = dict(_BASE_PER_CATEGORY)
    for spec in pinned:
        counts[spec.category] -= 1
    counts["Quoc-phong-an-ninh"] -= 1  # the seed article
    plan: list[ArticleSpec | None] = [None, *pinned, *_generated_specs(rng, counts)]  # None: the seed
    seed_when = vn_time(2018, 10, 10, 14, 55)
    order = sorted(range(len(plan)), key=lambda i: _published(plan[i], seed_when))
    articles: list[Article] = []
    titles: set[str] = set()
    for rank, i in enumerate(order):
        article_id = BASE_ID0 + rank * BASE_ID_STEP
        planned = plan[i]
        article = _seed_article(article_id) if planned is None else compose_unique(planned, article_id, seed, i, titles)
        titles.add(article.title)
        articles.append(article)
    return articles


def compose_unique(spec: ArticleSpec, article_id: int, seed: int | str, position: int, taken: set[str],
                   voice: phrases.Voice = phrases.HONG_LINH) -> Article:
    """Compose an article whose title no other base article has (a few redraws suffice)."""
    rng = random.Random(f"{seed}:base:{position}")
    for _ in range(20):
        article = compose_article(spec, article_id, rng, voice)
        if article.title not in taken:
            return article
    raise RuntimeError(f"no unique title for base article {position}")


# ---------------------------------------------------------------- the portal


class SamplePortal:
    """The content of the sample SharePoint portal, in listing order, with its ground truth.

    Indexes: every article has an index ``idx`` (base articles first, then extra articles, then
    published ones); per category an array of indexes sorted newest first is the listing.
    Thread-safe: the server renders from several threads while a test may ``publish()``.
    """

    mount = MOUNT
    items_per_page = ITEMS_PER_PAGE

    def __init__(self, extra_articles: int = 0, *, seed: int = CORPUS_SEED, visits: int = 0) -> None:
        if extra_articles < 0 or visits < 0:
            raise ValueError("extra_articles and visits must be >= 0")
        self.seed = seed
        self.version = 0  # bumped by publish(); renderers may cache on it
        self._lock = threading.RLock()
        # `visits`: how many times readers came by since the first crawl (the demo passes its run
        # count), so the counters grow between runs and the view-growth chart shows growth.
        self.visits = visits
        self._base = [replace(a, views=grown_views(a.views, a.id, visits)) if visits else a
                      for a in build_base_corpus(seed)]
        self._base_index = {a.id: i for i, a in enumerate(self._base)}
        self._extra_count = extra_articles
        self._published: list[Article] = []
        self._keys = array("q", (a.sort_key for a in self._base))
        self._cats = bytearray(_CATEGORY_INDEX[a.categories[0]] for a in self._base)
        self._views = array("l", (-1 if a.views is None else a.views for a in self._base))
        self._add_extra_plan(extra_articles)
        self._order = self._build_order()
        self._extra_article = lru_cache(maxsize=4096)(self._make_extra)
        self._most_viewed: list[int] | None = None

    # -- building

    def _add_extra_plan(self, n: int) -> None:
        """Three compact values per extra article; its text is generated when asked for."""
        rng = random.Random(f"{self.seed}:extra")
        start = int(vn_time(2016, 1, 1).timestamp())
        for j in range(n):
            ts = start + rng.randrange(3287) * 86400 + rng.randrange(390, 1080) * 60  # 06:30-18:00
            self._keys.append(ts * KEY_SCALE + EXTRA_ID0 + j)
            self._cats.append(rng.randrange(len(CATEGORIES)))
            r = rng.random()
            self._views.append(-1 if r < 0.15 else rng.randint(1000, 30000) if r < 0.3 else rng.randint(5, 999))

    def _build_order(self) -> dict[str, array]:
        buckets: dict[str, list[int]] = {c.slug: [] for c in CATEGORIES}
        for idx, cat in enumerate(self._cats):
            buckets[CATEGORIES[cat].slug].append(idx)
        for idx, article in enumerate(self._base):
            for slug in article.categories[1:]:
                buckets[slug].append(idx)
        keys = self._keys
        return {slug: array("i", sorted(b, key=keys.__getitem__, reverse=True)) for slug, b in buckets.items()}

    def _make_extra(self, j: int) -> Article:
        idx = len(self._base) + j
        rng = random.Random(f"{self.seed}:extra:{j}")
        views = self._views[idx]
        spec = ArticleSpec(
            category=CATEGORIES[self._cats[idx]].slug,
            published=datetime.fromtimestamp(self._keys[idx] // KEY_SCALE, VN_TZ),
            date_style=rng.choices(DATE_STYLES, weights=(6, 2, 2))[0],
            views=None if views < 0 else views,
            has_sapo=rng.random() < 0.75,
            byline_style=rng.choice(BYLINE_STYLES),
        )
        return compose_article(spec, EXTRA_ID0 + j, rng)

    # -- looking articles up

    @property
    def article_count(self) -> int:
        return len(self._keys)

    def article(self, idx: int) -> Article:
        base, extra = len(self._base), self._extra_count
        if idx < base:
            return self._base[idx]
        if idx < base + extra:
            return self._extra_article(idx - base)
        return self._published[idx - base - extra]

    def _index_of(self, article_id: int) -> int | None:
        if article_id in self._base_index:
            return self._base_index[article_id]
        if EXTRA_ID0 <= article_id < EXTRA_ID0 + self._extra_count:
            return len(self._base) + article_id - EXTRA_ID0
        j = article_id - PUBLISHED_ID0
        if 0 <= j < len(self._published):
            return len(self._base) + self._extra_count + j
        return None

    def find(self, article_id: int) -> Article | None:
        """The article with this numeric id, or None."""
        idx = self._index_of(article_id)
        return None if idx is None else self.article(idx)

    @property
    def seed_article(self) -> Article:
        """The verbatim article of honglinh.hatinh.gov.vn (``seed_article.txt``)."""
        title = read_seed_file()[0]
        return next(a for a in self._base if a.title == title)

    def articles(self) -> Iterator[Article]:
        """Every article once, newest first."""
        with self._lock:
            ordered = sorted(range(len(self._keys)), key=self._keys.__getitem__, reverse=True)
        return (self.article(i) for i in ordered)

    # -- listings

    @property
    def categories(self) -> list[CategoryListing]:
        with self._lock:
            return [CategoryListing(c.slug, c.name, c.path, c.pager_target, len(self._order[c.slug]),
                                    self.pages(c.slug)) for c in CATEGORIES]

    def category(self, slug: str) -> Category | None:
        """The category whose slug matches case-insensitively (IIS paths are case-insensitive)."""
        return next((c for c in CATEGORIES if c.slug.lower() == slug.lower()), None)

    def pages(self, slug: str) -> int:
        """How many listing pages the category has (at least 1)."""
        return max(1, -(-len(self._order[slug]) // ITEMS_PER_PAGE))

    def listing_pages(self) -> dict[str, int]:
        """The expected number of listing pages per category slug."""
        return {c.slug: self.pages(c.slug) for c in CATEGORIES}

    def listing(self, slug: str, page: int) -> list[Article]:
        """The articles on listing page `page` (1-based) of a category, newest first."""
        start = (page - 1) * ITEMS_PER_PAGE
        with self._lock:
            indexes = self._order[slug][start:start + ITEMS_PER_PAGE].tolist()
        return [self.article(i) for i in indexes]

    def newest(self, n: int = 5) -> list[Article]:
        """The `n` newest articles of the whole portal (the "Tin mới" box)."""
        with self._lock:
            heads = {i for order in self._order.values() for i in order[:n]}
        return [self.article(i) for i in sorted(heads, key=self._keys.__getitem__, reverse=True)[:n]]

    def most_viewed(self, n: int = 5) -> list[Article]:
        """The `n` most viewed articles (the "Tin xem nhiều" box); computed once per version."""
        with self._lock:
            if self._most_viewed is None or len(self._most_viewed) < n:
                self._most_viewed = heapq.nlargest(max(n, 5), range(len(self._views)), key=self._views.__getitem__)
            top = self._most_viewed[:n]
        return [self.article(i) for i in top]

    def related(self, article: Article, n: int = 5) -> list[Article]:
        """`n` other articles of its primary category: the next older ones, then the newest."""
        idx = self._index_of(article.id)
        if idx is None:
            return []  # not an article of this portal
        keys = self._keys
        with self._lock:
            order = self._order[article.categories[0]]
            pos = bisect.bisect_left(order, -keys[idx], key=lambda i: -keys[i])
            picked = [i for i in order[pos + 1:pos + 1 + n]]
            picked += [i for i in order[:n + 1] if i != idx and i not in picked][: n - len(picked)]
        return [self.article(i) for i in picked]

    # -- incremental crawls

    def publish(self, k: int = 1, category: str | None = None) -> list[Article]:
        """Add `k` new articles dated after every other one, at the top of their listings.

        Without `category` they go round the categories, starting with Tin tức - Sự kiện.
        """
        made = []
        with self._lock:
            for _ in range(k):
                made.append(self._publish_one(category))
            self.version += 1
            self._most_viewed = None
        return made

    def _publish_one(self, category: str | None) -> Article:
        j = len(self._published)
        slug = category or CATEGORIES[j % len(CATEGORIES)].slug
        if slug not in CATEGORY_BY_SLUG:
            raise ValueError(f"unknown category {slug!r}; known: {', '.join(CATEGORY_BY_SLUG)}")
        latest = max(self._keys) // KEY_SCALE
        when = datetime.fromtimestamp(latest + 3 * 3600 + 17 * 60, VN_TZ).replace(second=0)
        rng = random.Random(f"{self.seed}:published:{j}")
        spec = ArticleSpec(slug, when, "time", rng.randint(1, 40), True, rng.choice(BYLINE_STYLES[:6]))
        article = compose_article(spec, PUBLISHED_ID0 + j, rng)
        self._published.append(article)
        idx = len(self._keys)
        self._keys.append(article.sort_key)
        self._cats.append(_CATEGORY_INDEX[slug])
        self._views.append(article.views if article.views is not None else -1)
        self._order[slug].insert(0, idx)  # newest of all: top of its listing
        return article

    # -- ground truth

    def ground_truth(self, base_url: str) -> list[dict]:
        """What a perfect crawl of the portal served at `base_url` must produce, newest first."""
        return list(self.iter_ground_truth(base_url))

    def iter_ground_truth(self, base_url: str) -> Iterator[dict]:
        origin = _origin(base_url)
        return (article_truth(a, origin) for a in self.articles())


def _origin(base_url: str) -> str:
    """Scheme and host of `base_url`; the portal's mount is accepted and dropped (paths carry it)."""
    origin = base_url.rstrip("/")
    if origin.lower().endswith(MOUNT):
        origin = origin[: -len(MOUNT)]
    return origin


def truth_text(text: str) -> str:
    """NFC, whitespace runs (no-break spaces included) collapsed to one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def content_truth(article: Article) -> dict:
    """The ground-truth fields every platform shows the same way: title, sapo, body, authors, day.

    The body is what a reader sees: the sapo first, then the content's paragraphs (captions
    included), without the byline.
    """
    paragraphs = ([article.sapo] if article.sapo else []) + list(article.text_blocks)
    return {
        "title": truth_text(article.title),
        "summary": truth_text(article.sapo) if article.sapo else None,
        "body_text": "\n\n".join(p for p in map(truth_text, paragraphs) if p),
        "authors": list(article.authors),
        "published_date": article.published.date().isoformat(),
        "view_count": article.views,
    }


def article_truth(article: Article, origin: str) -> dict:
    """The ground-truth row of one article; `origin` is e.g. ``http://127.0.0.1:8765``."""
    date_raw = article.date_line + (f" {article.views_text}" if article.views is not None else "")
    timed = article.date_style != "day"
    return {
        **content_truth(article),
        "url": origin + article.path,
        "site": SITE_SLUG,
        "category": article.category.name,
        "categories": [CATEGORY_BY_SLUG[s].name for s in article.categories],
        "published_at": article.published.isoformat(timespec="seconds") if timed
        else article.published.date().isoformat(),
        "date_raw": truth_text(date_raw),
        "views_raw": truth_text(date_raw) if article.views is not None else None,
    }


def ground_truth(base_url: str, portal: SamplePortal | None = None) -> list[dict]:
    """Ground truth of `portal` (default: a fresh ``SamplePortal()``) served at `base_url`.

    `base_url` may be the server root (``http://127.0.0.1:8765``) or include the mount
    (``http://127.0.0.1:8765/honglinh``); the urls are the same either way.
    """
    return (portal or SamplePortal()).ground_truth(base_url)
