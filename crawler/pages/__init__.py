"""Pure page objects: HTML in, fields out (no I/O, no clock, no Scrapy)."""
