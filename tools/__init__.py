"""Developer tools that are not part of the crawler: scoring extraction against hand-read truth."""
