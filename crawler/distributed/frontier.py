"""The shared state of a distributed crawl in Redis: the frontier, the leases, the item stream.

Everything that must not be split by a crash happens in one Lua script, atomically:

- **Queue per host.** Each host has a sorted set of requests (`<p>:q:<host>`, best priority first,
  FIFO within a priority), and `<p>:ready` orders the hosts by when they may be asked again. A
  worker pops from the first ready host and *leases* it: the host's ready time moves to the
  lease's end, so no other worker takes a request for it while this one is in flight (one
  request at a time per host, across every worker). The lease ends when the download leaves the
  downloader (`release`), or by itself after `lease_ms` if the worker died.
- **Reliable in-flight list.** The pop moves the request into the worker's processing hash
  (`<p>:proc:<worker>`, token -> host, score, request). It leaves it only when the request is done:
  `ack` deletes it *and* appends the items the response produced to the item stream in the same
  script, so the items of a request reach the writer exactly once or, if the worker dies first,
  not at all (the request is then crawled again). A request rescheduled by the downloader (a
  redirect, a retry) replaces its parent in one script too (`push` with `ack`).
- **Dead workers.** Workers beat (`<p>:workers`, their last beat in Redis' clock). `reap` moves a
  worker silent for longer than the timeout into `<p>:dead`, puts its in-flight requests back in
  their hosts' queues and frees its hosts. A reaped worker that comes back finds itself dead: its
  acks are refused (its requests belong to others now) and it stops.
- **Seen set.** The dupefilter's fingerprints (`<p>:seen`) are added in the same script as the
  push: a request is never marked seen without being queued.
- **Send token.** `gate` is the per-host politeness token every download takes right before it
  is sent (`SET <p>:tok:<host> NX PX delay`), and `restart_token` runs it again from the moment
  the download ended: a request to a host, from any worker (robots.txt included), starts at least
  the host's delay after the previous one's response came back. Anchored at the end, not at the
  start: the bytes of a request may leave well after its token was taken (a busy event loop, a
  new connection), never after its response arrived, so the spacing the portal sees holds however
  loaded the workers are. The delay is shared too (`<p>:delay`, adjusted like AutoThrottle from
  the latencies every worker sees).
- **Counters.** `<p>:queued` and `<p>:inflight` move in the same scripts as the requests they
  count: the run is over when both are zero (children are pushed before their parent's ack).

Times in the scripts are Redis' own (`TIME`), so machines with skewed clocks agree.
Single Redis instance (the scripts build key names, which Redis Cluster does not allow).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PRIORITY_SPAN = 2 ** 40  # FIFO sequence numbers within one priority (scores stay exact doubles)

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# ARGV: prefix, fingerprint ('' = no dupefilter), host, priority, payload,
#       ack worker, ack token, ack items ('' = none), run id
# -> 1 queued, 0 filtered as seen, -1 the parent to replace was taken back (stale): nothing done
PUSH = _NOW + """
local p = ARGV[1]
if ARGV[7] ~= '' then
  if redis.call('HDEL', p .. ':proc:' .. ARGV[6], ARGV[7]) == 0 then return -1 end
  redis.call('DECR', p .. ':inflight')
  if ARGV[8] ~= '' then redis.call('XADD', p .. ':items', '*', 'run', ARGV[9], 'd', ARGV[8]) end
end
if ARGV[2] ~= '' and redis.call('SADD', p .. ':seen', ARGV[2]) == 0 then return 0 end
local seq = redis.call('INCR', p .. ':seq')
local score = string.format('%.0f', -tonumber(ARGV[4]) * """ + str(PRIORITY_SPAN) + """ + seq)
redis.call('ZADD', p .. ':q:' .. ARGV[3], score, seq .. ':' .. ARGV[5])
redis.call('ZADD', p .. ':ready', 'NX', now, ARGV[3])
redis.call('INCR', p .. ':queued')
return 1
"""

# ARGV: prefix, worker, lease ms -> {0} nothing queued, {1, ms} next host ready in ms,
# {2, token, host, member} leased, {-1} this worker was reaped
POP = _NOW + """
local p = ARGV[1]
local worker = ARGV[2]
if redis.call('SISMEMBER', p .. ':dead', worker) == 1 then return {-1} end
for i = 1, 64 do
  local first = redis.call('ZRANGE', p .. ':ready', 0, 0, 'WITHSCORES')
  if #first == 0 then return {0} end
  local host = first[1]
  local at = tonumber(first[2])
  if at > now then return {1, at - now} end
  local q = p .. ':q:' .. host
  local item = redis.call('ZRANGE', q, 0, 0, 'WITHSCORES')
  if #item == 0 then
    redis.call('ZREM', p .. ':ready', host)  -- an idle host whose delay has passed
  else
    redis.call('ZREM', q, item[1])
    redis.call('ZADD', p .. ':ready', now + tonumber(ARGV[3]), host)
    redis.call('HSET', p .. ':lease', host, worker)
    redis.call('SADD', p .. ':wl:' .. worker, host)
    local token = redis.call('INCR', p .. ':tok')
    redis.call('HSET', p .. ':proc:' .. worker, token, host .. '\\n' .. item[2] .. '\\n' .. item[1])
    redis.call('DECR', p .. ':queued')
    redis.call('INCR', p .. ':inflight')
    return {2, token, host, item[1]}
  end
