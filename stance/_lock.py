"""An exclusive lock on a file, held across processes: :func:`file_lock`.

Used around building the default model so that two processes that need it at the same time
train it once: the second waits for the lock, then loads what the first wrote.

On POSIX the lock is ``fcntl.flock`` on the lock file; on Windows ``msvcrt.locking`` on its first
byte. Either lock belongs to the open file, so the operating system releases it when the process
ends, however it ends: a crashed holder never leaves a stale lock behind. The lock file itself is
left in place (removing it while another process waits on it would let a third lock a new file).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = ["file_lock"]

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]
try:
    import msvcrt
except ImportError:  # pragma: no cover - not Windows
    msvcrt = None  # type: ignore[assignment]

#: Seconds between attempts where the platform offers no blocking lock (Windows).
_POLL = 0.1


def _try_lock(fh: IO[bytes]) -> bool:
    """Take the lock without waiting; False when another open file holds it."""
    if fcntl is not None:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    if msvcrt is not None:  # pragma: no cover - Windows
        fh.seek(0)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    return True  # pragma: no cover - neither: no lock (two processes may then both build)


def _lock(fh: IO[bytes]) -> None:
    """Take the lock, waiting as long as another open file holds it."""
    if fcntl is not None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        return
    while not _try_lock(fh):  # pragma: no cover - Windows: msvcrt gives up after 10 s, so poll
        time.sleep(_POLL)


def _unlock(fh: IO[bytes]) -> None:
    if fcntl is not None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    elif msvcrt is not None:  # pragma: no cover - Windows
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)


@contextmanager
def file_lock(path: str | os.PathLike[str], *, waiting: Callable[[], None] | None = None
              ) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` (created if needed) for the duration of the block.

    The lock is released when the block ends, by return or by exception (and by the operating
    system if the process dies).

    Parameters
    ----------
    path : path-like
        The lock file; its directory is created if missing.
    waiting : callable, optional
        Called once, before waiting, when another process holds the lock.

    Yields
    ------
    bool
        True when the lock is held; False when it could not be taken because the file cannot be
        created or the file system refuses locks (a read-only or odd cache directory). The block
        then runs unlocked: a lock is an optimisation here, never a reason to fail.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> lock = pathlib.Path(tempfile.mkdtemp()) / "x.lock"
    >>> with file_lock(lock) as held:
    ...     held
    True
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a+b")  # closed in the finally below
    except OSError:
        yield False
        return
    try:
        try:
            if not _try_lock(fh):
                if waiting is not None:
                    waiting()
                _lock(fh)
        except OSError:  # e.g. ENOLCK: a file system without locks
            held = False
        else:
            held = True
        try:
            yield held
        finally:
            if held:
                _unlock(fh)
    finally:
        fh.close()
