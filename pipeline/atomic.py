"""Write files so that a reader never sees a partial one.

In:  a mapping of destination path -> bytes. Out: the files, each replaced
in one ``os.replace`` after its bytes were fully written and flushed to a
temporary file in the same folder. If anything fails, the temporary files are
removed and every destination keeps its previous content. Temporary names
start with ``.tmp-`` so a sweep (``sweep_temporaries``) can remove leftovers of
a build that was killed (SIGKILL cannot be caught; SIGTERM and Ctrl-C are).
"""

from __future__ import annotations

import os
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import RenderError

TEMP_PREFIX = ".tmp-"


def write_files(files: dict[Path, bytes]) -> None:
    """Write every file atomically; all temporaries are written before any rename."""
    temps: list[tuple[str, Path]] = []
    try:
        with _cleanup_on_signal(temps):
            for dest, data in files.items():
                dest.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX + dest.name + ".", dir=dest.parent)
                temps.append((tmp, dest))
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o644)
            for tmp, dest in temps:
                os.replace(tmp, dest)
    except OSError as exc:
        _remove(t for t, _ in temps)
        raise RenderError(f"cannot write {exc.filename or 'output'}: {exc.strerror or exc}") from None
    except BaseException:
        _remove(t for t, _ in temps)
        raise


def sweep_temporaries(folder: Path) -> None:
    """Remove temporaries left in ``folder`` (recursively) by a killed build."""
    if folder.is_dir():
        _remove(str(p) for p in folder.rglob(TEMP_PREFIX + "*"))


def _remove(paths) -> None:
    for p in paths:
        try:
            os.unlink(p)
        except OSError:
            pass


@contextmanager
def _cleanup_on_signal(temps: list[tuple[str, Path]]):
    """On SIGTERM, remove the temporaries, then die as the signal asks."""
    try:
        previous = signal.getsignal(signal.SIGTERM)
        installed = True

        def handler(signum, frame):
            _remove(t for t, _ in temps)
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        installed = False
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGTERM, previous)