end
return {1, 10}
"""

# The host's lease ends: it is ready again once its send token expires.
# ARGV: prefix, worker, host, latency s ('' = unknown), status, start/min/max delay s, target, throttle 0/1
_RELEASE_BODY = """
local function release(p, worker, host, now)
  if redis.call('HGET', p .. ':lease', host) ~= worker then return 0 end
  redis.call('HDEL', p .. ':lease', host)
  redis.call('SREM', p .. ':wl:' .. worker, host)
  local ttl = redis.call('PTTL', p .. ':tok:' .. host)
  if ttl < 0 then ttl = 0 end
  redis.call('ZADD', p .. ':ready', now + ttl, host)
  return 1
end
"""

RELEASE = _NOW + _RELEASE_BODY + """
local p = ARGV[1]
local host = ARGV[3]
if ARGV[10] == '1' and ARGV[4] ~= '' then
  -- AutoThrottle's rule, on the host's one shared delay
  local delay = tonumber(redis.call('HGET', p .. ':delay', host) or ARGV[6])
  local target = tonumber(ARGV[4]) / tonumber(ARGV[9])
  local new = math.max(target, (delay + target) / 2)
  new = math.min(math.max(tonumber(ARGV[7]), new), tonumber(ARGV[8]))
  if not (ARGV[5] ~= '200' and new <= delay) then redis.call('HSET', p .. ':delay', host, new) end
end
return release(p, ARGV[2], host, now)
"""

# ARGV: prefix, worker, token, host, items ('' = none), run id -> 1 done, 0 stale (reaped: dropped)
ACK = _NOW + _RELEASE_BODY + """
local p = ARGV[1]
if redis.call('HDEL', p .. ':proc:' .. ARGV[2], ARGV[3]) == 0 then return 0 end
if ARGV[5] ~= '' then redis.call('XADD', p .. ':items', '*', 'run', ARGV[6], 'd', ARGV[5]) end
redis.call('DECR', p .. ':inflight')
if ARGV[4] ~= '' then release(p, ARGV[2], ARGV[4], now) end
return 1
"""

# ARGV: prefix, host, worker, default delay s -> 0 send now, else ms to wait
GATE = """
local p = ARGV[1]
local delay = tonumber(redis.call('HGET', p .. ':delay', ARGV[2]) or ARGV[4])
local ms = math.ceil(delay * 1000)
if ms <= 0 then return 0 end
if redis.call('SET', p .. ':tok:' .. ARGV[2], ARGV[3], 'NX', 'PX', ms) then return 0 end
local ttl = redis.call('PTTL', p .. ':tok:' .. ARGV[2])
if ttl < 1 then ttl = 1 end
return ttl
"""

# A download from the host ended `since` seconds ago: its token runs for the host's delay from
# then, unless it already runs longer. ARGV: prefix, host, worker, since s, default delay s
# -> the token's ms left
RESTART = """
local p = ARGV[1]
local tok = p .. ':tok:' .. ARGV[2]
local holder = redis.call('GET', tok)
if holder and holder ~= ARGV[3] then return redis.call('PTTL', tok) end
local delay = tonumber(redis.call('HGET', p .. ':delay', ARGV[2]) or ARGV[5])
local ms = math.ceil((delay - tonumber(ARGV[4])) * 1000)
if ms > redis.call('PTTL', tok) and ms > 0 then redis.call('SET', tok, ARGV[3], 'PX', ms) end
return redis.call('PTTL', tok)
"""

# ARGV: prefix, worker -> 1 alive, -1 reaped
HEARTBEAT = _NOW + """
if redis.call('SISMEMBER', ARGV[1] .. ':dead', ARGV[2]) == 1 then return -1 end
redis.call('ZADD', ARGV[1] .. ':workers', now, ARGV[2])
return 1
"""

# Put a worker's in-flight requests back and free its hosts. ARGV: prefix, timeout ms ('' = the
# given worker leaves), worker (when leaving) -> {worker, requeued, worker, requeued...}
REAP = _NOW + """
local p = ARGV[1]
local workers
if ARGV[2] == '' then
  workers = {ARGV[3]}
else
  workers = redis.call('ZRANGEBYSCORE', p .. ':workers', '-inf', now - tonumber(ARGV[2]))
