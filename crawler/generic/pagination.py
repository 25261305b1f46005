"""Pagers in generic mode: which anchors of a page lead to the other pages of the same listing.

A pager anchor says so by its text (a page number, ``Trang sau``, ``Tiếp``, ``>``, ``»``, ``›``,
``<< < 1 2 3 > >>``) *and* by its company (at least one more pager anchor in the same small
block) or its URL (the page number changes in ``?page=N``, ``?Page=N``, ``?pagenumber=N``, a
Liferay ``..._cur=N``, ``/trang-N.html``, ``/page-N``, ``/page/N/``). ASP.NET pagers are
``javascript:__doPostBack('target','Page$N')`` links: they are reported with their event, and
the spider posts the page's form back to follow them. Pure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urljoin

from parsel import Selector

from crawler.generic import vocab
from crawler.generic.urls import is_page_variant, page_number, same_site, trap_reason
from crawler.pages.listing import POSTBACK_RE
from pipelines.normalize import clean_text, fold_for_search

_NUMBER = re.compile(r"^\[?\s?(\d{1,4})\s?\]?$")
_CALENDAR_TARGET = re.compile(r"calendar|lich|date|ngay", re.IGNORECASE)
_CURRENT_CLASSES = re.compile(r"current|active|selected|dang-chon|curr", re.IGNORECASE)


@dataclass(frozen=True)
class PagerLink:
    """One anchor of a pager."""

    label: str  # the anchor text as shown ("2", "Tiếp", "»")
    rel: str  # "next", "number" or "other"
    number: int | None  # the page number of a "number" link
    url: str | None  # absolute URL of a plain link
    postback: tuple[str, str] | None  # (event target, event argument) of an ASP.NET pager link


@dataclass(frozen=True)
class Pager:
    """A page's pager anchors (in page order) and the blocks that hold them."""

    links: tuple[PagerLink, ...]
    blocks: tuple[Any, ...]


def find_pager(sel: Selector, url: str) -> Pager:
    """The page's pager: anchors with pager texts that have company or a page-number URL."""
    candidates = [(a, link) for a in sel.css("a") if (link := _candidate(a, url)) is not None]
    counts: dict[int, int] = {}
    blocks: dict[int, Any] = {}
    for anchor, _ in candidates:
        for block in _blocks(anchor):
            counts[id(block)] = counts.get(id(block), 0) + 1
            blocks[id(block)] = block
    links = [link for anchor, link in candidates
             if any(counts.get(id(b), 0) >= 2 for b in _blocks(anchor)) or _url_says_page(link, url)]
    return Pager(tuple(links), tuple(blocks[k] for k, n in counts.items() if n >= 2))


def current_page(pager: Pager, url: str) -> int:
    """The page being shown: the pager's highlighted number, else the URL's, else 1."""
    numbers = {link.number for link in pager.links if link.number is not None}
    for block in pager.blocks:
        for node in block.iter():
            text = clean_text(" ".join(node.itertext())) if isinstance(node.tag, str) else ""
            match = _NUMBER.match(text)
            if not match or (node.tag == "a" and not _CURRENT_CLASSES.search(node.get("class", ""))):
                continue
            value = int(match.group(1))
            if value - 1 in numbers or value + 1 in numbers:
                return value
    return page_number(url) or 1


def next_link(links: list[PagerLink], current: int) -> PagerLink | None:
    """The link to the page after `current`: a "next" label, else the number ``current + 1``."""
    return (next((l for l in links if l.rel == "next"), None)
            or next((l for l in links if l.number == current + 1), None))


def _candidate(anchor: Selector, page_url: str) -> PagerLink | None:
    label = clean_text(" ".join(anchor.css("::text").getall())) or clean_text(
        anchor.attrib.get("title") or anchor.attrib.get("aria-label") or "")
    rel, number = _kind(label, anchor.attrib.get("rel", ""))
    if rel is None:
        return None
    href = (anchor.attrib.get("href") or "").strip()
    postback = POSTBACK_RE.search(href)
    if postback:
        event = (postback.group(1), postback.group(2))
        return PagerLink(label, rel, number, None, event) if _pager_event(event, number) else None
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:")):
        return None
    absolute = urldefrag(urljoin(page_url, href))[0]
    if not same_site(absolute, page_url) or trap_reason(absolute):
        return None
    return PagerLink(label, rel, number, absolute, None)


def _kind(label: str, rel_attr: str) -> tuple[str | None, int | None]:
    folded = fold_for_search(label)
    match = _NUMBER.match(folded)
    if match and 0 < int(match.group(1)) < 10000:
        return "number", int(match.group(1))
    if folded in vocab.NEXT_LABELS or "next" in rel_attr.lower():
        return "next", None
    if folded in vocab.OTHER_PAGER_LABELS or "prev" in rel_attr.lower():
        return "other", None
    return None, None


def _pager_event(event: tuple[str, str], number: int | None) -> bool:
    """A postback that turns pages: ``Page$N`` / ``Page$Next``, a small number or no argument;
    not a calendar control's day (``'8475'``, days since 2000) or month (``'V8401'``)."""
    target, argument = event
    if _CALENDAR_TARGET.search(target):
        return False
    if not argument or "page" in argument.lower():
        return True
    return argument.isdigit() and (int(argument) == number or int(argument) < 1000)


def _blocks(anchor: Selector) -> list[Any]:
    """The anchor's parent and grandparent: the small block a pager sits in."""
    parent = anchor.root.getparent()
    grand = parent.getparent() if parent is not None else None
    return [b for b in (parent, grand) if b is not None]


def _url_says_page(link: PagerLink, page_url: str) -> bool:
    if link.postback is not None:
        return True
    return link.url is not None and (page_number(link.url) is not None or is_page_variant(link.url, page_url))
