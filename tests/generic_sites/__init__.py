"""Local test portals of platform families the generic mode was not written against, with truth.

They stand in for the portals nobody has a profile for (and for the acceptance portals kept
aside): five families from shared/reference/portal-platforms.md other than SharePoint, the new
Hà Tĩnh platform and NukeViet, each written the way such a portal looks, traps included.

- ``liferay.py``: Liferay Thanh Hóa ward (``Đăng lúc: ... (GMT+7)``, ``_cur=`` pagination);
- ``tuyenquang.py``: slug + id ``.html`` CMS (``/trang-N.html``, ``Lượt xem:``, header clock of
  today, "Tin cùng chuyên mục", footer visit counter, document list, contact page);
- ``dnn.py``: DotNetNuke (``/tabid/255/post/3011/{slug}.aspx``, ``<< < 1 2 3 > >>``, trailing bylines);
- ``aspnet_legacy.py``: older ASP.NET in windows-1258 declared only in <meta>
  (``Lượt xem: 5281 | Gửi lúc: ...``, ``?Page=N``, a never-ending "Xem tin theo ngày" calendar);
- ``wordpress.py``: WordPress permalinks (``/2015/09/25/{slug}/``, byline ``Trần Minh.``);
- ``hue.py``: Thừa Thiên Huế query-string CMS (``?cn=55&gd=12&tc=10899``; no heading, no <title>
  match, a bare date, unlinked listing titles with long teasers, an organisation chart).

``serve(name)`` runs one portal on its own 127.0.0.1 port (the sample portal server's HTTP
plumbing and routing, with the portal mounted at the root) and ``saved/`` holds pages of each
family for the pure extraction tests (``python -m tests.generic_sites.save`` rewrites them).
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from sample_portal import SamplePortal, SamplePortalServer
from sample_portal.demo import LOCAL_ONLY_SETTINGS
from tests.generic_sites.aspnet_legacy import AspNetLegacySite
from tests.generic_sites.base import PortalSite
from tests.generic_sites.dnn import DnnSite
from tests.generic_sites.hue import HueSite
from tests.generic_sites.liferay import LiferaySite
from tests.generic_sites.tuyenquang import TuyenQuangSite
from tests.generic_sites.wordpress import WordPressSite

PORTALS: dict[str, type[PortalSite]] = {
    "liferay": LiferaySite,
    "tuyenquang": TuyenQuangSite,
    "dnn": DnnSite,
    "aspnet_legacy": AspNetLegacySite,
    "wordpress": WordPressSite,
    "hue": HueSite,
}


@contextmanager
def serve(name: str) -> Iterator[tuple[SamplePortalServer, PortalSite]]:
    """Portal `name` served at ``server.url`` (its home page is ``server.url + site.home``)."""
    site = PORTALS[name]()
    server = SamplePortalServer(SamplePortal(), port=0)
    server.sites = {"": site}  # mounted at the root: the portal's paths are the server's
    with server:
        yield server, site


def generic_crawl_command(start_url: str, db: str, *extra: str) -> list[str]:
    """`scrapy crawl portal -a start_url=...` with the local-server politeness relaxations."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"start_url={start_url}",
           "-s", f"ARCHIVE_DB={db}", "-s", "LOG_LEVEL=INFO", *extra]
    for setting in LOCAL_ONLY_SETTINGS:
        cmd += ["-s", setting]
    return cmd
