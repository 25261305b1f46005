"""One writer per archive: an advisory lock file beside the database (`<archive>.lock`).

`flock` is released by the kernel when the holding process dies, even by SIGKILL, so a killed
crawl never leaves a stale lock. The file records who holds it, for the message the second
run prints.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from pipelines.normalize import now_vn


class ArchiveBusyError(RuntimeError):
    """Another process holds the archive's lock."""


class ArchiveLock:
    def __init__(self, archive: str | Path) -> None:
        self.path = Path(f"{archive}.lock")
        self._fd: int | None = None

    def acquire(self) -> ArchiveLock:
        """Take the lock at once or raise ArchiveBusyError naming the holder."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown process"
            os.close(fd)
            raise ArchiveBusyError(f"another crawl is writing {self.path.with_suffix('')}: {holder}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {now_vn().isoformat(timespec='seconds')}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ArchiveLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
