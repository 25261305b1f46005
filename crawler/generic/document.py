"""`PageDocument`: one page of a portal without a profile, parsed once, and what every reading of
it shares: its lines, layout, metadata, links and pager. Pure, and computed lazily and once.

`extract` (the fields) and `classify` (article, listing or other) read a `PageDocument`;
`page.GenericPage` puts the two answers on it. Imports go one way: page -> classify -> extract
-> document -> layout -> lines.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from urllib.parse import urldefrag, urljoin

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
        headlines = {line.href for line in self.lines if line.href and is_headline_link(line)}
        resolved: dict[str, str] = {}
        out: list[Link] = []
        for anchor in self.sel.root.iter("a", "area", "iframe", "frame"):
            href = (anchor.get("href") if anchor.tag in ("a", "area") else anchor.get("src")) or ""
            href = href.strip()
            if not href or href[0] == "#" or href[:11].lower().startswith(("javascript:", "mailto:", "tel:")):
                continue
            url = resolved.get(href)
            if url is None:
                url = resolved[href] = urldefrag(urljoin(self.base_url, href))[0]
            # Whitespace collapsed only: NFC and the rest of clean_text are for stored text, and
            # the anchors of a mega-menu are many.
            out.append(Link(url, " ".join(" ".join(anchor.itertext()).split()), href in headlines))
        return out
