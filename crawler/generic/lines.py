"""A page as a reader sees it: the ordered list of its visual lines, each tied to its element.

Generic extraction reasons about *where* text sits (after the title, inside the main text block,
before the related links), so the page is flattened once into `Line`s in document order: one line
per run of text between block boundaries (like `crawler.pages.html.paragraphs`), remembering the
block element that holds it, how much of it is link text or bold, and whether it sits in page
chrome (menus, header, footer, side boxes: by tag, or by class/id words from `vocab`). The same
walk collects the page's link elements with their text (`read_page` -> `PageText`), which the
pager and the link list read, and its metadata elements (<meta>, <title>, <link>, <script>), which
`structured` and the pager read instead of searching the whole tree again. Pure: the one state
kept between pages is a bounded cache of chrome blocks already read (`_CHROME_BLOCKS`), which only
saves walking a site's menus again and never changes an answer (tests/test_chrome_reuse.py).
The walk runs in C where speedups/ is built (`C_WALK`); `_Builder.walk` is its reference.
"""
from __future__ import annotations

import hashlib
import os
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path
from typing import Any

from lxml import etree

from crawler.pages.html import BLOCK_TAGS, SKIP_TAGS
from pipelines import vocab
from pipelines.text import clean_texts

_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)
_BOLD_TAGS = frozenset({"strong", "b"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CHROME_CANDIDATE_TAGS = vocab.CHROME_TAGS
# Never visible text: the <head> (its <title> is read as metadata), form fields, scripts...
_SKIP = SKIP_TAGS | {"head", "title", "meta", "link", "textarea", "input", "map"}
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})


@dataclass(slots=True)
class Line:
    """One visual line (paragraph) of the page."""

    index: int
    text: str
    owner: Any  # the lxml block element the text belongs to
    link_ratio: float  # share of the characters inside <a>
    bold_ratio: float  # share of the characters inside <strong>/<b>
    chrome: bool  # inside page chrome (menu, header, footer, side box...)
    href: str | None = None  # the link of a line that is (mostly) one link
    # What `layout.is_content` and `layout.is_headline_link` said of the line, kept: layout asks
    # them of the same lines hundreds of times a page (pure answers; chrome is settled by then).
    content: bool | None = None
    headline: bool | None = None
    # The owner and its ancestors (`line_ancestors`), read once: layout walks them for every line
    # several times (the main block's scores, link density, containment).
    ancestry: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def chars(self) -> int:
        return len(self.text)

    @property
    def tag(self) -> str:
        return self.owner.tag if isinstance(self.owner.tag, str) else ""


def class_tokens(element: Any) -> frozenset[str]:
    """Lower-cased words of an element's class and id ("tandan-date-view" -> tandan, date, view)."""
    return _tokens(element.get("class") or "", element.get("id") or "")


@lru_cache(maxsize=16384)  # a page repeats a few hundred class/id values; pure
def _tokens(klass: str, ident: str) -> frozenset[str]:
    return frozenset(t for t in _TOKEN_SPLIT.split(_CAMEL.sub(" ", f"{klass} {ident}").lower()) if t)


def class_text(element: Any) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}".lower()


_CONTENT_WORDS = vocab.CONTENT_TOKENS - {"main", "text"}


@lru_cache(maxsize=16384)
def _chrome_words(klass: str, ident: str) -> bool:
    """Whether class and id words name chrome (menus, side boxes...) and not content."""
    tokens = _tokens(klass, ident)
    if tokens & vocab.CHROME_TOKENS and not tokens & _CONTENT_WORDS:
        return True
    text = f"{klass} {ident}".lower()
    return any(s in text for s in vocab.CHROME_SUBSTRINGS) and not tokens & {"content", "detail", "noidung"}


_IN_ARTICLE = etree.XPath("boolean(ancestor::article or ancestor::main)")


