"""ArticlePage: one article page in, raw fields out. Pure: no I/O, no clock, no Scrapy.

Extraction chooses the right *strings* (which element holds the date, where the body ends);
turning them into values is the normalizers' job (pipelines/). Each field records the rule that
produced it in `provenance`, so coverage can be audited per rule.
"""
from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.items import ArticleFields
from crawler.pages.html import document_links, first_element, first_text, jsonld_objects, paragraphs
from crawler.profiles.model import SiteProfile
from pipelines import vocab
from pipelines.normalize import clean_text, normalize_authors, to_nfc

# The vocabulary lives in pipelines/vocab.py: view labels, credit labels, error-page titles, and
# the bylines that name nobody (the normalizers' full list, not a subset).
VIEW_LABEL_RE = vocab.VIEW_LABEL_TEXT_RE
CREDIT_RE = vocab.CREDIT_TEXT_RE
PLACEHOLDER_BYLINES = vocab.PLACEHOLDER_BYLINES
ERROR_TITLES = vocab.ERROR_TITLES
MAX_BYLINE_CHARS = 90


class ArticlePage:
    """Extract one article from HTML with a site's profile rules."""

    def __init__(self, url: str, html: str, profile: SiteProfile) -> None:
        self.url = url
        self.profile = profile
        self.rules = profile.article
        # NFC before parsing, not only on the extracted strings: pages in legacy code pages
        # (windows-1258) or pasted from some editors carry decomposed tone marks, and selectors
        # that match text (`p:contains("Tác giả")`) must see the same characters a profile names.
        self.sel = Selector(text=to_nfc(html))

    def validate(self) -> str | None:
        """A short reason when this page is not an article (``no_title``, ``no_body``...), else None."""
        title = self._title[0]
        if not title:
            return "no_title"
        if ERROR_TITLES.match(title):
            return "error_page"
        if not self._body_element[0]:
            return "no_body"
        return None

    def extract(self) -> ArticleFields:
        """All raw fields, each with the rule that produced it."""
        out = ArticleFields(url=self.canonical_url())
        prov: dict[str, str | None] = {}  # rules by field; the fields that got none are dropped below
        out.title, prov["title"] = self._title
        out.summary, prov["summary"] = self._tagged(first_text(self.sel, self.rules.summary))
        out.category, prov["category"] = self._tagged(first_text(self.sel, self.rules.category))
        out.source_raw, prov["source"] = self._tagged(first_text(self.sel, self.rules.source))
        out.date_raw, prov["date"] = self._date()
        out.views_raw, prov["views"] = self._views()
        out.date_in_url = self._date_in_url()
        body, byline = self._body_and_byline()
        out.byline_raw, prov["authors"] = self._byline(byline)
        if body or out.summary:
            out.body_text = "\n\n".join(_with_summary(out.summary, body))
            prov["body"] = "profile:" + (self._body_element[1] or "")
        if self._body_element[0] is not None:
            out.attachments = document_links(self._body_element[0].root, self.url)
        out.provenance = {k: v for k, v in prov.items() if v}
        return out

    # --- fields ---------------------------------------------------------------------------

    def canonical_url(self) -> str:
        href = self.sel.css('link[rel="canonical"]::attr(href)').get()
        if href:
            absolute = urljoin(self.url, href.strip())
            if urlsplit(absolute).hostname == urlsplit(self.url).hostname:
                return absolute
        return self.url

    # Cached: validate() and extract() both need the title and the body element, and each lookup
    # runs a selector chain over the page (a few per cent of a crawl's main thread under py-spy).
    @cached_property
    def _title(self) -> tuple[str | None, str | None]:
        text, css = first_text(self.sel, self.rules.title)
        if text:
            return text, f"profile:{css}"
        for source, value in (
            ("meta:og:title", self.sel.css('meta[property="og:title"]::attr(content)').get()),
            ("html:title", self._html_title()),
        ):
            if value and clean_text(value):
                return clean_text(value), source
        return None, None

    def _html_title(self) -> str | None:
        title = self.sel.css("title::text").get()
        if not title:
            return None
        for suffix in self.rules.title_suffix:
            cut = title.upper().find(suffix.upper())
            if cut > 0:
                title = title[:cut]
        return title

    def _date(self) -> tuple[str | None, str | None]:
        text, css = first_text(self.sel, self.rules.date)
        if text:
            return text, f"profile:{css}"
        for source, query in (
            ("meta:article:published_time", 'meta[property="article:published_time"]::attr(content)'),
            ("microdata:datePublished", '[itemprop="datePublished"]::attr(content), [itemprop="datePublished"]::attr(datetime)'),
        ):
            value = self.sel.css(query).get()
            if value and value.strip():
                return value.strip(), source
        value = next((n["datePublished"].strip() for n in jsonld_objects(self.sel)
                      if isinstance(n.get("datePublished"), str)), None)
        if value:
            return value, "jsonld:datePublished"
        if self._date_in_url():
            return None, "url"
        return None, None

    def _views(self) -> tuple[str | None, str | None]:
        for css in self.rules.views:
            text, _ = first_text(self.sel, (css,))
            if text and VIEW_LABEL_RE.search(text):
                return text, f"profile:{css}"
        return None, None

    def _date_in_url(self) -> str | None:
        pattern = self.profile.urls.date_in_url
        match = pattern.search(urlsplit(self.url).path) if pattern else None
        if not match:
            return None
        year, month, day = (int(g) for g in match.groups())
        return f"{year:04d}-{month:02d}-{day:02d}"

    @cached_property
    def _body_element(self) -> tuple[Selector | None, str | None]:
        return first_element(self.sel, self.rules.body)

    def _body_and_byline(self) -> tuple[list[str], str | None]:
        element, _ = self._body_element
        if element is None:
            return [], None
        for css in self.rules.body_drop:
            for node in element.css(css):
                node.drop()
        paras = paragraphs(element)
        if self.rules.byline == "last_paragraph" and paras and looks_like_byline(paras[-1]):
            return paras[:-1], paras[-1]
        return paras, None

    def _byline(self, from_body: str | None) -> tuple[str | None, str | None]:
        text, css = first_text(self.sel, self.rules.author)
        if text:
            return text, f"profile:{css}"
        if from_body:
            return from_body, "heuristic:last_paragraph"
        return None, None

    @staticmethod
    def _tagged(found: tuple[str | None, str | None]) -> tuple[str | None, str | None]:
        text, css = found
        return (text, f"profile:{css}") if text else (None, None)


def looks_like_byline(text: str) -> bool:
    """Whether a paragraph is a byline: a credit label, a placeholder, or a short run of names."""
    text = text.strip()
    if not text or len(text) > MAX_BYLINE_CHARS:
        return False
    if CREDIT_RE.match(text) or text.casefold().rstrip(". ") in PLACEHOLDER_BYLINES:
        return True
    if text.endswith(("./.", ":", "?", "!", ";", "…")):
        return False
    head = re.split(r"\s[-–]\s|\(|,", text, maxsplit=1)[0].strip().rstrip(".")
    words = head.split()
    if not 1 <= len(words) <= 5 or not all(_capitalized(w) for w in words):
        return False
    return bool(normalize_authors(text))


def _capitalized(word: str) -> bool:
    first = word.lstrip("(\"'“")[:1]
    return first.isupper() or (first.isalpha() and word.isupper())


def _with_summary(summary: str | None, body: list[str]) -> list[str]:
    if not summary:
        return body
    if body and body[0].startswith(summary[: min(len(summary), 80)]):
        return body  # the sapo is already the first paragraph of the body
    return [summary, *body]
