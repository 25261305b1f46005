"""`scrapy locate-site HOST [--title TEXT] [--json]`: which administrative unit a portal belongs to.

Reads only the host name (and the title, when given) and the administrative data shipped with the
pinned vietnamadminunits package: no archive, no network.

    scrapy locate-site honglinh.hatinh.gov.vn
    scrapy locate-site sonlinh.hatinh.gov.vn --title "Cổng thông tin điện tử xã Sơn Lĩnh" --json

``--json`` prints one JSON object with the keys ``level`` (province, district, commune,
province_agency, national or unknown), ``legacy`` and ``new_2025`` (each with province_code,
province, district_code, district, ward_code, ward; null where they do not apply; ``wards`` lists
the 2025 communes a legacy unit became or the legacy communes a 2025 one was formed from,
``candidates`` the other units an ambiguous name fits, ``agency`` a department's name),
``confidence`` (0 to 1: high >= 0.85, medium >= 0.6, low below) and ``rule`` (what decided).
A bad argument exits with status 2.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "HOST [--title TEXT] [--json]"

    def short_desc(self) -> str:
        return "Tag one portal with its administrative unit (legacy and 2025) from its host name and title"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--title", help="the portal's title or header text, e.g. 'Cổng thông tin điện tử xã Sơn Lĩnh'")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one HOST (a host name such as honglinh.hatinh.gov.vn, or a URL)")
        from vnadmin import AdminDataError, locate  # imported here: `scrapy -h` should not load the data

        try:
            location = locate(args[0], opts.title)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        except AdminDataError as exc:
            raise UsageError(f"administrative data unavailable: {exc}") from exc
        if opts.json:
            print(json.dumps(location.to_dict(), ensure_ascii=False))
        else:
            print("\n".join(location.lines()))
