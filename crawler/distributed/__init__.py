"""A distributed crawl on scrapy-redis: many workers, one writer, polite per host across workers.

`scrapy dist-writer` opens (or resumes) a run on the archive and writes it; `scrapy dist-worker`
processes, on this machine or others, crawl it; `scrapy dist-status` and `scrapy dist-stop` watch
and stop it (docs/distributed.md). The single-process `scrapy crawl portal` stays the default
and needs no Redis.

- `frontier.py`: the run's state in Redis and the Lua scripts that keep it whole (queues per host,
  leases, in-flight hashes, acks with their items, reaping, send tokens).
- `scheduler.py`: the worker's scrapy-redis scheduler, queue and politeness middleware.
- `spider.py`: the portal spider as a worker, the worker's settings, the run's seed requests.
- `writer.py`: the run's one archive writer (`pipelines.storage.ArchiveWriter` batches).
- `codec.py`: requests and items as JSON messages (no pickles); `status.py`: `dist-status`.
"""