def _inside_article(element: Any) -> bool:
    """<header>/<footer> of an <article> or <main> hold its title and byline, not site chrome."""
    return bool(_IN_ARTICLE(element))


@lru_cache(maxsize=4096)
def names_breadcrumb(klass: str, ident: str) -> bool:
    """Whether class and id words say breadcrumb ("breadcrumb", "duong-dan", "vitri"...)."""
    text = f"{klass} {ident}".lower().replace("-", "").replace("_", "")
    return any(t in text for t in vocab.CATEGORY_TOKENS)


@lru_cache(maxsize=4096)
def _hiding_class(klass: str) -> bool:
    return bool(vocab.HIDDEN_CLASSES.intersection(klass.lower().split()))


# A link element of the page (``a``, ``area``, ``iframe``, ``frame``), met by the same walk as the
# lines: the element, and its text runs as ``itertext()`` yields them. The walk collects them as it
# reads the text; it asks ``itertext()`` only for a link element whose text it did not read all
# of (inside a skipped subtree, or holding a script or hidden block), once, for every reader (the
# pager and the link list both need them). A plain tuple: a mega-menu page has hundreds, and a
# named tuple is several times slower to build.
Anchor = tuple[Any, tuple[str, ...]]


# An element whose class or id names a breadcrumb, met by the walk: (element, False); or a subtree
# the walk did not enter (a script, a hidden block: its elements were not asked), to be searched
# when needed: (its root, True). In document order: the breadcrumb search (`extract.
# extract_category`) reads these instead of asking every classed element of the page again.
Crumb = tuple[Any, bool]

# Elements that say something about the page itself: its metadata elements (never visible text)
# and the elements of its schema.org microdata (any element with an ``itemprop``), every one of
# them, found by the walk wherever it sits (the <head>, a hidden block, the body), in document
# order. The walk meets them anyway; XPath searches of the whole tree (``//meta``, ``//title``,
# ``//script[...]``, ``//link[...]``, ``//*[@itemprop]``) asked every element of the page again
# (3.6 % of a mega-menu page's instructions, 1.5 % of a real page's, and the itemprop search
# another 3 % of a real article's time: docs/benchmarks.md).
DECLARED_TAGS = ("meta", "title", "link", "script")
DECLARED_ATTRIBUTE = "itemprop"
# Those of a subtree, in document order (what the walk collects where it does not go).
_DECLARED_IN = etree.XPath("descendant-or-self::*[{}]".format(
    " or ".join([*(f"self::{tag}" for tag in DECLARED_TAGS), f"@{DECLARED_ATTRIBUTE}"])))


@dataclass(slots=True)
class PageText:
    """What one walk of the page yields: its lines, its link elements, its breadcrumb candidates
    (`Crumb`) and its metadata elements (`DECLARED_TAGS`, `DECLARED_ATTRIBUTE`), each in
    document order."""

    lines: list[Line]
    anchors: list[Anchor]
    crumbs: list[Crumb]
    declared: list[Any]


def read_page(root: Any, *, python_walk: bool = False) -> PageText:
    """The page's lines in document order (empty lines dropped) and its link elements. Walked by
    the C walk when it is built (`C_WALK`), else, or with `python_walk`, by `_Builder.walk`."""
    builder = _Builder(speedups=not python_walk)
    if C_WALK is None or python_walk:
        builder.walk(root)
    else:
        C_WALK(builder, root)
    builder.finish()
    _release_misnamed_chrome(builder.lines, builder.chrome_of)
    return PageText(builder.lines, builder.anchors, builder.crumbs, builder.declared)


# A chrome-by-class element holding at least this share of the page's prose is the page's main
# column misnamed ("header_middle", "sidebar-content"...), not chrome: see `_release_misnamed_chrome`.
RELEASE_SHARE = 0.5
_PROSE_CHARS = 25  # a line this long and mostly not links counts as prose


