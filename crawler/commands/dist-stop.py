"""`scrapy dist-stop`: Scrapy names a command after its module, so this hyphenated module only
gives the command in crawler/commands/dist_stop.py its documented name (`dist_stop` works too)."""
from __future__ import annotations

from crawler.commands.dist_stop import Command as _Command


class Command(_Command):
    """`scrapy dist-stop`, the same command as `scrapy dist_stop`."""
