"""`PageDocument`: one page of a portal without a profile, parsed once, and what every reading of
it shares: its lines, layout, metadata, links and pager. Pure, and computed lazily and once.

`extract` (the fields) and `classify` (article, listing or other) read a `PageDocument`;
`page.GenericPage` puts the two answers on it. Imports go one way: page -> classify -> extract
-> document -> layout -> lines.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
from parsel import Selector
from parsel.selector import create_root_node

from crawler.generic.layout import Layout, analyse_layout, is_headline_link
from crawler.generic.lines import Line, page_lines
from crawler.generic.pagination import Pager, find_pager
from crawler.generic.structured import Structured


@dataclass(frozen=True)
class Link:
    """An anchor of the page: absolute URL (no fragment), text, and whether it is a headline."""

    url: str
    text: str
    headline: bool


class PageDocument:
    """A page of any portal. `now` (Vietnam time) lets extraction recognise today's header clock."""

    def __init__(self, url: str, html: str, now: datetime | None = None, referrer: Link | None = None) -> None:
        self.url = url
        self.now = now
        # The link the crawl followed to reach this page (its text, and whether it sat in a list of
        # headlines): evidence for the title and the verdict. None for imports and re-extraction.
        self.referrer = referrer
        # A plain lxml tree, not lxml.html's: the html flavour looks up a Python class for every
        # element the walks touch (a quarter of extraction time on portal pages), and nothing
        # here needs its extra methods. Parsed as parsel would (recovering, huge trees allowed).
        self.sel = Selector(root=create_root_node(html, etree.HTMLParser, base_url=url), type="html", base_url=url)

    @cached_property
    def structured(self) -> Structured:
        return Structured.read(self.sel)

    @cached_property
    def lines(self) -> list[Line]:
        return page_lines(self.sel.root)

    @cached_property
    def layout(self) -> Layout:
        refs = [r for r in (self.structured.og_title()[0], self.structured.html_title) if r]
        return analyse_layout(self.lines, refs, self.url, self.referrer.text if self.referrer else None)

    @cached_property
    def pager(self) -> Pager:
        return find_pager(self.sel, self.base_url)

    @cached_property
    def base_url(self) -> str:
        """What relative links resolve against: the page URL, or its <base href>."""
        base = self.sel.css("base::attr(href)").get()
        return urljoin(self.url, base.strip()) if base and base.strip() else self.url

    @cached_property
    def links(self) -> list[Link]:
        """Every followable link, in page order: anchors, image-map areas and (i)frames, whose
        pages old portals show their content in; javascript:, mailto: and fragments left out.
        Read from lxml directly, each distinct href resolved once: a mega-menu repeats hundreds."""
        # Headlines of the page's own lists, not of its menus and side boxes.
        headlines = {line.href for line in self.lines if line.href and not line.chrome and is_headline_link(line)}
        resolve = link_resolver(self.base_url)
        out: list[Link] = []
        for anchor in self.sel.root.iter("a", "area", "iframe", "frame"):
            href = (anchor.get("href") if anchor.tag in ("a", "area") else anchor.get("src")) or ""
            href = href.strip()
            if not href or href[0] == "#" or href[:11].lower().startswith(("javascript:", "mailto:", "tel:")):
                continue
            url = resolve(href)
            # Whitespace collapsed only: NFC and the rest of clean_text are for stored text, and
            # the anchors of a mega-menu are many.
            out.append(Link(url, " ".join(" ".join(anchor.itertext()).split()), href in headlines))
        return out


def link_resolver(base_url: str) -> Callable[[str], str]:
    """A function resolving a page's hrefs against `base_url` (fragments dropped): urljoin's
    answer, with the shapes that make up most of a portal's links (root-relative paths, absolute
    http(s) URLs without dot segments) resolved by string operations, and each href once."""
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    done: dict[str, str] = {}

    def resolve(href: str) -> str:
        url = done.get(href)
        if url is None:
            if "/." in href or "\\" in href:
                url = urljoin(base_url, href)  # dot segments, backslashes: the full algorithm
            elif href[0] == "/" and href[1:2] != "/":
                url = origin + href
            elif href[:7].lower() == "http://" or href[:8].lower() == "https://":
                url = href
            else:
                url = urljoin(base_url, href)
            url = done[href] = urldefrag(url)[0] if "#" in url else url
        return url

    return resolve
