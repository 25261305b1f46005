"""`scrapy export-warc`: Scrapy names a command after its module, so this hyphenated module only
gives the command in crawler/commands/export_warc.py its documented name (`export_warc` works too)."""
from __future__ import annotations

from crawler.commands.export_warc import Command as _Command


class Command(_Command):
    """`scrapy export-warc`, the same command as `scrapy export_warc`."""
