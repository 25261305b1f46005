"""`scrapy dist-worker`: Scrapy names a command after its module, so this hyphenated module only
gives the command in crawler/commands/dist_worker.py its documented name (`dist_worker` works too)."""
from __future__ import annotations

from crawler.commands.dist_worker import Command as _Command


class Command(_Command):
    """`scrapy dist-worker`, the same command as `scrapy dist_worker`."""