end
local out = {}
for _, w in ipairs(workers) do
  redis.call('ZREM', p .. ':workers', w)
  if ARGV[2] ~= '' then redis.call('SADD', p .. ':dead', w) end
  local entries = redis.call('HGETALL', p .. ':proc:' .. w)
  local n = 0
  for i = 2, #entries, 2 do
    local v = entries[i]
    local a = string.find(v, '\\n', 1, true)
    local b = string.find(v, '\\n', a + 1, true)
    local host = string.sub(v, 1, a - 1)
    redis.call('ZADD', p .. ':q:' .. host, string.sub(v, a + 1, b - 1), string.sub(v, b + 1))
    redis.call('ZADD', p .. ':ready', 'NX', now, host)
    redis.call('INCR', p .. ':queued')
    redis.call('DECR', p .. ':inflight')
    n = n + 1
  end
  redis.call('DEL', p .. ':proc:' .. w)
  for _, host in ipairs(redis.call('SMEMBERS', p .. ':wl:' .. w)) do
    if redis.call('HGET', p .. ':lease', host) == w then
      redis.call('HDEL', p .. ':lease', host)
      local ttl = redis.call('PTTL', p .. ':tok:' .. host)
      if ttl < 0 then ttl = 0 end
      redis.call('ZADD', p .. ':ready', now + ttl, host)
    end
  end
  redis.call('DEL', p .. ':wl:' .. w)
  table.insert(out, w)
  table.insert(out, n)
