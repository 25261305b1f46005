"""ListingPage: one category listing in, article links and the way to the next page out. Pure.

Pagination comes in two shapes: a plain link (`?page=2`, `/trang-2.html`), or an ASP.NET
postback (`javascript:__doPostBack('ctl00$...$pager','Page$2')`) where the next page exists only
as the answer to POSTing the page's form back. The page object reports which, and the spider
builds the request.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

from form2request import form2request
from parsel import Selector

from crawler.profiles.model import SiteProfile
from pipelines.normalize import clean_text

POSTBACK_RE = re.compile(r"__doPostBack\(\s*'([^']*)'\s*,\s*'([^']*)'\s*\)")


@dataclass(frozen=True)
class NextLink:
    """The next listing page is a plain URL."""

    url: str


@dataclass(frozen=True)
class NextPostback:
    """The next listing page is the answer to posting the page's form back (ASP.NET WebForms).

    `url`, `method`, `headers` and `body` are the request to send: the form's fields (with the
    page's own __VIEWSTATE / __EVENTVALIDATION) and the pager's event target and argument.
    """

    event_target: str
    event_argument: str
    url: str
    method: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


NextPage = NextLink | NextPostback


class ListingPage:
    """Article links and the next page of one listing page, by a site's profile rules."""

    def __init__(self, url: str, html: str, profile: SiteProfile) -> None:
        self.url = url
        self.profile = profile
        self.rules = profile.listing
        self.sel = Selector(text=html, base_url=url)  # base_url: form actions resolve against it

    def article_links(self) -> list[str]:
        """Absolute article URLs of the main list, in page order, without duplicates."""
        seen: dict[str, None] = {}
        for css in self.rules.article_links:
            for href in self.sel.css(css).getall():
                url = urldefrag(urljoin(self.url, href.strip()))[0]
                if self.profile.urls.is_article(url):
                    seen.setdefault(url, None)
        return list(seen)

    def next_page(self) -> NextPage | None:
        """How to reach the next listing page, or None on the last page."""
        anchors = [(clean_text(" ".join(a.css("::text").getall())), a.attrib.get("href", ""))
                   for a in self.sel.css(self.rules.pager)]
        href = _by_label(anchors, self.rules.next_labels) or _by_number(anchors, self.current_page())
        if not href:
            return None
        postback = POSTBACK_RE.search(href)
        if postback:
            return self._postback(postback.group(1), postback.group(2))
        if href.lower().startswith("javascript:") or href.startswith("#"):
            return None
        return NextLink(urldefrag(urljoin(self.url, href))[0])

    def _postback(self, target: str, argument: str) -> NextPostback | None:
        form = self.sel.css(f'form[id="{self.rules.form_id}"]') or self.sel.css("form")
        if not form:
            return None  # a postback link without a form to post cannot be followed
        # click=False: __doPostBack submits the form from script, no submit button is pressed.
        request = form2request(form[0], {"__EVENTTARGET": target, "__EVENTARGUMENT": argument}, click=False)
        return NextPostback(target, argument, request.url, request.method, tuple(request.headers), request.body)

    def current_page(self) -> int | None:
        """The number the pager shows as current (a non-link number), if any."""
        for css in (".current", "span.active", "li.active", "strong", "span"):
            for text in self.sel.css(f"{_pager_container(self.rules.pager)} {css}::text").getall():
                if text.strip().isdigit():
                    return int(text.strip())
        return None


def _by_label(anchors: list[tuple[str, str]], labels: tuple[str, ...]) -> str | None:
    for label in labels:
        for text, href in anchors:
            if text.casefold() == label.casefold() and href:
                return href
    return None


def _by_number(anchors: list[tuple[str, str]], current: int | None) -> str | None:
    if current is None:
        return None
    for text, href in anchors:
        if text == str(current + 1) and href:
            return href
    return None


def _pager_container(pager_css: str) -> str:
    """`.Paging a, .pager a` -> `.Paging`: the container part of the first pager selector."""
    first = pager_css.split(",")[0].strip()
    return first.rsplit(" ", 1)[0] if " " in first else first
