"""The Scrapy project: spiders, settings, items, site profiles, page extraction, sample portals."""
