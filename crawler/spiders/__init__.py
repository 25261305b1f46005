"""Spiders of the project: `portal` (crawler/spiders/portal.py)."""
