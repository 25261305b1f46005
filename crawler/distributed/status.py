"""`scrapy dist-status`: what a distributed run is doing, from Redis alone."""
from __future__ import annotations

from typing import Any

from crawler.distributed.frontier import Frontier

SHOWN_STATS = ("downloader/request_count", "downloader/response_count", "item_scraped_count", "dist/acked",
               "dist/gate_waits", "dist/stale_acks", "retry/count", "log_count/ERROR")


def snapshot(frontier: Frontier) -> dict[str, Any]:
    """The run as a dict (what `--json` prints)."""
    now = frontier.time_ms()
    run = frontier.run()
    queued, inflight = frontier.counters()
    workers = {name: {"last_beat_s": round((now - beat) / 1000, 1), "in_flight": frontier.in_flight(name)}
               for name, beat in sorted(frontier.workers().items())}
    stats = frontier.stats()
    server = frontier.server
    writer_beat = run.get("writer_beat")
    return {
        "prefix": frontier.p, "run_id": run.get("run_id"), "status": run.get("status", "none"),
        "stop_requested": run.get("stop") == "1", "mode": run.get("mode"), "site": run.get("site") or None,
        "sites": len(_json_list(run.get("sites"))), "started_at": run.get("started_at"),
        "finished_at": run.get("finished_at"), "outcome": run.get("outcome"), "exit_code": run.get("exit_code"),
        "queued": queued, "in_flight": inflight, "items_waiting": frontier.pending_items(),
        "hosts_with_work": int(server.zcard(frontier.key("ready"))), "hosts_leased": int(server.hlen(frontier.key("lease"))),
        "seen": int(server.scard(frontier.key("seen"))), "workers": workers,
        "writer": run.get("writer"), "writer_last_beat_s": round((now - float(writer_beat)) / 1000, 1) if writer_beat else None,
        "stats": {k: stats[k] for k in SHOWN_STATS if k in stats},
    }


def render(snap: dict[str, Any]) -> str:
    if snap["status"] == "none":
        return f"no distributed run under prefix {snap['prefix']!r}"
    lines = [
        f"run {snap['run_id']} [{snap['prefix']}]: {snap['status']}" + (" (stop requested)" if snap["stop_requested"] else "")
        + f", {snap['mode']}, {snap['sites']} site(s)" + (f" (-a site={snap['site']})" if snap["site"] else ""),
        f"started {snap['started_at']}" + (f", finished {snap['finished_at']}: {snap['outcome']} (exit code "
                                           f"{snap['exit_code']})" if snap["finished_at"] else ""),
        f"requests: {snap['queued']} queued over {snap['hosts_with_work']} host(s), {snap['in_flight']} in flight "
        f"({snap['hosts_leased']} host(s) leased), {snap['seen']} seen",
        f"items waiting for the writer: {snap['items_waiting']} message(s); writer: "
        + (f"{snap['writer']}, last beat {snap['writer_last_beat_s']} s ago" if snap["writer"] else "none yet"),
        f"workers alive: {len(snap['workers'])}",
    ]
    lines += [f"  {name}: {w['in_flight']} in flight, last beat {w['last_beat_s']} s ago" for name, w in snap["workers"].items()]
    if snap["stats"]:
        lines.append("totals: " + ", ".join(f"{k} {v}" for k, v in snap["stats"].items()))
    return "\n".join(lines)


def _json_list(value: str | None) -> list[Any]:
    import json

    try:
        parsed = json.loads(value or "[]")
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []
