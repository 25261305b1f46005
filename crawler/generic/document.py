"""`PageDocument`: one page of a portal without a profile, parsed once, and what every reading of
it shares: its lines, layout, metadata, links and pager. Pure, and computed lazily and once.

`extract` (the fields) and `classify` (article, listing or other) read a `PageDocument`;
`page.GenericPage` puts the two answers on it. Imports go one way: page -> classify -> extract
-> document -> layout -> lines.
"""
from __future__ import annotations

from collections.abc import Container, Iterator
from datetime import datetime
from functools import cached_property, lru_cache
from typing import NamedTuple
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
from parsel import Selector

from crawler.generic.layout import Layout, analyse_layout, is_headline_link
from crawler.generic.lines import Line, PageText, read_page
from crawler.generic.pagination import Pager, find_pager
from crawler.generic.structured import Structured
from crawler.generic.urls import canonicalize_url


class Link(NamedTuple):
    """An anchor of the page: absolute URL (no fragment), text, and whether it is a headline.
    (A named tuple: a mega-menu page makes hundreds, and a frozen dataclass is slow to build.)"""

    url: str
    text: str
    headline: bool


def parse_html(html: str, url: str) -> etree._Element:
    """The page's tree, parsed as parsel parses a response's text (surrounding whitespace and NUL
    characters dropped, a recovering parser, huge trees allowed, an empty page read as
    ``<html/>``), with two differences made for speed. A plain lxml tree, not lxml.html's: the
    html flavour looks up a Python class for every element the walks touch (a quarter of
    extraction time on portal pages), and nothing here needs its extra methods. And no table of
    ``id`` attributes (``collect_ids``): nothing here asks XPath's ``id()``, and building the
    table took a tenth of the parse on the real portal pages."""
    body = html.strip().encode("utf-8")
    # NUL characters dropped from the bytes (only NUL encodes to a zero byte in UTF-8): a scan of
    # bytes is memchr's, several times faster than of the text; ``replace`` copies, so only if any.
    if b"\x00" in body:
        body = body.replace(b"\x00", b"")
    body = body or b"<html/>"
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True, collect_ids=False)
    root = etree.fromstring(body, parser=parser, base_url=url)
    # A recovering parser returns None for a page with no element at all (a comment, say).
    return root if root is not None else etree.fromstring(b"<html/>", parser=parser, base_url=url)


class PageDocument:
    """A page of any portal. `now` (Vietnam time) lets extraction recognise today's header clock."""

    def __init__(self, url: str, html: str, now: datetime | None = None, referrer: Link | None = None) -> None:
        self.url = url
        self.now = now
        # The link the crawl followed to reach this page (its text, and whether it sat in a list of
        # headlines): evidence for the title and the verdict. None for imports and re-extraction.
        self.referrer = referrer
        self.root = parse_html(html, url)

    @cached_property
    def sel(self) -> Selector:
        """The page as a parsel selector, for callers that query it with CSS (``#x`` works; XPath's
        ``id()`` finds nothing: the tree has no table of ids, see `parse_html`)."""
        return Selector(root=self.root, type="html", base_url=self.url)

    @cached_property
    def text(self) -> PageText:
        """The page read once: its lines and its link elements."""
        return read_page(self.root)

    @cached_property
    def structured(self) -> Structured:
        return Structured.read(self.root, self.text.declared)

    @property
    def lines(self) -> list[Line]:
        return self.text.lines

    @cached_property
    def layout(self) -> Layout:
        refs = [r for r in (self.structured.og_title()[0], self.structured.html_title) if r]
        return analyse_layout(self.lines, refs, self.url, self.referrer.text if self.referrer else None)

    @cached_property
    def pager(self) -> Pager:
        return find_pager(self.root, self.text.anchors, self.base_url, self.text.declared)

    @cached_property
    def base_url(self) -> str:
        """What relative links resolve against: the page URL, or its <base href>."""
        # The first <base> with an href (what ``//base/@href`` finds, by lxml's C iterator: the
        # XPath scanned every node of the page for an element that is seldom there).
        base = next((el.get("href") for el in self.root.iter("base") if "href" in el.attrib), None)
        return urljoin(self.url, base.strip()) if base and base.strip() else self.url

    @cached_property
    def links(self) -> list[Link]:
        """Every followable link, in page order: anchors, image-map areas and (i)frames, whose
        pages old portals show their content in; javascript:, mailto: and fragments left out.
        Read from the anchors the line walk collected, each distinct href resolved once: a
        mega-menu repeats hundreds."""
        return list(self.links_beyond(()))

    def links_beyond(self, known: Container[str]) -> Iterator[Link]:
        """`links`, without those whose canonical URL (`urls.canonicalize_url`) is in `known`
        when the iteration reaches them: a crawl has met most links of a page before (a
        mega-menu repeats hundreds on every page), and builds a `Link` only for the others."""
        base_url = self.base_url
        origin = _origin(base_url)
        headlines: set[str] | None = None  # the hrefs of the page's headline lines, when needed
        for element, pieces in self.text.anchors:
            tag = element.tag
            raw = element.get("href") if tag == "a" or tag == "area" else element.get("src")
            if not raw:
                continue
            target = _site_target(origin, raw)
            if target is _PAGE_RELATIVE:
                target = _page_target(base_url, raw)
            if target is None or (known and canonicalize_url(target[0]) in known):
                continue
            if headlines is None:
                # Headlines of the page's own lists, not of its menus and side boxes.
                headlines = {line.href for line in self.lines
                             if line.href and not line.chrome and is_headline_link(line)}
            yield _new_link(Link, (target[0], _collapse(pieces[0] if len(pieces) == 1 else " ".join(pieces)),
                                   target[1] in headlines))


# A `Link` built as ``namedtuple._make`` builds one, without its Python-level ``__new__`` (a
# mega-menu page makes hundreds).
_new_link = tuple.__new__


@lru_cache(maxsize=16384)  # a site's menus repeat the same link texts on every page; pure
def _collapse(text: str) -> str:
    """Whitespace collapsed only: NFC and the rest of clean_text are for stored text, and the
    anchors of a mega-menu are many."""
    return " ".join(text.split())


Target = tuple[str, str] | None  # (absolute URL without fragment, href stripped), or None: no link
_PAGE_RELATIVE = ("", "")  # `_site_target`'s answer for an href that needs the page's own URL


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@lru_cache(maxsize=65536)  # pure; the hrefs of a site's menus, the same on every page
def _site_target(origin: str, raw: str) -> Target:
    """The target of an href whose resolution needs only the site's origin (no link, root-relative,
    absolute http(s)), by string operations; `_PAGE_RELATIVE` for the others (relative paths, dot
    segments, backslashes), which need the page's own URL and urljoin's full algorithm. Cached
    across pages: a mega-menu repeats hundreds of links on every page of a site."""
    href = raw.strip()
    if not href or href[0] == "#" or href[:11].lower().startswith(("javascript:", "mailto:", "tel:")):
        return None
    if "/." in href or "\\" in href:
        return _PAGE_RELATIVE
    if href[0] == "/" and href[1:2] != "/":
        url = origin + href
    elif href[:7].lower() == "http://" or href[:8].lower() == "https://":
        url = href
    else:
        return _PAGE_RELATIVE
    return (urldefrag(url)[0] if "#" in url else url), href


@lru_cache(maxsize=16384)  # pure
def _page_target(base_url: str, raw: str) -> Target:
    href = raw.strip()
    url = urljoin(base_url, href)
    return (urldefrag(url)[0] if "#" in url else url), href