end
return out
"""


@dataclass(frozen=True)
class Popped:
    token: str
    host: str
    payload: bytes


@dataclass(frozen=True)
class Wait:
    """Nothing to take now; a host is ready in `seconds` (None: nothing queued at all)."""

    seconds: float | None


class WorkerReaped(RuntimeError):
    """This worker was taken for dead by the others: its requests were given back."""


def _s(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


class Frontier:
    """One distributed run's state in Redis, under `prefix` (one run at a time per prefix)."""

    def __init__(self, server: Any, prefix: str) -> None:
        self.server, self.p = server, prefix
        self._push = server.register_script(PUSH)
        self._pop = server.register_script(POP)
        self._release = server.register_script(RELEASE)
        self._ack = server.register_script(ACK)
        self._gate = server.register_script(GATE)
        self._restart = server.register_script(RESTART)
        self._beat = server.register_script(HEARTBEAT)
        self._reap = server.register_script(REAP)

    def key(self, name: str) -> str:
        return f"{self.p}:{name}"

    # --- the run ------------------------------------------------------------------------------

    def run(self) -> dict[str, str]:
        """The run's description (empty when there is none)."""
        return {_s(k): _s(v) for k, v in self.server.hgetall(self.key("run")).items()}

    def set_run(self, **fields: Any) -> None:
        self.server.hset(self.key("run"), mapping={k: v if isinstance(v, (str, bytes)) else json.dumps(v)
                                                    for k, v in fields.items()})

    def clear(self) -> int:
        """Delete every key of the prefix (the run, its queues, seen set, items...)."""
        deleted = 0
        batch: list[Any] = []
        for key in self.server.scan_iter(match=f"{self.p}:*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                deleted += self.server.delete(*batch)
                batch = []
        if batch:
            deleted += self.server.delete(*batch)
        return deleted

    def counters(self) -> tuple[int, int]:
        """Requests queued and in flight."""
        queued, inflight = self.server.mget(self.key("queued"), self.key("inflight"))
        return int(queued or 0), int(inflight or 0)

    # --- requests -----------------------------------------------------------------------------

    def push(self, payload: bytes, host: str, priority: int, fingerprint: str = "", *, replaces: tuple[str, str] | None = None,
             items: bytes = b"", run_id: str = "") -> int:
        """Queue a request (unless its fingerprint was seen); `replaces` (worker, token): the
        in-flight request it takes the place of (a redirect, a retry), acked in the same step."""
        worker, token = replaces or ("", "")
        return int(self._push(args=[self.p, fingerprint, host, priority, payload, worker, token, items, run_id]))

    def push_many(self, entries: Iterable[tuple[bytes, str, int, str]], chunk: int = 500) -> int:
        """Queue (payload, host, priority, fingerprint) entries in pipelined chunks; how many were new."""
        queued = 0
        pipe = self.server.pipeline(transaction=False)
        pending = 0
        for payload, host, priority, fingerprint in entries:
            self._push(args=[self.p, fingerprint, host, priority, payload, "", "", "", ""], client=pipe)
            pending += 1
            if pending >= chunk:
                queued += sum(int(r) == 1 for r in pipe.execute())
                pending = 0
        if pending:
            queued += sum(int(r) == 1 for r in pipe.execute())
        return queued

    def pop(self, worker: str, lease_ms: int) -> Popped | Wait:
        reply = self._pop(args=[self.p, worker, lease_ms])
        kind = int(reply[0])
        if kind == -1:
            raise WorkerReaped(worker)
        if kind == 0:
            return Wait(None)
        if kind == 1:
            return Wait(max(0.0, int(reply[1]) / 1000))
        member = reply[3]
        return Popped(_s(reply[1]), _s(reply[2]), member[member.index(b":") + 1:])

    def ack(self, worker: str, token: str, host: str = "", items: bytes = b"", run_id: str = "") -> bool:
        """The request is done: deliver its items and drop it from the in-flight hash, at once.
        False if it was no longer ours (this worker was reaped): its items are dropped."""
        return int(self._ack(args=[self.p, worker, token, host, items, run_id])) == 1

    def release(self, worker: str, host: str, latency: float | None = None, status: int = 200,
                throttle: Mapping[str, float] | None = None) -> bool:
        """End the worker's lease of `host` (the download left the downloader)."""
        t = throttle or {}
        args = [self.p, worker, host, "" if latency is None else repr(latency), status,
                t.get("start", 0), t.get("min", 0), t.get("max", 0), t.get("target", 1) or 1, "1" if throttle else "0"]
        return int(self._release(args=args)) == 1

    def gate(self, host: str, worker: str, delay: float) -> float:
        """Take the host's send token for `delay` (the host's shared delay if it has one); 0 to
        send now, else seconds to wait before asking again."""
        return int(self._gate(args=[self.p, host, worker, repr(float(delay))])) / 1000

    def restart_token(self, host: str, worker: str, since: float, delay: float) -> int:
        """This worker's download from `host` ended `since` seconds ago: the host's next request
        waits its delay from then, if that is later than the token's expiry."""
        return int(self._restart(args=[self.p, host, worker, repr(float(since)), repr(float(delay))]))

    # --- workers ------------------------------------------------------------------------------

    def heartbeat(self, worker: str) -> bool:
        return int(self._beat(args=[self.p, worker])) == 1

    def reap(self, timeout_s: float) -> list[tuple[str, int]]:
        """Workers silent for longer than `timeout_s`: marked dead, their requests queued again."""
        reply = self._reap(args=[self.p, int(timeout_s * 1000), ""])
        return [(_s(reply[i]), int(reply[i + 1])) for i in range(0, len(reply), 2)]

    def leave(self, worker: str) -> int:
        """A worker that stops gives back what it still holds; how many requests."""
        reply = self._reap(args=[self.p, "", worker])
        return int(reply[1]) if reply else 0

    def workers(self) -> dict[str, float]:
        """Live workers and the Redis time (ms) of their last beat."""
        return {_s(w): float(t) for w, t in self.server.zrange(self.key("workers"), 0, -1, withscores=True)}

    def in_flight(self, worker: str) -> int:
        return int(self.server.hlen(self.key(f"proc:{worker}")))

    def time_ms(self) -> float:
        seconds, micros = self.server.time()
        return seconds * 1000 + micros / 1000

    # --- stats, known articles, items ----------------------------------------------------------

    def add_stats(self, deltas: Mapping[str, int]) -> None:
        if deltas:
            pipe = self.server.pipeline(transaction=False)
            for name, value in deltas.items():
                pipe.hincrby(self.key("stats"), name, value)
            pipe.execute()

    def stats(self) -> dict[str, int]:
        return {_s(k): int(v) for k, v in self.server.hgetall(self.key("stats")).items()}

    def add_known(self, keys: Iterable[str], chunk: int = 10_000) -> int:
        added, batch = 0, []
        for key in keys:
            batch.append(key)
            if len(batch) >= chunk:
                added += self.server.sadd(self.key("known"), *batch)
                batch = []
        if batch:
            added += self.server.sadd(self.key("known"), *batch)
        return added

    def known(self, keys: list[str]) -> set[str]:
        if not keys:
            return set()
        flags = self.server.smismember(self.key("known"), keys)
        return {k for k, flag in zip(keys, flags, strict=True) if flag}

    def pending_items(self) -> int:
        return int(self.server.xlen(self.key("items")))

    def read_items(self, after: str, count: int) -> list[tuple[str, dict[str, Any]]]:
        """Item messages after the stream id `after` ('0' for all), oldest first."""
        start = f"({after}" if after not in ("", "0", "0-0") else "-"
        entries = self.server.xrange(self.key("items"), min=start, max="+", count=count)
        return [(_s(entry_id), {_s(k): v for k, v in fields.items()}) for entry_id, fields in entries]

    def trim_items(self, upto: str) -> None:
        """Forget the item messages up to and including `upto` (written to the archive)."""
        ms, _, seq = upto.partition("-")
        self.server.xtrim(self.key("items"), minid=f"{ms}-{int(seq or 0) + 1}", approximate=False)
