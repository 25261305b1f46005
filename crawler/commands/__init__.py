"""Project Scrapy commands (COMMANDS_MODULE): `crawl` with clear errors and meaningful exit codes."""
