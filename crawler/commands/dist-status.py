"""`scrapy dist-status`: Scrapy names a command after its module, so this hyphenated module only
gives the command in crawler/commands/dist_status.py its documented name (`dist_status` works too)."""
from __future__ import annotations

from crawler.commands.dist_status import Command as _Command


class Command(_Command):
    """`scrapy dist-status`, the same command as `scrapy dist_status`."""
