"""Small pure helpers for reading text out of parsed HTML (parsel selectors / lxml elements).

`paragraphs()` turns an element into the list of its visual paragraphs, breaking at block
elements and <br>, which is what a reader sees; `first_text()` runs a selector chain and says
which selector won, for field provenance.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree
from parsel import Selector, SelectorList

from pipelines.text import clean_text

BLOCK_TAGS = frozenset(
    "p div li ul ol h1 h2 h3 h4 h5 h6 blockquote table tbody thead tr td th figure figcaption "
    "section article header footer aside nav br hr pre dd dt dl form center".split()
)
SKIP_TAGS = frozenset("script style noscript template iframe object embed svg button select option".split())


def paragraphs(element: Selector) -> list[str]:
    """The element's text split into paragraphs at block boundaries; each cleaned, none empty."""
    chunks: list[list[str]] = [[]]
    _walk(element.root, chunks)
    return [text for text in (clean_text("".join(c)) for c in chunks) if text]


def _walk(root: Any, chunks: list[list[str]]) -> None:
    """Text in document order with breaks at blocks, without recursion (pages nest thousands of
    unclosed tags deep): lxml's iterwalk gives each element's start (its text) and end (its
    tail); a comment or processing instruction only has a tail."""
    if not isinstance(getattr(root, "tag", None), str):
        return  # a text node or a comment selected on its own: no element text to read
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        if event == "start":
            name = node.tag.lower()
            if name in SKIP_TAGS:
                walker.skip_subtree()
                continue
            if name in BLOCK_TAGS:
                _break(chunks)
            _add(chunks, node.text)
        elif event == "end":
            if node.tag.lower() in BLOCK_TAGS and node.tag.lower() not in SKIP_TAGS:
                _break(chunks)
            if node is not root:
                _add(chunks, node.tail)
        else:
            _add(chunks, node.tail)


# Documents an article may attach (a notice's content is often only that).
DOCUMENT_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf|zip|rar|7z)$", re.IGNORECASE)
MAX_ATTACHMENTS = 50
MAX_ATTACHMENT_TEXT = 300


def is_document_url(url: str) -> bool:
    """Whether a link (absolute or not) leads to a document file: pdf, doc, xls, ppt, odt, zip..."""
    return bool(DOCUMENT_EXT.search(unquote(urlsplit(url).path)))


def document_links(element: Any, base_url: str) -> list[dict[str, str]]:
    """Links to documents of the page's own host inside an lxml element, each once, with its text,
    in page order: an article's attachments."""
    host = (urlsplit(base_url).hostname or "").removeprefix("www.")
    out: dict[str, str] = {}
    for anchor in element.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or not is_document_url(href):
            continue
        url = urljoin(base_url, href)
        if (urlsplit(url).hostname or "").removeprefix("www.") == host and url not in out:
            out[url] = clean_text(" ".join(anchor.itertext()))[:MAX_ATTACHMENT_TEXT]
            if len(out) >= MAX_ATTACHMENTS:
                break
    return [{"url": url, "text": text} for url, text in out.items()]


def _add(chunks: list[list[str]], text: str | None) -> None:
    if text:
        chunks[-1].append(text)


def _break(chunks: list[list[str]]) -> None:
    if "".join(chunks[-1]).strip():
        chunks.append([])
    else:
        chunks[-1].clear()


def text_of(selection: Selector | SelectorList) -> str:
    """All text of a selection as one cleaned line (paragraphs joined by spaces)."""
    items: Iterable[Selector] = selection if isinstance(selection, SelectorList) else [selection]
    return clean_text(" ".join(p for item in items for p in paragraphs(item)))


def first_text(sel: Selector, selectors: Iterable[str]) -> tuple[str | None, str | None]:
    """Run a selector chain: the first selector whose first match has text wins.

    Returns ``(text, selector)``, or ``(None, None)`` when no selector yields text.
    """
    for css in selectors:
        found = sel.css(css)
        if not found:
            continue
        text = text_of(found[0]) if _is_element(found[0]) else clean_text(found[0].get())
        if text:
            return text, css
    return None, None


def first_element(sel: Selector, selectors: Iterable[str]) -> tuple[Selector | None, str | None]:
    """The first element matched by a selector chain, with the selector that matched it."""
    for css in selectors:
        found = sel.css(css)
        if found and _is_element(found[0]):
            return found[0], css
    return None, None


def _is_element(selector: Selector) -> bool:
    return isinstance(getattr(selector.root, "tag", None), str)


def jsonld_objects(sel: Selector) -> Iterator[dict[str, Any]]:
    """Every typed object of the page's JSON-LD scripts (lists, @graph and mainEntity included)."""
    return jsonld_from_scripts(sel.css('script[type="application/ld+json"]::text').getall())


def jsonld_from_scripts(scripts: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Every typed object of these JSON-LD script texts; malformed ones skipped."""
    for raw in scripts:
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        yield from _jsonld_walk(data, 0)


def _jsonld_walk(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document that has a @type, outermost first."""
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _jsonld_walk(item, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(data.get(key), (list, dict)):
                yield from _jsonld_walk(data[key], depth + 1)
