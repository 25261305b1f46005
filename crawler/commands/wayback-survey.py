"""`scrapy wayback-survey`: Scrapy names a command after its module, so this hyphenated module only
gives the command in crawler/commands/wayback_survey.py its documented name (`wayback_survey` works too)."""
from __future__ import annotations

from crawler.commands.wayback_survey import Command as _Command


class Command(_Command):
    """`scrapy wayback-survey`, the same command as `scrapy wayback_survey`."""
