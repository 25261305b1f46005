"""Machine-readable metadata of a page: <meta> tags, JSON-LD and schema.org microdata. Pure.

Each reader returns ``(value, provenance)`` so the caller can record which rule produced a field:
``meta:og:title``, ``jsonld:datePublished``, ``microdata:author``... JSON-LD objects are walked
recursively (``@graph``, lists, nested ``author``/``mainEntity``), because CMS plugins nest them
differently; malformed JSON is skipped, never fatal.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lxml import etree

from crawler.pages.html import jsonld_from_scripts
from pipelines.normalize import clean_text

Found = tuple[str | None, str | None]  # (value, provenance)
ARTICLE_TYPES = frozenset({"article", "newsarticle", "blogposting", "reportagenewsarticle", "webpage.article"})


# Compiled once: parsel's css() translates and compiles its query on every call, and wraps
# every result in a Selector; these run on every page of a generic crawl.
_CHILD_TEXTS = etree.XPath("text()", smart_strings=False)  # what ``//title/text()`` reads of each <title>
# Microdata: every element with an itemprop, in document order (one scan of the page serves
# every property asked: a scan per property was a sixth of an article's extraction), then the
# queries parsel makes of `[itemprop="name"]::attr(content), [itemprop="name"] ::text` and `::text`.
_ITEMPROPS = etree.XPath("descendant-or-self::*[@itemprop]")
_ITEM_NAME = etree.XPath("descendant-or-self::*[@itemprop = 'name']/@content"
                         " | descendant-or-self::*[@itemprop = 'name']/descendant-or-self::text()", smart_strings=False)
_TEXTS = etree.XPath("descendant-or-self::text()", smart_strings=False)
JSONLD_TYPE = "application/ld+json"  # the script type, compared exactly (as ``//script[@type = '...']``)


@dataclass
class Structured:
    """What a page declares about itself, read once."""

    meta: dict[str, str] = field(default_factory=dict)  # lower-cased name/property -> content
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    html_title: str | None = None
    root: Any = None  # the page's lxml tree (microdata is read from it when asked)
    # The elements `read` was given (the line walk's `lines.PageText.declared`, which holds the
    # microdata elements too), or None: then microdata is searched for in `root`.
    elements: list[Any] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def read(cls, root: Any, elements: Iterable[Any] | None = None) -> Structured:
        """The metadata of the page `root`, read from its <meta>, <title> and <script> elements in
        document order: `elements` when the caller has them (the line walk's
        `lines.PageText.declared`, which must then hold every element with an ``itemprop`` too;
        other tags in it are passed over here), else found here."""
        meta: dict[str, str] = {}
        titles: list[str] = []
        scripts: list[str] = []
        nodes = None if elements is None else list(elements)
        for node in root.iter("meta", "title", "script") if nodes is None else nodes:
            tag = node.tag
            if tag == "meta":
                get = node.get
                key = (get("property") or get("name") or get("itemprop") or "").lower()
                value = clean_text(get("content"))
                if key and value and key not in meta:
                    meta[key] = value
            elif tag == "title":
                titles += _CHILD_TEXTS(node)
            elif tag == "script" and node.get("type") == JSONLD_TYPE:
                scripts += _CHILD_TEXTS(node)
        title = clean_text(" ".join(titles)) or None
        return cls(meta, list(jsonld_from_scripts(scripts)), title, root, nodes)

    # --- single values -------------------------------------------------------------------

    def og_title(self) -> Found:
        return _first(("meta:og:title", self.meta.get("og:title")), ("meta:twitter:title", self.meta.get("twitter:title")))

    def description(self) -> Found:
        return _first(("meta:og:description", self.meta.get("og:description")),
                      ("meta:description", self.meta.get("description")))

    def is_article_type(self) -> bool:
        types = {self.meta.get("og:type", "").lower()} | {_type(n) for n in self.jsonld}
        return bool(types & ARTICLE_TYPES)

    def published(self) -> Found:
        """The declared publication time: meta tags, then JSON-LD, then microdata, then <time>."""
        return _first(
            ("meta:article:published_time", self.meta.get("article:published_time")),
            ("meta:datePublished", self.meta.get("datepublished")),
            ("meta:pubdate", self.meta.get("pubdate") or self.meta.get("publishdate")),
            ("jsonld:datePublished", self._jsonld_text("datePublished")),
            ("microdata:datePublished", self._microdata("datePublished")),
            ("jsonld:dateCreated", self._jsonld_text("dateCreated")),
            ("meta:dc.date", self.meta.get("dc.date") or self.meta.get("dc.date.issued")),
        )

    def author(self) -> Found:
        return _first(("jsonld:author", self._jsonld_author()), ("microdata:author", self._microdata("author")),
                      ("meta:article:author", self.meta.get("article:author")), ("meta:author", self.meta.get("author")))

    def views(self) -> Found:
        return _first(("jsonld:interactionStatistic", self._jsonld_views()),
                      ("microdata:interactionCount", self._microdata("interactionCount")))

    def section(self) -> Found:
        return _first(("meta:article:section", self.meta.get("article:section")),
                      ("jsonld:articleSection", self._jsonld_text("articleSection")))

    def breadcrumb(self) -> list[str]:
        """Names of a JSON-LD BreadcrumbList, in order."""
        for node in self.jsonld:
            if _type(node) == "breadcrumblist" and isinstance(node.get("itemListElement"), list):
                return [clean_text(_name(item)) for item in node["itemListElement"] if _name(item)]
        return []

    # --- internals -------------------------------------------------------------------------

    def _jsonld_text(self, key: str) -> str | None:
        for node in self.jsonld:
            value = node.get(key)
            if isinstance(value, list) and value:
                value = value[0]
            if isinstance(value, (str, int)) and str(value).strip():
                return clean_text(str(value))
        return None

    def _jsonld_author(self) -> str | None:
        for node in self.jsonld:
            authors = node.get("author")
            authors = authors if isinstance(authors, list) else [authors]
            names = [_name(a) for a in authors if _name(a)]
            if names:
                return ", ".join(clean_text(n) for n in names)
        return None

    def _jsonld_views(self) -> str | None:
        for node in self.jsonld:
            stats = node.get("interactionStatistic")
            for stat in stats if isinstance(stats, list) else [stats]:
                if isinstance(stat, dict) and "view" in str(stat.get("interactionType", "")).lower():
                    count = stat.get("userInteractionCount")
                    if count is not None:
                        return str(count)
        return None

    @cached_property
    def _itemprops(self) -> dict[str, list[Any]]:
        """The page's elements by their itemprop value, each list in document order."""
        found: dict[str, list[Any]] = {}
        if self.elements is not None:
            for node in self.elements:
                prop = node.get("itemprop")
                if prop is not None:
                    found.setdefault(prop, []).append(node)
        elif self.root is not None:
            for node in _ITEMPROPS(self.root):
                found.setdefault(node.get("itemprop"), []).append(node)
        return found

    def _microdata(self, prop: str) -> str | None:
        for node in self._itemprops.get(prop, ()):
            value = node.get("content") or node.get("datetime")
            if not value:
                inner = _ITEM_NAME(node)
                value = " ".join(inner) if inner else " ".join(_TEXTS(node))
            if clean_text(value):
                return clean_text(value)
        return None


def _first(*pairs: tuple[str, str | None]) -> Found:
    for source, value in pairs:
        if value and value.strip():
            return value.strip(), source
    return None, None


def _type(node: dict[str, Any]) -> str:
    kind = node.get("@type")
    return str(kind[0] if isinstance(kind, list) and kind else kind or "").lower()


def _name(item: Any) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        inner = item.get("item")
        name = item.get("name") or (inner.get("name") if isinstance(inner, dict) else None)
        return name if isinstance(name, str) else None
    return None


