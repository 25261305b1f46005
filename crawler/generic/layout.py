"""Where things are on a page without a profile: the title, the main text block and the lines
around them. Pure: `Line`s in, a `Layout` out.

The rules, in order:

1. *Content lines* are lines a reader would call text: outside page chrome, at least
   ``MIN_CONTENT_CHARS`` long, mostly not link text, and not a metadata line (date, views,
   credit label), furniture ("In trang", "100%") or an end marker ("Tin cùng chuyên mục").
2. The *main text block* is the element that holds most content text, scored the way
   readability does (a line counts fully for its own block and its parent, half for the
   grandparent), weighted by the element's link density and its class words (``content``,
   ``detail``... up; ``sapo`` down). A paragraph-sized winner hands over to its parent.
3. The *title* is the heading (h1-h4, an element whose class says title, or a line that
   ``og:title`` / ``<title>`` repeats) at the top of the main block that best matches those,
   is nearest to the text and has a date line right under it. A ``<title>`` that is only the
   site name counts for little. Old sites without headings: a bold line with a date line under it.
4. The *body span* starts at the first content line after the title and grows from the main
   block over neighbouring content lines until a *breaker*: an end marker or a headline link
   (inside the block: two headline links close together, a related-links list without a heading).
   Furniture, chrome and metadata lines inside it are dropped; metadata lines go to the *window*
   (lines between title and body, where the date line is) or the *tail* (lines after the text,
   where bylines and sources are).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

from crawler.generic.lines import Line, ancestors, class_text, class_tokens, line_ancestors
from crawler.generic.urls import canonicalize_url
from pipelines import vocab
from pipelines.normalize import fold_for_search, normalize_datetime, normalize_view_count

MIN_CONTENT_CHARS = 25
MAX_CONTENT_LINK_RATIO = 0.35
HEADLINE_LINK_RATIO = 0.6
MAX_META_CHARS = 160
MAX_GAP_LINES = 6  # non-content lines allowed between two parts of one body
MAX_TAIL_LINES = 10
PRE_TITLE_LINES = 3
BOLD_TITLE_REACH = 6  # lines above the text where a bold title may sit
TITLE_LOOKAHEAD = 2  # the main block may start with its own title line
_SCORE_WEIGHTS = (1.0, 1.0, 0.5)  # own block, parent, grandparent
_PARAGRAPH_TAGS = frozenset("p span font em strong b i li blockquote h3 h4 h5 h6 pre dd dt td figcaption".split())
_TITLE_BONUS = {"h1": 0.4, "h2": 0.25, "class": 0.25, "h3": 0.15, "h4": 0.05, "match": 0.0, "bold": 0.0}
NEAR_TITLE_LINES = 3  # a heading this close to the text may be the title even if <title> says otherwise
MIN_MATCH_SIMILARITY = 0.8  # a plain line is the title only when <title>/og:title repeats it


@dataclass
class Layout:
    """The parts of a page generic extraction reads fields from."""

    lines: list[Line]
    title: Line | None = None
    title_kind: str | None = None  # "h1".."h4", "class", "match" or "bold": why that line is the title
    body: list[Line] = field(default_factory=list)
    window: list[Line] = field(default_factory=list)  # metadata lines near the title
    before_title: list[Line] = field(default_factory=list)
    tail: list[Line] = field(default_factory=list)  # lines after the text, up to the related links
    container: Any = None  # the main text block
    between: list[Line] = field(default_factory=list)  # every line between title and body
    # Inside the body span: date lines right under a bold or heading line, and link lines. A
    # listing whose items are not links (bold title, date, teaser, "Xem tiếp") reads as one long
    # text; these counts give it away (a table of dates inside an article does not count).
    inner_meta: int = 0
    inner_links: int = 0
    title_dated: bool = False  # a date line sits right above or under the title
    anchor: str | None = None  # "date" or "referrer" when the title was found before the text

    @property
    def body_chars(self) -> int:
        return sum(line.chars for line in self.body)


@lru_cache(maxsize=8192)  # asked many times per line; pure
def is_meta_line(text: str) -> bool:
    """A date, view-count or credit line ("Đăng lúc: 08:45:00 14/03/2024 (GMT+7)", "Lượt xem: 58")."""
    if len(text) > MAX_META_CHARS:
        return False
    folded = fold_for_search(text)
    if any(ch.isdigit() for ch in folded) and vocab.DATE_LABEL_RE.search(folded):
        return True
    if vocab.VIEWS_LABEL_RE.search(folded) and normalize_view_count(text) is not None:
        return True
    if len(text) <= 80 and vocab.AUTHOR_LABEL_RE.match(folded):
        return True
    if len(text) > 60 or text.rstrip().endswith(":") or len(_non_date_words(folded)) > MAX_WORDS_BESIDE_DATE:
        return False
    if not any(ch.isdigit() for ch in folded) and not _RELATIVE_DAY.search(folded):
        return False  # no digits, no "hôm qua": no date (and no slow fallback parser for it)
    return normalize_datetime(text) is not None


MAX_WORDS_BESIDE_DATE = 3
_RELATIVE_DAY = re.compile(r"hom (?:qua|nay|kia)|truoc")
_DATE_WORDS = frozenset("ngay thang nam luc gio phut sang chieu toi thu hai ba tu sau bay chu nhat sa ch am pm gmt".split())
_WORD = re.compile(r"[a-z]+")


def _non_date_words(folded: str) -> list[str]:
    """The words of a line that are not part of how dates are written ("ngày", "tháng", weekdays)."""
    return [w for w in _WORD.findall(folded) if w not in _DATE_WORDS]


def is_content(line: Line) -> bool:
    content = line.content
    if content is None:
        content = line.content = (
            not line.chrome and line.chars >= MIN_CONTENT_CHARS and line.link_ratio < MAX_CONTENT_LINK_RATIO
            and not is_meta_line(line.text) and not vocab.is_noise_line(line.text)
            and not vocab.is_end_marker(line.text))
    return content


def is_headline_link(line: Line) -> bool:
    """The title of another article, as listed in a listing or a related-links box: mostly link
    text, or a link followed only by its date in parentheses ("Tiêu đề (2019-05-17T02:49:00.000Z)")."""
    headline = line.headline
    if headline is None:
        headline = line.headline = _headline_link(line)
    return headline


def _headline_link(line: Line) -> bool:
    if line.chars * line.link_ratio < 20 or len(line.text.split()) < 4:
        return False
    if line.link_ratio < HEADLINE_LINK_RATIO and not (line.link_ratio >= 0.3 and _TRAILING_DATE.search(line.text)):
        return False
    return not vocab.is_noise_line(line.text)


# A date (or an empty date slot) in parentheses closing a line: "Tiêu đề (05.08.2019 16:32)", "Tiêu đề ( )".
_TRAILING_DATE = re.compile(r"\(\s*[\d./:\-TZ ]*\)\s*$")


def is_breaker(line: Line) -> bool:
    return vocab.is_end_marker(line.text) or is_headline_link(line)


def analyse_layout(lines: list[Line], refs: Sequence[str], page_url: str = "", referrer: str | None = None) -> Layout:
    """Title, main block, body span, window and tail of a page's lines. `referrer` is the text of
    the link the crawl followed to the page, when there was one."""
    layout = _text_first(lines, refs, page_url)
    if layout.title is not None and layout.body and _dated_title(lines, layout.title.index):
        layout.title_dated = True
        return layout
    anchor = anchored_title(lines, refs, referrer)
    if anchor is None:
        return layout
    if anchor[0] is layout.title and layout.body:
        layout.title_dated, layout.anchor = anchor[2] == "date", anchor[2]
        return layout
    return _title_first(lines, anchor)


def _text_first(lines: list[Line], refs: Sequence[str], page_url: str) -> Layout:
    """The main text block first, then the title above it: most pages."""
    layout = Layout(lines)
    layout.container = best_container(lines)
    if layout.container is None:
        return layout
    # (`not chrome` first: is_content says no to chrome lines, and a mega-menu page has hundreds.)
    inside = [ln for ln in lines if not ln.chrome and is_content(ln) and layout.container in line_ancestors(ln)]
    if not inside:
        return layout
    layout.title, layout.title_kind = find_title(lines, inside[0].index, refs, page_url)
    start = layout.title.index + 1 if layout.title else max(0, inside[0].index - PRE_TITLE_LINES)
    first, last = _span(lines, layout.container, start)
    if first is None or last is None:
        return layout
    _fill_regions(layout, start, first, last)
    return layout


def _title_first(lines: list[Line], anchor: tuple[Line, str, str]) -> Layout:
    """The title first (a heading with its date beside it, or the link text the crawl followed),
    then the text under it, however short: notices of a sentence or two, or none at all when the
    content is an attached document. The text under the title ends at the first breaker."""
    title, kind, why = anchor
    layout = Layout(lines, title=title, title_kind=kind, anchor=why, title_dated=why == "date")
    start = title.index + 1
    end = _section_end(lines, start)
    layout.container = best_container(lines[start:end])
    first, last = (_span(lines[:end], layout.container, start) if layout.container is not None else (None, None))
    if first is None or last is None:  # nothing but metadata under the title
        if not _only_metadata(lines[start:end]):
            return Layout(lines)
        layout.container = None
        first = last = end - 1
        layout.between = lines[start:end]
        layout.window = [ln for ln in layout.between if ln.chars <= 200 and not is_headline_link(ln)][:MAX_TAIL_LINES]
        layout.before_title = above_title(lines, title.index)
        layout.tail = _tail(lines, end)
        return layout
    _fill_regions(layout, start, first, last)
    return layout


def _only_metadata(lines: list[Line]) -> bool:
    """A title's section holds no text, only its date, views, credits, furniture or links (an
    attachment): a few lines at most. A counter's digits or a box's labels are not that."""
    return len(lines) <= MAX_TAIL_LINES and all(
        is_meta_line(ln.text) or vocab.is_noise_line(ln.text) or ln.link_ratio >= 0.5 for ln in lines)


def _section_end(lines: list[Line], start: int) -> int:
    """Index of the first breaker (related links, end marker) at or after `start`."""
    for line in lines[start:]:
        if is_breaker(line):
            return line.index
    return len(lines)


# --- the title anchored by its surroundings ---------------------------------------------------


def anchored_title(lines: list[Line], refs: Sequence[str], referrer: str | None) -> tuple[Line, str, str] | None:
    """A heading that proves itself the article's title, wherever the text is: the link text the
    crawl followed to the page ("referrer"), or a heading with a date line right above or under
    it ("date"): the shape of a news page, which old portals keep even when their <title> is the
    site name and their text is one sentence or an attachment."""
    wanted = set(fold_for_search(referrer).split()) if referrer else set()
    best: tuple[float, Line, str, str] | None = None
    for line in lines:
        if line.chrome or not 6 <= line.chars <= 300 or line.link_ratio >= 0.5 or vocab.is_end_marker(line.text):
            continue
        kind = _heading_kind(line)
        words = set(fold_for_search(line.text).split())
        by_referrer = bool(wanted) and len(words) >= 3 and len(words & wanted) >= 0.9 * max(len(words), len(wanted))
        if kind is None and not (by_referrer and line.chars >= 15):
            continue
        dated = _dated_title(lines, line.index)
        if not (dated or by_referrer):
            continue
        score = 2.0 * by_referrer + 1.0 * dated + _TITLE_BONUS[kind or "match"]
        if best is None or score > best[0]:
            best = (score, line, kind or "match", "referrer" if by_referrer else "date")
    return (best[1], best[2], best[3]) if best else None


def _dated_title(lines: list[Line], index: int) -> bool:
    """Whether a date line sits right under line `index` (or under a short line under it that is
    not itself a title) or right above it (see `above_title`)."""
    below = lines[index + 1:index + 3]
    if below and _is_date_line(below[0]):
        return True
    if len(below) == 2 and below[0].chars <= 60 and _heading_kind(below[0]) is None and _is_date_line(below[1]):
        return True
    return any(_is_date_line(ln) for ln in above_title(lines, index))


def _is_date_line(line: Line) -> bool:
    return line.chars <= MAX_META_CHARS and line.link_ratio < 0.5 and is_meta_line(line.text) and (
        normalize_datetime(line.text) is not None)


def above_title(lines: list[Line], index: int) -> list[Line]:
    """The short lines right above a title, nearest last: its category and date row
    ("tin nổi bật | 11/06/2019") even when the row's class calls it a header, but never a menu,
    a headline link or a header clock (a weekday date without a time, in page chrome)."""
    out: list[Line] = []
    for line in reversed(lines[max(0, index - PRE_TITLE_LINES):index]):
        if line.link_ratio >= 0.5 and not line.chrome or is_headline_link(line) or is_content(line):
            break
        if line.chars > MAX_META_CHARS or (line.chrome and line.link_ratio >= 0.5):
            break
        if _looks_like_clock(line.text, line.chrome):
            break
        out.insert(0, line)
    if out and out[0].index > 0 and is_headline_link(lines[out[0].index - 1]) and not lines[out[0].index - 1].chrome:
        return []  # the date of the list item above (a listing's item: headline link, date), not of this title
    return out


def _looks_like_clock(text: str, chrome: bool) -> bool:
    """A header clock's shape: a weekday and a date without a time of day, or with one in page
    chrome (where the clock shows when the page was rendered)."""
    folded = fold_for_search(text)
    return bool(vocab.WEEKDAY_RE.search(folded)) and (chrome or not _CLOCK_TIME.search(folded))


_CLOCK_TIME = re.compile(r"\d{1,2}\s?(?::|h|gio)\s?\d{1,2}")


# --- the main text block ---------------------------------------------------------------------


def best_container(lines: list[Line]) -> Any:
    """The element holding most content text (see the module docstring), or None."""
    scores: dict[Any, float] = {}
    for line in lines:
        if not line.chrome and is_content(line) and line.tag not in ("h1", "h2"):
            for weight, element in zip(_SCORE_WEIGHTS, line_ancestors(line), strict=False):
                scores[element] = scores.get(element, 0.0) + line.chars * weight
    if not scores:
        return None
    density = _link_density(lines, scores)
    best = max(scores, key=lambda el: scores[el] * _class_weight(el) * (1.0 - density.get(el, 0.0)))
    if best.tag in _PARAGRAPH_TAGS and best.getparent() is not None:
        best = best.getparent()  # one paragraph won: the block is the element around it
    return best


def _link_density(lines: list[Line], candidates: dict[Any, float]) -> dict[Any, float]:
    totals: dict[Any, list[float]] = {}
    for line in lines:
        if line.chrome:
            continue
        for element in line_ancestors(line):
            if element in candidates:
                acc = totals.setdefault(element, [0.0, 0.0])
                acc[0] += line.chars
                acc[1] += line.chars * line.link_ratio
    return {el: linked / total for el, (total, linked) in totals.items() if total}


def _class_weight(element: Any) -> float:
    tokens = class_tokens(element)
    if tokens & vocab.SAPO_TOKENS:
        return 0.6
    if tokens & vocab.CONTENT_TOKENS or element.tag in ("article", "main"):
        return 1.25
    return 1.0


# --- the title ------------------------------------------------------------------------------


def find_title(lines: list[Line], before: int, refs: Sequence[str], page_url: str = "") -> tuple[Line | None, str | None]:
    """The title line near line `before` (the main block's first text), and why it was chosen
    ("h1".."h4", "class", "match", "bold"): the heading that best matches og:title / <title>,
    is nearest to the text and is followed by a date line."""
    ref_tokens = [set(fold_for_search(r).split()) for r in refs if r]
    best: tuple[float, Line, str] | None = None
    for line in lines[:before + TITLE_LOOKAHEAD]:
        if line.chrome or not 6 <= line.chars <= 300:
            continue
        if line.link_ratio >= 0.5 and line.tag != "h1" and not _self_link(line, page_url):
            continue
        similarity = _similarity(line.text, ref_tokens, refs)
        kind = _heading_kind(line) or ("match" if similarity >= MIN_MATCH_SIMILARITY and line.chars >= 20 else None)
        distance = abs(before - line.index)
        if kind is None or (similarity < 0.5 and kind != "h1" and distance > NEAR_TITLE_LINES):
            continue
        dated = any(is_meta_line(ln.text) for ln in lines[line.index + 1:line.index + 3])
        score = similarity + _TITLE_BONUS[kind] + 1 / (1 + distance / 2) + 0.6 * dated
        if best is None or score > best[0]:
            best = (score, line, kind)
    if best is None:
        bold = _bold_title(lines, before)
        return (bold, "bold") if bold else (None, None)
    return best[1], best[2]


def _self_link(line: Line, page_url: str) -> bool:
    """A title that links to its own page (some CMSs make every heading a link)."""
    return bool(line.href and page_url) and canonicalize_url(urljoin(page_url, line.href)) == canonicalize_url(page_url)


def _bold_title(lines: list[Line], before: int) -> Line | None:
    """Old sites set the title in bold text, not a heading: a bold line just above the text
    with a date line right after it (title, date, text is the shape of a news page)."""
    for line in lines[max(0, before - BOLD_TITLE_REACH):before + TITLE_LOOKAHEAD]:
        if (line.bold_ratio >= 0.9 and 15 <= line.chars <= 250 and line.link_ratio < 0.5 and not line.chrome
                and not is_meta_line(line.text) and not vocab.is_end_marker(line.text)):
            after = lines[line.index + 1:line.index + 3]
            if any(is_meta_line(ln.text) for ln in after):
                return line
    return None


def _heading_kind(line: Line) -> str | None:
    if line.tag in ("h1", "h2", "h3", "h4"):
        return line.tag
    for element in line_ancestors(line)[:2]:
        if any(t in class_text(element) for t in vocab.TITLE_TOKENS):
            return "class"
    return None


def _similarity(text: str, refs: list[set[str]], raw_refs: Sequence[str] = ()) -> float:
    """How well a heading matches og:title / <title>: mostly its share of words found there.
    A <title> without a separator may be just the site name (old portals use one <title> for
    every page), so matching it whole counts for half."""
    words = set(fold_for_search(text).split())
    if not words or not refs:
        return 0.0
    best = max((2 * len(words & ref) / len(words) + len(words & ref) / len(ref)) / 3 for ref in refs if ref)
    if raw_refs and words == refs[-1] and not any(sep in raw_refs[-1] for sep in (" - ", " | ", " – ", " :: ")):
        return min(best, 0.5)
    return best


# --- the body span and the regions around it ------------------------------------------------


def _span(lines: list[Line], container: Any, start: int) -> tuple[int | None, int | None]:
    """First and last line index of the body text: the main block's content lines, grown over
    neighbouring content lines until a breaker."""
    own: list[int] = []
    for line in lines[start:]:
        if container in line_ancestors(line):
            if own and (vocab.is_end_marker(line.text) or _starts_list(lines, line.index)):
                break
            if is_content(line):
                own.append(line.index)
    if not own:
        return None, None
    return _grow(lines, own[0], -1, start), _grow(lines, own[-1], 1, len(lines) - 1)


def _starts_list(lines: list[Line], i: int) -> bool:
    """A headline link with another one close after it: a related-links list without a heading."""
    return is_headline_link(lines[i]) and any(is_headline_link(ln) for ln in lines[i + 1:i + 4])


def _grow(lines: list[Line], edge: int, step: int, limit: int) -> int:
    """Move `edge` over content lines in direction `step` until a breaker or a long gap."""
    i, gap = edge + step, 0
    while (i >= limit) if step < 0 else (i <= limit):
        line = lines[i]
        if is_breaker(line):
            break
        if is_content(line):
            edge, gap = i, 0
        else:
            gap += 1
            if gap > MAX_GAP_LINES:
                break
        i += step
    return edge


def _fill_regions(layout: Layout, start: int, first: int, last: int) -> None:
    lines = layout.lines
    layout.between = lines[start:first]
    layout.window = [ln for ln in layout.between if not is_headline_link(ln) and ln.chars <= 200]
    previous: Line | None = None
    for line in lines[first:last + 1]:
        if line.chrome or vocab.is_noise_line(line.text):
            continue
        if line.link_ratio >= HEADLINE_LINK_RATIO:
            layout.inner_links += 1
        elif is_meta_line(line.text):
            # A date under an item's title, or a date alone in a table cell or list item (a table
            # of documents, a schedule): the items of a list, not one article's metadata.
            layout.inner_meta += bool(layout.body) and (
                (previous is not None and _item_title(previous)) or line.tag in _ITEM_CELLS)
            (layout.window if not layout.body else layout.tail).append(line)
        else:
            layout.body.append(line)
        previous = line
    layout.tail = _tail(lines, last + 1) + layout.tail
    if layout.title is not None:
        region = common_ancestor(layout.title.owner, layout.container)
        lo = max(0, layout.title.index - PRE_TITLE_LINES)
        row = {ln.index for ln in above_title(lines, layout.title.index)}
        layout.before_title = [ln for ln in lines[lo:layout.title.index]
                               if ln.index in row or (not ln.chrome and region in line_ancestors(ln) and ln.link_ratio < 0.5)]


_ITEM_CELLS = frozenset({"td", "li", "dd"})


def _item_title(line: Line) -> bool:
    return line.bold_ratio >= 0.9 or line.tag in ("h2", "h3", "h4", "h5") or line.link_ratio >= HEADLINE_LINK_RATIO


def _tail(lines: list[Line], start: int) -> list[Line]:
    out: list[Line] = []
    for line in lines[start:start + MAX_TAIL_LINES]:
        if is_breaker(line) or (line.chrome and _in_footer(line.owner)):
            break
        out.append(line)
    return out


def _in_footer(element: Any) -> bool:
    """Inside the page footer (its visit counter and address are never article metadata)."""
    return any(el.tag == "footer" or "footer" in class_text(el) for el in ancestors(element))


def common_ancestor(a: Any, b: Any) -> Any:
    seen = {id(el) for el in ancestors(a)}
    return next((el for el in ancestors(b) if id(el) in seen), b)


def related_block_follows(layout: Layout) -> bool:
    """Whether the text is followed by a related-news block ("Các tin khác", "Tin đã đưa"): a
    sign of a news article that static pages rarely carry."""
    if not layout.body:
        return False
    end = layout.tail[-1].index if layout.tail else layout.body[-1].index
    return any(vocab.is_end_marker(ln.text) for ln in layout.lines[end + 1:end + 1 + MAX_TAIL_LINES])


def headline_groups(lines: list[Line]) -> dict[str, int]:
    """Headline links outside chrome, counted by the shape of their block (tag and class of the
    block and its parent): a list of articles repeats one shape."""
    groups: dict[str, int] = {}
    for line in lines:
        if not line.chrome and is_headline_link(line):
            shape = "/".join(f"{el.tag}.{el.get('class', '')}" for el in line_ancestors(line)[:2])
            groups[shape] = groups.get(shape, 0) + 1
    return groups
