"""Generic article extraction: the fields of `crawler.pages.article.ArticleFields` from any portal's
HTML, without selectors. Pure: HTML (and optionally "now", for the header-clock check) in, fields out.

Each field records its rule in ``provenance``: ``heuristic:h1``, ``label:Đăng lúc``,
``meta:article:published_time``, ``jsonld:author``, ``microdata:datePublished``...

- **title**: the heading chosen by `layout.find_title`; else ``og:title``; else ``<title>`` without
  the site name.
- **date**: the labelled date line nearest the title (between title and text), then any date line
  there, then just above the title, then after the text; the header clock (a weekday date equal to
  today, in page chrome) and everything after the related-links marker are never read. Declared
  metadata (meta, JSON-LD, microdata, <time datetime>) fills in when no line is found, and wins
  when it agrees with the line and is more precise (the time for a day-only line, the seconds
  for a minute).
- **views**: a line labelled ``Lượt xem`` / ``Xem:`` / ``Lượt đọc`` near the title or after the
  text, never a site counter (``Lượt truy cập``); else JSON-LD ``interactionStatistic``.
- **authors**: credit lines (``Tác giả:``, ``Tin, ảnh:``, ``Đăng bởi``) near the title, and the
  trailing lines of the text that look like a byline (`looks_like_byline`), with ``Nguồn:``
  lines kept for the source; else JSON-LD / microdata / meta author.
- **summary**: the first text line when it is a distinct lead (bold, or a ``sapo``/``summary``
  block), or when the meta description repeats it.
- **body**: the body span's lines, byline lines removed; **category**: the breadcrumb's last step.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.generic.layout import Layout, common_ancestor, is_meta_line
from crawler.generic.lines import Crumb, Line, ancestors, class_tokens, names_breadcrumb
from crawler.generic.urls import canonicalize_url, date_in_url, is_home_url, same_site
from crawler.items import ArticleFields
from crawler.pages.article import looks_like_byline
from crawler.pages.html import document_links
from pipelines import vocab
from pipelines.normalize import (
    clean_text,
    fold_for_search,
    normalize_authors,
    normalize_datetime_detail,
    normalize_view_count,
)

if TYPE_CHECKING:
    from crawler.generic.document import PageDocument

Found = tuple[str | None, str | None]
MAX_DATE_LINE_CHARS = 160
MAX_BYLINE_LINES = 3
_TITLE_SEPARATORS = (" - ", " | ", " – ", " — ", " :: ", " » ")
_CRUMB_SKIP = frozenset({"trang chu", "home", "trang nhat", "", "»", "›", ">", "/"})


def extract_fields(page: PageDocument) -> ArticleFields:
    """Every raw field of an article page, each with its provenance."""
    layout = page.layout
    out = ArticleFields(url=canonical_link(page))
    prov: dict[str, str | None] = {}  # rules by field; the fields that got none are dropped below
    out.title, prov["title"] = extract_title(page)
    body, byline = split_byline_lines(layout)
    out.summary, prov["summary"] = extract_summary(page, body)
    out.body_text = "\n\n".join(line.text for line in body) or None
    prov["body"] = "heuristic:main_block" if body else None
    out.date_raw, prov["date"] = extract_date(page)
    out.views_raw, prov["views"] = extract_views(page)
    out.byline_raw, prov["authors"] = extract_byline(page, byline)
    out.category, prov["category"] = extract_category(page, out.title)
    out.date_in_url = date_in_url(page.url)
    out.attachments = extract_attachments(page)
    if out.date_raw is None and out.date_in_url is None:
        prov["date"] = "absent:no_date_on_page"  # stored with published_at NULL, and this says why
    out.provenance = {k: v for k, v in prov.items() if v}
    return out


def canonical_link(page: PageDocument) -> str:
    """The page's <link rel=canonical> when it names a page of the same site, else its own URL;
    canonical form. Portal themes often put the site's home or the section in every page's
    canonical link (Liferay's ``/guest``): such a link would merge every article into one row."""
    own = canonicalize_url(page.url)
    # The first <link rel="canonical" href> (what ``//link[@rel = 'canonical']/@href`` finds, by
    # lxml's C iterator rather than an XPath scan of every node).
    href = next((el.get("href") for el in page.root.iter("link")
                 if el.get("rel") == "canonical" and "href" in el.attrib), None)
    if href and href.strip():
        absolute = urljoin(page.url, href.strip())
        if same_site(absolute, page.url) and not _names_a_parent(absolute, page.url):
            return canonicalize_url(absolute)
    return own


def _names_a_parent(canonical: str, url: str) -> bool:
    """A canonical link to the home page or to a folder above the page itself."""
    if is_home_url(canonical) and not is_home_url(url):
        return True
    parent, path = urlsplit(canonical).path.rstrip("/").lower(), urlsplit(url).path.rstrip("/").lower()
    return parent != path and path.startswith(parent + "/") and not urlsplit(canonical).query


# --- title --------------------------------------------------------------------------------------


def extract_title(page: PageDocument) -> Found:
    layout = page.layout
    if layout.title is not None:
        return strip_date_slot(layout.title.text), f"heuristic:{layout.title_kind}"
    og, source = page.structured.og_title()
    if og:
        return og, source
    return strip_site_name(page.structured.html_title), "html:title"


_DATE_SLOT = re.compile(r"\s*\(\s*(?:\d{1,4}[-./]\d{1,2}[-./]\d{2,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?Z?)?)?\s*\)\s*$")


def strip_date_slot(title: str) -> str:
    """A title line that carries its date slot: ``"Tiêu đề ( )"`` or ``"Tiêu đề (05.08.2019 16:32)"``
    -> ``"Tiêu đề"``. A day and month without a year, ``"(13/04)"``, is part of the title."""
    return _DATE_SLOT.sub("", title) or title


def strip_site_name(title: str | None) -> str | None:
    """``"Tiêu đề - Cổng TTĐT xã X"`` -> ``"Tiêu đề"``: the longest part around a separator."""
    if not title:
        return None
    for sep in _TITLE_SEPARATORS:
        if sep in title:
            return max(title.split(sep), key=len).strip() or title
    return title


# --- date -----------------------------------------------------------------------------------


def extract_date(page: PageDocument) -> Found:
    visible, line = _visible_date(page.layout, page.now)
    declared = page.structured.published()
    if visible[0] is None:
        return declared
    for other in (_time_element(line), declared):
        if other[0] is not None and _adds_time(visible[0], other[0]):
            return other
    return visible


def _time_element(line: Line | None) -> Found:
    """The machine-readable value of a <time datetime> inside the date line."""
    if line is None:
        return None, None
    for node in line.owner.iter("time"):
        if node.get("datetime"):
            return node.get("datetime").strip(), "html:time"
    return None, None


def _visible_date(layout: Layout, now: datetime | None) -> tuple[Found, Line | None]:
    groups = (
        (layout.window, "heuristic:date_near_title"),
        ([ln for ln in layout.before_title if not _is_clock(ln.text, now)], "heuristic:date_above_title"),
        (layout.tail, "heuristic:date_after_body"),
    )
    for lines, rule in groups:
        dated = [ln for ln in lines if ln.chars <= MAX_DATE_LINE_CHARS and normalize_datetime_detail(ln.text) is not None]
        labelled = [ln for ln in dated if vocab.DATE_LABEL_RE.search(fold_for_search(ln.text))]
        if labelled:
            return (labelled[0].text, f"label:{_label(labelled[0].text, vocab.DATE_LABEL_RE)}"), labelled[0]
        if dated:
            return (dated[0].text, rule), dated[0]
    return (None, None), None


def _is_clock(text: str, now: datetime | None) -> bool:
    """The header clock: a weekday date without a time, equal to today."""
    if now is None or not vocab.WEEKDAY_RE.search(fold_for_search(text)):
        return False
    parsed = normalize_datetime_detail(text, now=now)
    return parsed is not None and parsed.precision == "day" and parsed.value.date() == now.date()


_PRECISION = {"day": 0, "minute": 1, "second": 2}


def _adds_time(visible: str, declared: str) -> bool:
    """Whether a declared value (meta, JSON-LD, <time>) says more than the visible date line and
    agrees with everything the line says: a time for a day-only line, seconds for a minute."""
    seen, meta = normalize_datetime_detail(visible), normalize_datetime_detail(declared)
    if seen is None or meta is None or _PRECISION[meta.precision] <= _PRECISION[seen.precision]:
        return False
    if seen.precision == "day":
        return seen.value.date() == meta.value.date()
    return seen.value.replace(second=0) == meta.value.replace(second=0)


def _label(text: str, pattern: object) -> str:
    """The label as the page writes it: the span the pattern found in the folded text."""
    folded = fold_for_search(text)
    match = pattern.search(folded)  # type: ignore[attr-defined]
    if match is None:
        return "?"
    raw = text[match.start():match.end()] if len(folded) == len(text) else match.group(0)
    return raw.strip(" :：") or match.group(0).strip(" :")


# --- views ----------------------------------------------------------------------------------


def extract_views(page: PageDocument) -> Found:
    layout = page.layout
    for line in [*layout.window, *layout.before_title, *layout.tail]:
        folded = fold_for_search(line.text)
        if (vocab.VIEWS_LABEL_RE.search(folded) and not vocab.SITE_COUNTER_RE.search(folded)
                and normalize_view_count(line.text) is not None):
            return line.text, f"label:{_label(line.text, vocab.VIEWS_LABEL_RE)}"
    return page.structured.views()


# --- byline ---------------------------------------------------------------------------------


def split_byline_lines(layout: Layout) -> tuple[list[Line], list[Line]]:
    """The body without its trailing byline lines, and those lines (then the tail's credits)."""
    body = list(layout.body)
    trailing: list[Line] = []
    while body and len(trailing) < MAX_BYLINE_LINES and len(body) > 1 and _is_credit(body[-1].text):
        trailing.insert(0, body.pop())
    for line in layout.tail:
        if vocab.is_noise_line(line.text) or (is_meta_line(line.text) and not _is_credit(line.text)):
            continue
        if not _is_credit(line.text) or len(trailing) >= MAX_BYLINE_LINES + 1:
            break
        trailing.append(line)
    return body, trailing


def _is_credit(text: str) -> bool:
    folded = fold_for_search(text)
    return (looks_like_byline(text) or bool(vocab.SOURCE_LABEL_RE.match(folded))
            or (len(text) <= 90 and bool(vocab.AUTHOR_LABEL_RE.search(folded)) and bool(normalize_authors(text))))


def extract_byline(page: PageDocument, trailing: list[Line]) -> Found:
    """Credit lines near the title, then the trailing byline lines (a ``Nguồn:`` line is kept with
    them for the source); when they name nobody, the declared author (JSON-LD, microdata, meta)."""
    labelled = [ln for ln in page.layout.window
                if vocab.AUTHOR_LABEL_RE.search(fold_for_search(ln.text)) and normalize_authors(ln.text)]
    lines = [*labelled, *trailing]
    text = "\n".join(line.text for line in lines)
    if lines and normalize_authors(text):
        first = lines[0]
        labelled_first = bool(vocab.AUTHOR_LABEL_RE.search(fold_for_search(first.text)))
        return text, f"label:{_label(first.text, vocab.AUTHOR_LABEL_RE)}" if labelled_first else "heuristic:last_paragraph"
    declared = page.structured.author()
    if declared[0] and normalize_authors(declared[0]):
        return declared
    return (text, "heuristic:last_paragraph") if lines else (None, None)  # a placeholder or a source only


# --- attachments --------------------------------------------------------------------------


def extract_attachments(page: PageDocument) -> list[dict[str, str]]:
    """Links to documents (pdf, doc, xls...) of the same site in the article's part of the page:
    under the title, in the text or right after it."""
    layout = page.layout
    if layout.title is None:
        return []
    region = (common_ancestor(layout.title.owner, layout.container) if layout.container is not None
              else _nth_ancestor(layout.title.owner, 3))
    return document_links(region, page.base_url)


def _nth_ancestor(element: Any, n: int) -> Any:
    chain = list(ancestors(element, n + 1))
    return chain[-1]


# --- summary and category ---------------------------------------------------------------


def extract_summary(page: PageDocument, body: list[Line]) -> Found:
    if len(body) < 2:
        return None, None
    first = body[0]
    if first.bold_ratio >= 0.9 and first.chars >= 50:
        return first.text, "heuristic:bold_lead"
    if any(class_tokens(el) & vocab.SAPO_TOKENS for el in ancestors(first.owner, 3)):
        return first.text, "heuristic:sapo_block"
    description, source = page.structured.description()
    if description and _same_start(description, first.text):
        return first.text, source
    return None, None


def _same_start(a: str, b: str) -> bool:
    fa, fb = fold_for_search(a), fold_for_search(b)
    n = min(len(fa), len(fb), 80)
    return n >= 30 and fa[:n] == fb[:n]


_CLASSED = etree.XPath("descendant-or-self::*[@class or @id]")


def _breadcrumb_elements(crumbs: list[Crumb]) -> Iterator[Any]:
    """The page's elements whose class or id names a breadcrumb, in document order: those the line
    walk met, and those of the subtrees it did not enter, searched here."""
    for node, subtree in crumbs:
        if not subtree:
            yield node
        elif len(node) == 0:  # a script, a style, an empty hidden element: only itself to ask
            if names_breadcrumb(node.get("class") or "", node.get("id") or ""):
                yield node
        else:
            yield from (el for el in _CLASSED(node) if names_breadcrumb(el.get("class") or "", el.get("id") or ""))


def extract_category(page: PageDocument, title: str | None) -> Found:
    skip = {*_CRUMB_SKIP, fold_for_search(title or "")}
    for node in _breadcrumb_elements(page.text.crumbs):
        steps = [clean_text(" ".join(a.itertext())) for a in node.iter("a")]
        steps = [s for s in steps if fold_for_search(s) not in skip and len(s) <= 80]
        if steps:
            return steps[-1], "heuristic:breadcrumb"
    crumbs = [c for c in page.structured.breadcrumb() if fold_for_search(c) not in skip]
    if crumbs:
        return crumbs[-1], "jsonld:BreadcrumbList"
    return page.structured.section()
