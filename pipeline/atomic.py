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
import secrets
import signal
from contextlib import contextmanager
from pathlib import Path

from .errors import RenderError, shown_name

TEMP_PREFIX = ".tmp-"


def write_files(files: dict[Path, bytes]) -> None:
    """Write every file atomically; all temporaries are written before any rename."""
    temps: list[tuple[str, Path]] = []
    made: list[Path] = []           # folders this call created, removed again if it fails
    dest = None
    try:
        with _cleanup_on_signal(temps):
            for dest, data in files.items():
                made += _make_folders(dest.parent)
                tmp = _temporary_name(dest)
                temps.append((tmp, dest))   # registered before it exists: a signal can never leak it
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o644)
            for tmp, dest in temps:
                os.replace(tmp, dest)
    except OSError as exc:
        _remove(t for t, _ in temps)
        _remove_folders(made)
        raise RenderError(f"cannot write {shown_name(exc.filename or dest or 'output')}: "
                          f"{exc.strerror or exc}") from None
    except BaseException:
        _remove(t for t, _ in temps)
        _remove_folders(made)
        raise


def _temporary_name(dest: Path) -> str:
    return str(dest.parent / f"{TEMP_PREFIX}{dest.name}.{secrets.token_hex(4)}")


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and missing parents; return the ones created, outermost first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    created = []
    for f in reversed(missing):
        try:
            f.mkdir()
        except FileExistsError:     # made meanwhile by someone else: not ours to remove
            continue
        created.append(f)
    return created


def _remove_folders(folders: list[Path]) -> None:
    for f in reversed(folders):
        try:
            f.rmdir()
        except OSError:
            pass


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
