"""Pagers in generic mode: which anchors of a page lead to the other pages of the same listing.

A pager anchor says so by its text (a page number, ``Trang sau``, ``Tiếp``, ``>``, ``»``, ``›``,
``<< < 1 2 3 > >>``) *and* by its company (at least one more pager anchor in the same small
block) or its URL (the page number changes in ``?page=N``, ``?Page=N``, ``?pagenumber=N``, a
Liferay ``..._cur=N``, ``/trang-N.html``, ``/page-N``, ``/page/N/``). ASP.NET pagers are
``javascript:__doPostBack('target','Page$N')`` links: they are reported with their event, and
the spider posts the page's form back to follow them.

A listing whose only pager is one "next" link (``Trang sau``, ``Xem tiếp``, ``Tin cũ hơn``, ``»``,
``rel="next"``, ``class="next"``...) to a URL of any shape (``tin-tuc.html`` -> ``tin-tuc-2.html``)
has no company and no page number: such lone next links, and a ``<link rel="next">`` of the head,
are reported apart (`Pager.follow`), as links to follow at no depth cost but not as evidence that
the page is a listing. A next label that several anchors of the page carry to different URLs
("Xem tiếp" under every teaser) is a "read more", never a pager. Pure.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urldefrag, urljoin

from crawler.generic.lines import Anchor
from crawler.generic.urls import is_page_variant, page_number, same_site, trap_reason
from crawler.pages.listing import POSTBACK_RE
from pipelines import vocab
from pipelines.normalize import clean_text
from pipelines.normalize import fold_for_search as _fold

_NUMBER = re.compile(r"^\[?\s?(\d{1,4})\s?\]?$")
_CALENDAR_TARGET = re.compile(r"calendar|lich|date|ngay", re.IGNORECASE)
_CURRENT_CLASSES = re.compile(r"current|active|selected|dang-chon|curr", re.IGNORECASE)
# Labels (folded) of a next-page link that is alone on its page: the pager labels, and those of
# "older posts" links that sit alone under a listing. Only a lone one is a pager: the same label
# on several anchors (to different URLs) is the "read more" of each teaser.
LONE_NEXT_LABELS = vocab.NEXT_LABELS | frozenset({
    "xem tiep", "tiep theo", "trang tiep theo", "tin cu hon", "cac tin cu hon", "bai cu hon", "cac bai cu hon",
    "tin tiep", "trang ke", "trang ke tiep", "ke tiep", "next", "older", "older posts", "older entries",
    "→", "⟶", "»»", "›", "»", ">", ">>"})
# Decorations around a next label: "Trang sau »", "Xem tiếp >>", "[Tin cũ hơn]", "Next ›".
_ARROWS = "»›>→⟶"
_DECORATION = re.compile(rf"^[\s\[\(.…:{_ARROWS}-]+|[\s\]\).…:{_ARROWS}-]+$")
_NEXT_CLASS = re.compile(r"next", re.IGNORECASE)
_PAGER_BLOCK = re.compile(r"pag(?:er|ing|ination|es)\b|phantrang|phan-trang|paging", re.IGNORECASE)
MAX_NEXT_LABEL_WORDS = 4  # a class="next..." anchor with a longer text is a "next article" teaser
# What ``//link[contains(concat(' ', normalize-space(translate(@rel, 'NEXT', 'next')), ' '),
# ' next ')]/@href`` asks of a <link>, in Python (`_rel_next_hrefs`): the line walk has found the
# page's <link> elements already, and that XPath searched the whole tree again for them.
_REL_NEXT_CASE = str.maketrans("NEXT", "next")
_XML_SPACE = re.compile("[ \t\r\n]+")  # XPath's whitespace: normalize-space() splits on these only


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
    """A page's pager anchors (in page order) and the blocks that hold them; `follow`: the lone
    next-page links (see the module docstring), to follow like a pager but no listing evidence."""

    links: tuple[PagerLink, ...]
    blocks: tuple[Any, ...]
    follow: tuple[PagerLink, ...] = ()

    def next_urls(self) -> list[str]:
        """Every plain URL the crawl may follow as a next page of this listing, in page order, once."""
        seen: dict[str, None] = {}
        for link in (*self.links, *self.follow):
            if link.url is not None:
                seen.setdefault(link.url, None)
        return list(seen)


@lru_cache(maxsize=16384)  # anchor labels repeat on every page of a site (menus, pagers); pure
def fold_for_search(label: str) -> str:
    return _fold(label)


def find_pager(root: Any, anchors: Sequence[Anchor], url: str, declared: Iterable[Any] | None = None) -> Pager:
    """The page's pager: anchors with pager texts that have company or a page-number URL, and
    lone next-page links. `anchors`: the page's link elements as the line walk read them;
    `declared`: its metadata elements, as the walk found them (`lines.PageText.declared`: the
    <link rel="next"> elements are read from them), else the <link> elements are found here."""
    labelled = _pager_like(anchors)
    candidates = [(a, link) for a, label in labelled if (link := _candidate(a, url, label)) is not None]
    # A next label on several anchors to different URLs ("»" after each teaser) reads "read more":
    # such an anchor is no company for others, and needs a real pager anchor beside it.
    targets: dict[str, set[str]] = {}
    for _, link in candidates:
        if link.rel == "next" and link.url:
            targets.setdefault(fold_for_search(link.label), set()).add(link.url)
    read_more = {id(a) for a, link in candidates
                 if link.rel == "next" and link.url and len(targets[fold_for_search(link.label)]) > 1}
    counts: dict[int, int] = {}
    blocks: dict[int, Any] = {}
    for anchor, _ in candidates:
        if id(anchor) in read_more:
            continue
        for block in _blocks(anchor):
            counts[id(block)] = counts.get(id(block), 0) + 1
            blocks[id(block)] = block
    links = [link for anchor, link in candidates
             if (counts.get(id(anchor.getparent()), 0) >= 1 if id(anchor) in read_more
                 else any(counts.get(id(b), 0) >= 2 for b in _blocks(anchor))) or _url_says_page(link, url)]
    pager_blocks = tuple(blocks[k] for k, n in counts.items() if n >= 2)
    taken = {link.url for link in links if link.url}
    heads = root.iter("link") if declared is None else declared
    follow = tuple(link for link in _lone_next_links(heads, url, labelled, {id(b) for b in pager_blocks})
                   if link.url not in taken)
    return Pager(tuple(links), pager_blocks, follow)


def _lone_next_links(heads: Iterable[Any], page_url: str, anchors: list[tuple[Any, str]],
                     pager_blocks: set[int]) -> list[PagerLink]:
    """Next-page links that need no company: an anchor with a next label that no other anchor of
    the page carries to another URL (or that sits in a pager block), an anchor with
    ``rel="next"`` or a ``next`` class (one target on the page), and a ``<link rel="next">``
    (of `heads`: the page's elements that may be one, in document order)."""
    found: list[tuple[str, str, str, bool]] = []  # (signature, label, absolute URL, in a pager block)
    for anchor, label in anchors:
        signatures = _next_signatures(anchor, label)
        if not signatures:
            continue
        absolute = _plain_target(anchor.get("href"), page_url)
        if absolute is not None:
            in_pager = any(id(b) in pager_blocks or _PAGER_BLOCK.search(f"{b.get('class', '')} {b.get('id', '')}")
                           for b in _blocks(anchor))
            found += [(signature, label, absolute, in_pager) for signature in signatures]
    targets: dict[str, set[str]] = {}
    for signature, _, absolute, _ in found:
        targets.setdefault(signature, set()).add(absolute)
    out: dict[str, PagerLink] = {}
    for signature, label, absolute, in_pager in found:
        if (len(targets[signature]) == 1 or in_pager) and not _same_page(absolute, page_url):
            out.setdefault(absolute, PagerLink(label, "next", None, absolute, None))
    for href in _rel_next_hrefs(heads):
        absolute = _plain_target(href, page_url)
        if absolute is not None and not _same_page(absolute, page_url):
            out.setdefault(absolute, PagerLink("", "next", None, absolute, None))
    return list(out.values())


def _rel_next_hrefs(elements: Iterable[Any]) -> Iterator[str]:
    """The ``href`` of every ``<link>`` among `elements` whose ``rel`` has the word ``next`` (its
    N, E, X, T in either case, as the XPath above reads it)."""
    for element in elements:
        if element.tag == "link":
            rel, href = element.get("rel"), element.get("href")
            if rel is not None and href is not None and "next" in _XML_SPACE.split(rel.translate(_REL_NEXT_CASE)):
                yield href


def _next_signatures(anchor: Any, label: str) -> list[str]:
    """Why an anchor may be a next-page link: its label, its ``rel``, its class (or nothing)."""
    by_label, short = _next_label(label)
    signatures = [by_label] if by_label else []
    rel = anchor.get("rel")
    if rel and "next" in rel.lower().split():
        signatures.append("rel")
    if short and _next_class(anchor.get("class") or ""):
        signatures.append("class")
    return signatures


@lru_cache(maxsize=16384)  # labels repeat on every page of a site; pure
def _next_label(label: str) -> tuple[str | None, bool]:
    """The signature a label gives a next-page link ("label:trang sau"), and whether the label is
    short enough for a ``next`` class to count."""
    folded = fold_for_search(label)
    bare = _DECORATION.sub("", folded)
    by_label = "label:" + (bare or folded) if folded in LONE_NEXT_LABELS or bare in LONE_NEXT_LABELS - {""} else None
    return by_label, len(folded.split()) <= MAX_NEXT_LABEL_WORDS


def _plain_target(href: str | None, page_url: str) -> str | None:
    """The absolute same-site URL of a plain link (no fragment), unless it is a trap."""
    href = (href or "").strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:")):
        return None
    absolute = urldefrag(urljoin(page_url, href))[0]
    if not same_site(absolute, page_url) or trap_reason(absolute):
        return None
    return absolute


def _same_page(url: str, page_url: str) -> bool:
    return urldefrag(url)[0].rstrip("/") == urldefrag(page_url)[0].rstrip("/")


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
    return (next((ln for ln in links if ln.rel == "next"), None)
            or next((ln for ln in links if ln.number == current + 1), None))


MAX_PAGER_LABEL_CHARS = 40


def _pager_like(anchors: Sequence[Anchor]) -> list[tuple[Any, str]]:
    """The ``a`` elements that may be pager links, with their labels (their text, else their title
    or aria-label): a pager label ("2", "Tiếp", "»", "Trang sau"), or a ``rel`` attribute, or a
    short label and a ``next`` class. Pager labels are short: an anchor with a long text (a
    headline, a menu entry) is never read further. Written for speed: a mega-menu page has
    hundreds of anchors, and the tests on their texts are cached across pages."""
    out: list[tuple[Any, str]] = []
    for element, pieces in anchors:
        said = _text_says(pieces[0] if len(pieces) == 1 else "".join(pieces))
        if said is None or element.tag != "a":
            continue
        label, by_label, short = said
        if not label:
            label = clean_text(element.get("title") or element.get("aria-label") or "")
            by_label, short = _label_says_pager(label)
        if by_label or element.get("rel") or (short and _next_class(element.get("class") or "")):
            out.append((element, label))
    return out


@lru_cache(maxsize=16384)  # menu and pager texts repeat on every page of a site; pure
def _text_says(raw: str) -> tuple[str, bool, bool] | None:
    """What an anchor's text says (`_pager_like`): None when it is too long for a pager label,
    else its label and what `_label_says_pager` says of it (an empty label: the anchor's title
    or aria-label is read instead)."""
    if len(raw) > MAX_PAGER_LABEL_CHARS and len(raw.strip()) > MAX_PAGER_LABEL_CHARS:
        return None
    label = clean_text(raw)
    return (label, *_label_says_pager(label)) if label else ("", False, False)


@lru_cache(maxsize=4096)  # a site's anchors repeat a few classes; pure
def _next_class(klass: str) -> bool:
    return bool(_NEXT_CLASS.search(klass))


@lru_cache(maxsize=16384)  # pure
def _label_says_pager(label: str) -> tuple[bool, bool]:
    """Whether a label alone makes an anchor a pager candidate (a number, a next or other pager
    label, a lone-next label), and whether it is short enough for a ``next`` class to count."""
    by_label, short = _next_label(label)
    return _label_kind(label)[0] is not None or by_label is not None, short


def _candidate(anchor: Any, page_url: str, label: str) -> PagerLink | None:
    rel, number = _kind(label, anchor.get("rel") or "")
    if rel is None:
        return None
    href = (anchor.get("href") or "").strip()
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
    rel, number = _label_kind(label)
    if rel in ("number", "next") or not rel_attr:
        return rel, number
    rel_attr = rel_attr.lower()
    if "next" in rel_attr:  # a rel attribute says next even when the label says otherwise
        return "next", None
    if rel is None and "prev" in rel_attr:
        return "other", None
    return rel, number


@lru_cache(maxsize=16384)  # labels repeat on every page of a site; pure
def _label_kind(label: str) -> tuple[str | None, int | None]:
    """What a label makes of an anchor: a page "number" (and which), a "next" or an "other" pager
    link, or nothing."""
    folded = fold_for_search(label)
    match = _NUMBER.match(folded)
    if match and 0 < int(match.group(1)) < 10000:
        return "number", int(match.group(1))
    if folded in vocab.NEXT_LABELS:
        return "next", None
    if folded in vocab.OTHER_PAGER_LABELS:
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


def _blocks(anchor: Any) -> list[Any]:
    """The anchor's parent and grandparent: the small block a pager sits in."""
    parent = anchor.getparent()
    grand = parent.getparent() if parent is not None else None
    return [b for b in (parent, grand) if b is not None]


def _url_says_page(link: PagerLink, page_url: str) -> bool:
    if link.postback is not None:
        return True
    return link.url is not None and (page_number(link.url) is not None or is_page_variant(link.url, page_url))
