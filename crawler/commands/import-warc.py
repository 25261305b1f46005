"""`scrapy import-warc`: Scrapy names a command after its module, so this hyphenated module only
gives the command in crawler/commands/import_warc.py its documented name (`import_warc` works too)."""
from __future__ import annotations

from crawler.commands.import_warc import Command as _Command


class Command(_Command):
    """`scrapy import-warc`, the same command as `scrapy import_warc`."""
