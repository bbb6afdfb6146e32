"""Where uploads are written: a private temporary folder per browser session
(:class:`SessionSpace`), removed with it, or by the next server's
:func:`sweep` should this one be killed."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from pcnmap.uploads.kinds import safe_name

# Every session's folder lives here, named for the server's process id.
UPLOAD_ROOT = Path(tempfile.gettempdir()) / f"pcnmap-uploads-{os.getuid()}"
# A folder this old goes even if a process of its id runs (ids are reused).
MAX_AGE_SECONDS = 24 * 60 * 60


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def sweep(root: Path) -> list[Path]:
    """Remove the upload folders under ``root`` that no running server owns:
    those whose server process has gone (killed, so it could not clean up)
    and any older than :data:`MAX_AGE_SECONDS`. Returns what it removed."""
    removed = []
    for folder in root.iterdir() if root.is_dir() else ():
        pid, _, _ = folder.name.partition("-")
        if pid.isdigit() and (_age(folder) > MAX_AGE_SECONDS or not _running(int(pid))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _age(folder: Path) -> float:
    try:
        return time.time() - folder.stat().st_mtime
    except OSError:
        return 0.0


class SessionSpace:
    """A private temporary folder for one browser session's uploads, under
    ``root`` (by default :data:`UPLOAD_ROOT`); making one sweeps the root."""

    def __init__(self, root: Path | None = None) -> None:
        root = root or UPLOAD_ROOT
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        sweep(root)
        self.path = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))

    def save(self, name: str, data: bytes | memoryview) -> Path:
        """Write an upload into the session's folder under a safe name; a
        name already there gets a number ("data (2).csv"), so two uploads of
        one name are two files, each with its own verdict."""
        target = self.path / safe_name(name)
        number = 1
        while target.exists():
            number += 1
            stem, suffix = os.path.splitext(safe_name(name))
            target = self.path / f"{stem} ({number}){suffix}"
        target.write_bytes(data)
        return target

    def clear(self) -> None:
        """Remove the session's folder and everything in it."""
        shutil.rmtree(self.path, ignore_errors=True)

    def __del__(self) -> None:
        self.clear()
