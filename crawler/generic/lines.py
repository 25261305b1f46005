"""A page as a reader sees it: the ordered list of its visual lines, each tied to its element.

Generic extraction reasons about *where* text sits (after the title, inside the main text block,
before the related links), so the page is flattened once into `Line`s in document order: one line
per run of text between block boundaries (like `crawler.pages.html.paragraphs`), remembering the
block element that holds it, how much of it is link text or bold, and whether it sits in page
chrome (menus, header, footer, side boxes: by tag, or by class/id words from `vocab`). Pure.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lxml import etree

from crawler.pages.html import BLOCK_TAGS, SKIP_TAGS
from pipelines import vocab
from pipelines.normalize import clean_text

_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)
_BOLD_TAGS = frozenset({"strong", "b"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CHROME_CANDIDATE_TAGS = vocab.CHROME_TAGS
# Never visible text: the <head> (its <title> is read as metadata), form fields, scripts...
_SKIP = SKIP_TAGS | {"head", "title", "meta", "link", "textarea", "input", "map"}


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


def is_chrome_element(element: Any) -> bool:
    """Page chrome by its own tag or class/id (not its ancestors')."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in vocab.CHROME_TAGS and not _inside_article(element):
        return True
    if element.get("role") in ("navigation", "banner", "contentinfo", "complementary", "search"):
        return True
    if tag in _HEADINGS:
        return False  # "header-title": a heading is chrome only inside chrome
    klass, ident = element.get("class"), element.get("id")
    return bool(klass or ident) and _chrome_words(klass or "", ident or "")


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


def is_hidden(element: Any) -> bool:
    """Not shown to readers: the hidden attribute, display:none, or a hiding utility class."""
    attrib = element.attrib
    if not attrib:
        return False
    if "hidden" in attrib or ("style" in attrib and _HIDDEN_STYLE.search(attrib["style"])):
        return True
    klass = attrib.get("class")
    return bool(klass) and _hiding_class(klass)


@lru_cache(maxsize=4096)
def _hiding_class(klass: str) -> bool:
    return bool(vocab.HIDDEN_CLASSES.intersection(klass.lower().split()))


def page_lines(root: Any) -> list[Line]:
    """The page's lines in document order (empty lines dropped)."""
    builder = _Builder()
    builder.walk(root)
    builder.flush()
    _release_misnamed_chrome(builder.lines, builder.chrome_of)
    return builder.lines


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
    return element.get("role") not in ("navigation", "banner", "contentinfo", "complementary", "search")


class _Builder:
    """Collects text runs into lines while walking the tree once, without recursion (pages nest
    thousands of unclosed ``<font>`` tags deep)."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.parts: list[tuple[str, bool, bool]] = []  # (text, in link, in bold)
        self.owner: Any = None
        self.chrome: tuple[Any, ...] = ()
        self.hrefs: list[str] = []
        self.chrome_of: dict[int, tuple[Any, ...]] = {}  # line index -> the chrome elements above it

    def walk(self, root: Any) -> None:
        # lxml's iterwalk runs the tree walk in C, with no recursion: "start" reads an element's
        # own text in its context, "end" closes its block and reads its tail in its parent's
        # context (a comment or processing instruction only has a tail). The context (the block
        # that owns the text, link, bold, chrome ancestors) is kept in locals and stacked per
        # element: this loop runs for every element of every page, so it is written for speed
        # (attributes are read only from elements that have some; text runs appended inline).
        owner: Any = root
        link = bold = False
        chrome: tuple[Any, ...] = ()
        stack: list[tuple[Any, bool, bool, tuple[Any, ...]]] = []
        parts, hrefs, flush = self.parts, self.hrefs, self.flush
        walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
        skipped = None
        for event, node in walker:
            if event == "start":
                stack.append((owner, link, bold, chrome))
                tag = node.tag
                if tag in _SKIP:
                    walker.skip_subtree()  # scripts, forms' widgets: only their tails count
                    skipped = node
                    continue
                if node.keys():
                    get = node.get
                    klass, style = get("class"), get("style")
                    if (klass or style or get("hidden") is not None) and is_hidden(node):
                        walker.skip_subtree()  # hidden blocks: only their tails count
                        skipped = node
                        continue
                    if (klass or get("id") or get("role") or tag in _CHROME_CANDIDATE_TAGS) and is_chrome_element(node):
                        chrome = (*chrome, node)
                    if tag == "a":
                        href = get("href")
                        if href:
                            link = True
                            hrefs.append(href)
                    if not bold and style and _BOLD_STYLE.search(style):
                        bold = True
                elif tag in _CHROME_CANDIDATE_TAGS and is_chrome_element(node):
                    chrome = (*chrome, node)
                if tag in BLOCK_TAGS:
                    if parts or hrefs:
                        flush()
                    owner = node
                if not bold and tag in _BOLD_TAGS:
                    bold = True
                text = node.text
                if text:
                    if parts:
                        parts.append((text, link, bold))
                    elif text.strip():
                        self.owner, self.chrome = owner, chrome
                        parts.append((text, link, bold))
            else:
                if event == "end":
                    if node is skipped:
                        skipped = None
                    elif (parts or hrefs) and node.tag in BLOCK_TAGS:
                        flush()
                    owner, link, bold, chrome = stack.pop()
                    if node is root:
                        continue
                tail = node.tail  # a comment's or processing instruction's too: text of the parent
                if tail:
                    if parts:
                        parts.append((tail, link, bold))
                    elif tail.strip():
                        self.owner, self.chrome = owner, chrome
                        parts.append((tail, link, bold))

    def flush(self) -> None:
        parts = self.parts
        if parts:
            text = clean_text("".join(p for p, _, _ in parts))
            if text:
                if self.chrome:
                    self.chrome_of[len(self.lines)] = self.chrome
                self.lines.append(self._line(text))
            parts.clear()
        if self.hrefs:
            self.hrefs.clear()

    def _line(self, text: str) -> Line:
        total = sum(len(p.strip()) for p, _, _ in self.parts) or 1
        linked = sum(len(p.strip()) for p, is_link, _ in self.parts if is_link)
        bold = sum(len(p.strip()) for p, _, is_bold in self.parts if is_bold)
        href = self.hrefs[0] if len(self.hrefs) == 1 and linked / total > 0.5 else None
        return Line(len(self.lines), text, self.owner, linked / total, bold / total, bool(self.chrome), href)



def ancestors(element: Any, limit: int = 60) -> Iterator[Any]:
    """The element itself, then its ancestors up to the root."""
    node, n = element, 0
    while node is not None and n < limit:
        yield node
        node, n = node.getparent(), n + 1


def is_inside(element: Any, container: Any) -> bool:
    return any(node is container for node in ancestors(element))
