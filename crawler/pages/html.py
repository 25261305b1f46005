"""Small pure helpers for reading text out of parsed HTML (parsel selectors / lxml elements).

`paragraphs()` turns an element into the list of its visual paragraphs, breaking at block
elements and <br>, which is what a reader sees; `first_text()` runs a selector chain and says
which selector won, for field provenance.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

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


def _walk(node: object, chunks: list[list[str]]) -> None:
    tag = getattr(node, "tag", None)
    if not isinstance(tag, str):  # comments and processing instructions: only their tail counts
        _add(chunks, getattr(node, "tail", None))
        return
    name = tag.lower()
    if name in SKIP_TAGS:
        _add(chunks, node.tail)  # type: ignore[attr-defined]
        return
    block = name in BLOCK_TAGS
    if block:
        _break(chunks)
    _add(chunks, node.text)  # type: ignore[attr-defined]
    for child in node:  # type: ignore[attr-defined]
        _walk(child, chunks)
    if block:
        _break(chunks)
    _add(chunks, node.tail)  # type: ignore[attr-defined]


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
    for raw in sel.css('script[type="application/ld+json"]::text').getall():
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
