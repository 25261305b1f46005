"""`scrapy locate-site`: Scrapy names a command after its module, so this hyphenated module only
gives the command in crawler/commands/locate_site.py its documented name (`locate_site` works too)."""
from __future__ import annotations

from crawler.commands.locate_site import Command as _Command


class Command(_Command):
    """`scrapy locate-site`, the same command as `scrapy locate_site`."""