def _release_misnamed_chrome(lines: list[Line], chrome_of: dict[int, tuple[Any, ...]]) -> None:
    """Un-mark lines whose only chrome ancestors hold most of the page's prose.

    Real portals name layout columns after where they sit (a Liferay theme puts the article
    inside ``div.header_middle``), so a class word alone can hide the whole article. The text
    tells: menus, headers and side boxes hold links and short labels, the main column holds the
    prose. Tags (``nav``, ``footer``...) and ARIA roles are never released.
    """
    prose: dict[int, int] = {}
    total = 0
    for line in lines:
        if line.chars >= _PROSE_CHARS and line.link_ratio < 0.35:
            total += line.chars
            for element in chrome_of.get(line.index, ()):
                prose[id(element)] = prose.get(id(element), 0) + line.chars
    if not total:
        return
    released = {key for key, chars in prose.items() if chars >= RELEASE_SHARE * total}
    if not released:
        return
    for line in lines:
        chain = chrome_of.get(line.index)
        if chain and all(id(el) in released and _class_chrome_only(el) for el in chain):
            line.chrome = False


def _class_chrome_only(element: Any) -> bool:
    """Chrome by its class/id words only (not by tag or role, which say what they mean)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in vocab.CHROME_TAGS and not _inside_article(element):
        return False
    return element.get("role") not in _CHROME_ROLES


_ANCHOR_TAGS = ("a", "area", "iframe", "frame")
# What a tag alone says, as bits looked up once per element (one dict lookup, not five set tests).
_F_SKIP, _F_BLOCK, _F_BOLD, _F_ANCHOR, _F_CHROME_TAG, _F_DECLARED = 1, 2, 4, 8, 16, 64
_TAG_FLAGS: dict[str, int] = {}
for _tags, _flag in ((_SKIP, _F_SKIP), (BLOCK_TAGS, _F_BLOCK), (_BOLD_TAGS, _F_BOLD), (_ANCHOR_TAGS, _F_ANCHOR),
                     (_CHROME_CANDIDATE_TAGS, _F_CHROME_TAG), (DECLARED_TAGS, _F_DECLARED)):
    for _tag in _tags:
        _TAG_FLAGS[_tag] = _TAG_FLAGS.get(_tag, 0) | _flag
# What an element's attributes say (see `_attribute_verdict`); only these attributes have a say.
_VERDICT_ATTRIBUTES = frozenset({"class", "id", "role", "style", "hidden"})
_F_HIDDEN, _F_CHROME, _F_CRUMB = 1, 2, 32  # and _F_BOLD: a bold style


@lru_cache(maxsize=16384)  # a site's pages repeat the same few hundred attribute sets; pure
def _attribute_verdict(tag: str, klass: str | None, ident: str | None, role: str | None, style: str | None,
                       hidden: bool) -> int:
    """What an element's own attributes say, as bits. Hidden: the ``hidden`` attribute, a
    display:none / visibility:hidden style, or a hiding utility class. Chrome: an ARIA landmark
    role, or class/id words naming chrome (never for a heading: "header-title" is chrome only
    inside chrome); chrome by tag (``nav``, ``footer``... outside <article>/<main>) is the walk's,
    as it needs the element's ancestors. Bold: a bold font-weight style. Crumb: class/id words
    naming a breadcrumb (`names_breadcrumb`; not asked of a hidden element)."""
    if hidden or (style and _HIDDEN_STYLE.search(style)) or (klass and _hiding_class(klass)):
        return _F_HIDDEN
    verdict = 0
    if role in _CHROME_ROLES or (tag not in _HEADINGS and (klass or ident) and _chrome_words(klass or "", ident or "")):
        verdict |= _F_CHROME
    if style and _BOLD_STYLE.search(style):
        verdict |= _F_BOLD
    if (klass or ident) and names_breadcrumb(klass or "", ident or ""):
        verdict |= _F_CRUMB
    return verdict


# Chrome blocks already read, by their markup: a site repeats its menus, header and footer on every
# page (a mega-menu is most of a page's elements), and reading such a block again gives the same
# lines and link elements. Keyed by (in bold, a 128-bit BLAKE2 digest of the block's serialization:
# the markup itself would hold up to a few hundred kilobytes an entry); the value holds the block's
# cleaned lines, link elements, breadcrumb candidates and metadata elements with elements as their
# positions in ``block.iter()``, and those positions sorted (what a replay makes proxies for).
# Only a block that is the outermost chrome element, outside any link, <article> or <main>, is
# kept: what it yields then depends on its markup alone. Bounded: the least recently used entries
# go first.
_ChromeRecord = tuple[tuple[tuple[str, int, float, float, tuple[int, ...], str | None], ...],
                      tuple[tuple[int, tuple[str, ...]], ...], tuple[tuple[int, bool], ...], tuple[int, ...],
                      tuple[int, ...]]
_CHROME_BLOCKS: dict[tuple[bool, bytes], _ChromeRecord | None] = {}
CHROME_BLOCKS_MAX = 256  # entries (blocks met once take a few bytes)
CHROME_BLOCK_MAX_BYTES = 256 * 1024  # a larger block (a misnamed main column, say) is not kept


_UNSEEN: Any = object()
# A chrome block being read to be recorded: the block, its cache key, and where its lines, link
# elements, breadcrumb candidates and metadata elements start (`_Builder._record`).
_Recording = tuple[Any, tuple[bool, bytes], int, int, int, int]


def _remember(key: tuple[bool, bytes], record: _ChromeRecord | None) -> None:
    """Keep a block's record (None: the block was met once), the least recently used entry going
    when full (a site's menu, replayed on every page, stays while blocks met once come and go)."""
    if key not in _CHROME_BLOCKS and len(_CHROME_BLOCKS) >= CHROME_BLOCKS_MAX:
        del _CHROME_BLOCKS[next(iter(_CHROME_BLOCKS))]
    _CHROME_BLOCKS[key] = record


def forget_chrome_blocks() -> None:
    """Empty the cache of chrome blocks (benchmarks measure a crawl's first reading of a site)."""
    _CHROME_BLOCKS.clear()


def chrome_key(block: Any, bold: bool) -> tuple[bool, bytes] | None:
    """A chrome block's key in `_CHROME_BLOCKS` (None: too large to keep). The C walk keys the
    same blocks by a digest of its own dump of the block's nodes (walk.pyx `_block_key`)."""
    # UTF-8, not the default ASCII with character references: a quarter faster.
    markup = etree.tostring(block, with_tail=False, encoding="utf-8", xml_declaration=False)
    if len(markup) > CHROME_BLOCK_MAX_BYTES:
        return None
    return bool(bold), hashlib.blake2b(markup, digest_size=16).digest()


def _positions(block: Any, elements: list[Any]) -> list[int]:
    """The position of each of `elements` in ``block.iter()`` (the C walk's module has a twin
    that makes no proxy for the block's other nodes: `_POSITIONS`)."""
    position = {id(el): i for i, el in enumerate(block.iter())}
    return [position[id(el)] for el in elements]


def _elements_at(block: Any, wanted: tuple[int, ...]) -> list[Any]:
    """A list holding, at each of the positions `wanted`, the element there in ``block.iter()``
    (here every position is filled; the C twin, `_ELEMENTS_AT`, fills only those asked)."""
    return list(block.iter())


class _Builder:
    """Collects text runs into lines, and the page's link elements with their text, while walking
    the tree once, without recursion (pages nest thousands of unclosed ``<font>`` tags deep)."""

    def __init__(self, speedups: bool = True) -> None:
        # Where the chrome records' positions are worked out: in C when built (`speedups`), else
        # by the Python reference (`_positions`, `_elements_at`).
        self.positions, self.elements_at = (_POSITIONS, _ELEMENTS_AT) if speedups else (_positions, _elements_at)
        self.lines: list[Line] = []
        self.parts: list[tuple[str, bool, bool]] = []  # (text, in link, in bold)
        self.owner: Any = None
        self.chrome: tuple[Any, ...] = ()
        self.hrefs: list[str] = []
        self.chrome_of: dict[int, tuple[Any, ...]] = {}  # line index -> the chrome elements above it
        self.anchors: list[Anchor] = []
        self.crumbs: list[Crumb] = []
        self.declared: list[Any] = []
        # Closed lines not yet cleaned: (raw text, owner, link ratio, bold ratio, chrome elements, href).
        self.raw_lines: list[tuple[str, Any, float, float, tuple[Any, ...], str | None]] = []
        # The spans of `raw_lines` replayed from a record, whose texts are cleaned already.
        self.clean_spans: list[tuple[int, int]] = []
        self.recording: _Recording | None = None  # the chrome block being read and recorded

    def skip(self, node: Any, flags: int) -> None:
        """What counts in a subtree the walk does not enter (scripts, forms' widgets, hidden
        blocks: only their tails are text). Their link elements are still the page's (a hidden
        menu's links lead somewhere), and so are their metadata elements (the <head>'s)."""
        if len(node):
            self.anchors.extend((a, tuple(a.itertext())) for a in node.iter(*_ANCHOR_TAGS))
            self.crumbs.append((node, True))
            self.declared.extend(_DECLARED_IN(node))
        else:
            # A leaf (every script and style): only itself to ask, here and now, rather than a
            # subtree search per script.
            if flags & _F_ANCHOR:
                self.anchors.append((node, tuple(node.itertext())))
            get = node.get
            if flags & _F_DECLARED or get(DECLARED_ATTRIBUTE) is not None:
                self.declared.append(node)
            if (get("class") or get("id")) and names_breadcrumb(get("class") or "", get("id") or ""):
                self.crumbs.append((node, False))

    def chrome_block(self, node: Any, key: tuple[bool, bytes] | None) -> bool:
        """Met the outermost chrome block `node`, whose cache key is `key` (`chrome_key`; None:
        too large to keep): replay it (True: its subtree is not to be walked) when recorded on an
        earlier page; record it (`recording`) when met once before (a block met once, such as a
        main column misnamed as chrome, is never worth recording), else only note it."""
        if key is None:
            return False
        record = _CHROME_BLOCKS.get(key, _UNSEEN)
        if record is _UNSEEN:
            _remember(key, None)
        elif record is None:
            self.recording = (node, key, len(self.raw_lines), len(self.anchors), len(self.crumbs), len(self.declared))
        else:
            _CHROME_BLOCKS[key] = _CHROME_BLOCKS.pop(key)  # used: the newest now
            self._replay(node, record)
            return True
        return False

    def _replay(self, block: Any, record: _ChromeRecord) -> None:
        """What reading `block` yields, from the record of an identical block (`_CHROME_BLOCKS`)."""
        at = self.elements_at(block, record[4]).__getitem__
        start = len(self.raw_lines)
        self.raw_lines.extend([(raw, at(owner), linked, bold, tuple(map(at, chrome)), href)
                               for raw, owner, linked, bold, chrome, href in record[0]])
        self.anchors.extend([(at(element), pieces) for element, pieces in record[1]])
        self.crumbs.extend([(at(element), subtree) for element, subtree in record[2]])
        self.declared.extend([at(element) for element in record[3]])
        self.clean_spans.append((start, len(self.raw_lines)))

    def _record(self, block: Any, key: tuple[bool, bytes], first_line: int, first_anchor: int,
                first_crumb: int, first_declared: int) -> None:
        """Keep what reading `block` yielded (its lines, link elements, breadcrumb candidates and
        metadata elements since `first_line`, `first_anchor`, `first_crumb` and `first_declared`)
        for identical blocks of the next pages. The texts are kept cleaned, the lines that clean to
        nothing left out; this page's raw lines of the block are replaced by their cleaned texts
        (`finish` does not clean them twice)."""
        read = self.raw_lines[first_line:]
        texts = clean_texts([raw for raw, *_ in read])
        self.raw_lines[first_line:] = [(text, *rest) for text, (_, *rest) in zip(texts, read, strict=True)]
        self.clean_spans.append((first_line, len(self.raw_lines)))
        kept = [(text, line) for text, line in zip(texts, read, strict=True) if text]
        anchors, crumbs = self.anchors[first_anchor:], self.crumbs[first_crumb:]
        declared = self.declared[first_declared:]
        # Each element once (a line's owner and chrome ancestors repeat from line to line).
        elements = list({id(el): el for el in chain((line[1] for _, line in kept), (c for _, line in kept for c in line[4]),
                                                   (el for el, _ in anchors), (el for el, _ in crumbs), declared)}.values())
        position = dict(zip(map(id, elements), self.positions(block, elements), strict=True))
        _remember(key, (tuple((text, position[id(owner)], linked, bold, tuple(position[id(c)] for c in chrome), href)
                              for text, (_, owner, linked, bold, chrome, href) in kept),
                        tuple((position[id(el)], pieces) for el, pieces in anchors),
                        tuple((position[id(el)], subtree) for el, subtree in crumbs),
                        tuple(position[id(el)] for el in declared),
                        tuple(sorted(set(position.values())))))

    def walk(self, root: Any) -> None:
        # The reference walk: speedups/vngov_speedups/walk.pyx does the same in C (`C_WALK`), and
        # tests/test_walk_speedup.py holds the two to the same answers; a change here is made there too.
        # lxml's iterwalk runs the tree walk in C, with no recursion: "start" reads an element's
        # own text in its context, "end" closes its block and reads its tail in its parent's
        # context (a comment or processing instruction only has a tail). The context (the block
        # that owns the text, link, bold, chrome ancestors) is kept in locals and stacked per
        # element: this loop runs for every element of every page, so it is written for speed
        # (attributes are read only from elements that have some; text runs appended inline).
        # Link elements are collected on the way, with the text runs read inside them (`Anchor`):
        # the pager and the link list need those, and reading them again was a second walk.
        owner: Any = root
        link = bold = False
        chrome: tuple[Any, ...] = ()
        stack: list[tuple[Any, bool, bool, tuple[Any, ...], int]] = []
        parts, hrefs, flush, anchors, crumbs, skip = self.parts, self.hrefs, self.flush, self.anchors, self.crumbs, self.skip
        # The open link elements: [element, its slot in `anchors`, where its runs start in `runs`,
        # whether the walk read all its text]; `runs`: the text runs read inside any of them.
        open_anchors: list[list[Any]] = []
        runs: list[str] = []
        walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
        skipped = None
        recording: _Recording | None = None
        for event, node in walker:
            if event == "start":
                tag = node.tag
                flags = _TAG_FLAGS.get(tag, 0)
                stack.append((owner, link, bold, chrome, flags))  # the element's own flags, for its end
                hidden = flags & _F_SKIP
                if not hidden:
                    verdict = 0
                    keys = node.keys()
                    if keys and not _VERDICT_ATTRIBUTES.isdisjoint(keys):
                        get = node.get  # (an attribute is read only when the element has it)
                        verdict = _attribute_verdict(tag, get("class") if "class" in keys else None,
                                                     get("id") if "id" in keys else None,
                                                     get("role") if "role" in keys else None,
                                                     get("style") if "style" in keys else None, "hidden" in keys)
                        hidden = verdict & _F_HIDDEN
                        if verdict & _F_CRUMB:
                            crumbs.append((node, False))
                    if keys and not hidden and DECLARED_ATTRIBUTE in keys:
                        self.declared.append(node)
                    if not hidden:
                        if verdict & _F_CHROME or (flags & _F_CHROME_TAG and not _inside_article(node)):
                            chrome = (*chrome, node)
                        if verdict & _F_BOLD:
                            bold = True
                        if keys and tag == "a":
                            href = node.get("href")
                            if href:
                                link = True
                                hrefs.append(href)
                if hidden:
                    walker.skip_subtree()
                    skipped = node
                    skip(node, flags)
                    for entry in open_anchors:
                        entry[3] = False
                    continue
                if flags & _F_BLOCK:
                    if parts or hrefs:
                        flush()
                    owner = node
                    if chrome and not stack[-1][3] and not open_anchors and recording is None \
                            and not _inside_article(node):
                        if self.chrome_block(node, chrome_key(node, bold)):
                            walker.skip_subtree()
                            skipped = node
                            continue
                        recording = self.recording
                if flags & _F_BOLD:
                    bold = True
                if flags & _F_ANCHOR:
                    open_anchors.append([node, len(anchors), len(runs), True])
                    anchors.append((node, ()))  # its place in document order; filled at its end
                text = node.text
                if text:
                    if open_anchors:
                        runs.append(text)
                    if parts:
                        parts.append((text, link, bold))
                    elif not text.isspace():
                        self.owner, self.chrome = owner, chrome
                        parts.append((text, link, bold))
            else:
                if event == "end":
                    owner, link, bold, chrome, flags = stack.pop()
                    if node is skipped:
                        skipped = None
                    elif flags & _F_BLOCK and (parts or hrefs):
                        flush()
                    if recording is not None and recording[0] is node:
                        self._record(*recording)
                        self.recording = recording = None
                    if open_anchors and open_anchors[-1][0] is node:
                        _, slot, first, complete = open_anchors.pop()
                        anchors[slot] = (node, tuple(runs[first:]) if complete else tuple(node.itertext()))
                        if not open_anchors:
                            runs.clear()
                    if node is root:
                        continue
                tail = node.tail  # a comment's or processing instruction's too: text of the parent
                if tail:
                    if open_anchors:
                        runs.append(tail)
                    if parts:
                        parts.append((tail, link, bold))
                    elif not tail.isspace():
                        self.owner, self.chrome = owner, chrome
                        parts.append((tail, link, bold))

    def flush(self) -> None:
        """Close the current line: its raw text and what it knows (cleaned later, all at once)."""
        parts = self.parts
        if parts:
            if len(parts) == 1:  # most lines: one run of text, all link or none, all bold or none
                raw, in_link, in_bold = parts[0]
                linked, bold = float(in_link), float(in_bold)
            else:
                raw = "".join(p for p, _, _ in parts)
                total = sum(len(p.strip()) for p, _, _ in parts) or 1
                linked = sum(len(p.strip()) for p, is_link, _ in parts if is_link) / total
                bold = sum(len(p.strip()) for p, _, is_bold in parts if is_bold) / total
            hrefs = self.hrefs
            href = hrefs[0] if len(hrefs) == 1 and linked > 0.5 else None
            self.raw_lines.append((raw, self.owner, linked, bold, self.chrome, href))
            parts.clear()
        if self.hrefs:
            self.hrefs.clear()

    def finish(self) -> None:
        """The lines: raw texts cleaned in one batch (`clean_texts`; replayed ones are clean
        already), the empty ones dropped."""
        self.flush()
        lines, chrome_of, raw_lines = self.lines, self.chrome_of, self.raw_lines
        replayed = bytearray(len(raw_lines))
        for first, end in self.clean_spans:
            replayed[first:end] = b"\x01" * (end - first)
        cleaned = iter(clean_texts([line[0] for line, done in zip(raw_lines, replayed, strict=True) if not done]))
        for (raw, owner, linked, bold, chrome, href), done in zip(raw_lines, replayed, strict=True):
            text = raw if done else next(cleaned)
            if text:
                if chrome:
                    chrome_of[len(lines)] = chrome
                lines.append(Line(len(lines), text, owner, linked, bold, bool(chrome), href))
        self.raw_lines.clear()
        self.clean_spans.clear()


def ancestors(element: Any, limit: int = 60) -> Iterator[Any]:
    """The element itself, then its ancestors up to the root (at most `limit` elements). lxml's
    own iterator: layout asks this of every line, several times."""
    return islice(chain((element,), element.iterancestors()), limit)


def is_inside(element: Any, container: Any) -> bool:
    # `in` compares lxml elements by identity (they define no equality), in C.
    return container in ancestors(element)


def line_ancestors(line: Line) -> tuple[Any, ...]:
    """`ancestors` of the line's owner, kept on the line (`Line.ancestry`)."""
    found = line.ancestry
    if found is None:
        found = line.ancestry = tuple(ancestors(line.owner))
    return found


# The C twin of `_Builder.walk` (speedups/vngov_speedups/walk.pyx, built on install when there is
# a C compiler): the same answers, the walk in a fifth to a quarter of the time on the real pages.
# None when it is not built, when VNGOV_PYTHON_WALK is set, or when the build is older than the
# source beside it (an edited walk.pyx not rebuilt: `pip install ./speedups` rebuilds it), which is
# said once, as a warning.
SPEEDUPS_SOURCE = Path(__file__).resolve().parents[2] / "speedups" / "vngov_speedups" / "walk.pyx"


def _load_c_walk() -> Any:
    """The compiled module (`walk`, `positions`, `elements_at`), configured; or None."""
    if os.environ.get("VNGOV_PYTHON_WALK"):
        return None
    try:
        from vngov_speedups import walk  # (compiled: speedups/, untyped)
    except ImportError:
        return None
    if SPEEDUPS_SOURCE.exists() and hashlib.sha256(SPEEDUPS_SOURCE.read_bytes()).hexdigest() != walk.SOURCE_HASH:
        warnings.warn(f"the C walk was built from another {SPEEDUPS_SOURCE.name}: using the Python walk "
                      "(rebuild: pip install ./speedups)", RuntimeWarning, stacklevel=2)
        return None
    walk.configure(_TAG_FLAGS, _attribute_verdict, names_breadcrumb, CHROME_BLOCK_MAX_BYTES,
                   (_F_SKIP, _F_BLOCK, _F_BOLD, _F_ANCHOR, _F_CHROME_TAG, _F_DECLARED), (_F_HIDDEN, _F_CHROME, _F_CRUMB),
                   DECLARED_ATTRIBUTE)
    return walk


def walk_note() -> tuple[bool, str]:
    """Which line walk this process runs, for a crawl's log: (whether it deserves a warning, the
    note). A machine without a C compiler installs without the C walk, silently under
    ``pip install -q``: a slower crawl with nothing said is what the warning is for."""
    if C_WALK is not None:
        return False, "Generic extraction: the line walk runs in C (speedups/)"
    if os.environ.get("VNGOV_PYTHON_WALK"):
        return False, "Generic extraction: the line walk runs in Python (VNGOV_PYTHON_WALK is set)"
    return True, ("Generic extraction: the line walk runs in Python, slower (same answers): the C walk is not "
                  "built here, or was built from another walk.pyx; pip install ./speedups (needs a C compiler "
                  "and Python's headers)")


_SPEEDUPS = _load_c_walk()
C_WALK: Callable[[_Builder, Any], None] | None = _SPEEDUPS.walk if _SPEEDUPS else None
_POSITIONS: Callable[[Any, list[Any]], list[int]] = _SPEEDUPS.positions if _SPEEDUPS else _positions
_ELEMENTS_AT: Callable[[Any, tuple[int, ...]], list[Any]] = _SPEEDUPS.elements_at if _SPEEDUPS else _elements_at
