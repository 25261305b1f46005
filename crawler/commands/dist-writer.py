"""`scrapy dist-writer`: Scrapy names a command after its module, so this hyphenated module only
gives the command in crawler/commands/dist_writer.py its documented name (`dist_writer` works too)."""
from __future__ import annotations

from crawler.commands.dist_writer import Command as _Command


class Command(_Command):
    """`scrapy dist-writer`, the same command as `scrapy dist_writer`."""
