"""One writer per folder: an advisory lock held while a command writes a folder.

A sweep folder (and a calibration folder) is resumable: running the same
command again continues it. Two processes writing the same folder at once
would run the same runs twice and race on its files, so the writer holds
an exclusive ``flock`` on ``.lock`` in the folder for as long as it writes;
a second writer is refused at once with a message naming the holder. The
kernel drops the lock when the holder ends, even by ``kill -9``, so a lock
is never left behind (the empty ``.lock`` file stays and is reused).
Where ``fcntl`` is missing (Windows) folders are not locked.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Name of the lock file inside a locked folder.
LOCK_FILE = ".lock"


class FolderLockedError(ValueError):
    """Another process is writing the folder."""


class FolderLock:
    """An exclusive lock on a folder (see the module docstring).

    Args:
        folder: The folder (it must exist).
        what: What the folder is, for messages, e.g. ``"sweep folder"``.
    """

    def __init__(self, folder: Path, what: str = "folder") -> None:
        self.folder = Path(folder)
        self.what = what
        self.path = self.folder / LOCK_FILE
        self._fd: int | None = None
        self.created = False

    def acquire(self) -> FolderLock:
        """Take the lock, or raise :class:`FolderLockedError` naming the holder.

        Raises:
            FolderLockedError: If another process holds it.
            OSError: If the lock file cannot be created.
        """
        if fcntl is None or self._fd is not None:  # pragma: no cover - Windows
            return self
        self.created = not self.path.exists()
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(self.path, flags, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _read_holder(fd)
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise FolderLockedError(
                    f"The {self.what} {self.folder} is being written by another process"
                    f"{f' (pid {holder})' if holder else ''}; two writers would run the same "
                    "runs twice. Wait until it ends (or stop it) and run the command again, "
                    "or choose another --out."
                ) from None
            raise
        with contextlib.suppress(OSError):  # the holder's pid, for the message above
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self, remove: bool = False) -> None:
        """Drop the lock; with ``remove``, delete the lock file if this lock created it."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if remove and self.created:
            with contextlib.suppress(OSError):
                self.path.unlink()
        with contextlib.suppress(OSError):
            os.close(fd)

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        text = os.pread(fd, 32, 0).decode("ascii").strip()
        if text.isdigit():
            return text
    return ""
