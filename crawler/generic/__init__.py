"""Generic mode: crawling and extracting a portal nobody has written a profile for.

`scrapy crawl portal -a start_url=URL` runs this package through `crawler.spiders.generic`.
What lives where (all pure, HTML and URLs in, answers out):

- ``urls.py``: canonical URLs, the same-site test, trap rules, the catalogue's URL shapes;
- ``lines.py``: a page flattened into visual lines tied to their elements, page chrome marked, and
  its link elements with their text, in one walk (chrome blocks a site repeats are replayed);
- ``layout.py``: the title, the main text block, the body span, the lines around them;
- ``structured.py``: <meta>, JSON-LD and microdata;
- ``extract.py``: the article fields with provenance (same `ArticleFields` as profiles produce),
  attachments included;
- ``classify.py``: article, listing or other; ``pagination.py``: pagers, plain and postback;
- ``document.py``: `PageDocument`, one parsed page and what every reading of it shares (lines,
  layout, metadata, links, pager); ``page.py``: `GenericPage`, which adds the verdict and fields;
- ``profile.py``: the synthetic `SiteProfile` of a start URL;
- the Vietnamese vocabulary (labels, furniture, CSS hints) is `pipelines.vocab`, shared with the
  normalizers and the profiles' page objects.
"""
from __future__ import annotations

from datetime import datetime

from crawler.generic.classify import ARTICLE, LISTING, OTHER, Verdict, classify
from crawler.generic.page import GenericPage, Link
from crawler.generic.urls import canonicalize_url, same_site, trap_reason
from crawler.items import ArticleFields

__all__ = ["ARTICLE", "LISTING", "OTHER", "GenericPage", "Link", "Verdict", "canonicalize_url", "classify",
           "extract_article", "same_site", "trap_reason"]


def extract_article(url: str, html: str, now: datetime | None = None) -> tuple[Verdict, ArticleFields | None]:
    """One page in, its verdict and (for an article) its fields out: what `scrapy reextract` needs
    to rebuild a generic site's rows from stored pages."""
    page = GenericPage(url, html, now=now)
    return page.verdict, page.fields if page.verdict.kind == ARTICLE else None
