"""Write files, and whole study folders, so that a reader never sees a partial one.

In:  ``write_files``: a mapping of destination path -> bytes (one file or a few, e.g. a schema).
     ``write_study``: a study folder, its new files {relative path: bytes} and which old entries
     to keep. Out: the files, replaced only once everything is written.

``write_files`` replaces each file in one ``os.replace`` after its bytes were written and
flushed to a temporary file beside it. ``write_study`` writes the study's complete new folder
beside the old one, puts it on disk (one ``syncfs``, else each file and folder synced), then swaps
the two in one ``renameat2(RENAME_EXCHANGE)`` and removes the old:
a reader, or a build killed at any moment, sees either every previous output or every new one,
and a figure the study no longer has is gone. While it writes it holds an exclusive ``flock`` on
the output root, so two builds writing at once take turns, and only then sweeps what killed
builds of that study left (a running build's temporaries are never touched). Where the file
system cannot exchange (not Linux, or a file system without it), the old folder is renamed
aside and the new one into place; the next build puts the old one back if a kill fell between.

Temporary names start with ``.tmp-`` and are registered before they exist, so a SIGTERM (or
Ctrl-C) at any moment removes them; SIGKILL cannot be caught, and the next build sweeps.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import re
import secrets
import shutil
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

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
                _write_file(Path(tmp), data, sync=True)
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
        with contextlib.suppress(OSError):
            f.rmdir()


def write_study(folder: Path, files: dict[str, bytes], keep: Callable[[str], bool]) -> list[Path]:
    """Replace the study folder ``folder`` by one holding ``files`` and the old entries ``keep`` accepts.

    ``keep`` is asked about each top-level name of the old folder (``"deck.pptx"``, ``"figures"``);
    those it keeps are carried over (hard links, else copies). Returns the paths written."""
    root = folder.parent
    made = _make_folders(root)
    temps: list[tuple[str, Path]] = []
    current = folder                                    # what a failure is about, as the user knows it
    try:
        with _locked(root), _cleanup_on_signal(temps):
            _sweep(root, folder.name)
            old = _old_entries(folder, files, keep)
            new = root / f"{TEMP_PREFIX}{folder.name}.{secrets.token_hex(4)}"
            temps.append((str(new), folder))            # registered before it exists
            os.mkdir(new, 0o755)
            with _opened(new) as watched:               # before anything is written in it (``_make_durable``)
                for name in old:
                    current = folder / name
                    _carry(folder / name, new / name)
                for rel, data in files.items():
                    current = folder / rel
                    _write_file(new / rel, data, sync=False)
                current = folder
                _make_durable(new, watched, [new / rel for rel in files])
            _swap(new, folder)
            _remove(t for t, _ in temps)                # now the old folder: gone
            _sync_names(root)
    except OSError as exc:
        _remove(t for t, _ in temps)
        _remove_folders(made)
        raise RenderError(f"cannot write {shown_name(current)}: {exc.strerror or exc}") from None
    except BaseException:
        _remove(t for t, _ in temps)
        _remove_folders(made)
        raise
    return [folder / rel for rel in files]


def _old_entries(folder: Path, files: dict[str, bytes], keep: Callable[[str], bool]) -> list[str]:
    """The old folder's entries to carry over; refuse to drop a folder where a file goes."""
    if not folder.exists():
        return []
    if folder.is_symlink() or not folder.is_dir():
        raise RenderError(f"cannot write {shown_name(folder)}: it is not a folder; move it away")
    names = sorted(e.name for e in os.scandir(folder) if not e.name.startswith(TEMP_PREFIX))
    for rel in files:
        if (folder / rel).is_dir() and not (folder / rel).is_symlink():
            raise RenderError(f"cannot write {shown_name(folder / rel)}: a folder of that name is in the way; "
                              f"move it away")
    return [n for n in names if keep(n)]


def _write_file(path: Path, data: bytes, *, sync: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        if sync:
            os.fsync(fh.fileno())


def _carry(src: Path, dst: Path) -> None:
    """``src`` (a file or a folder) into ``dst``: hard links where the file system allows, else copies."""
    if src.is_dir() and not src.is_symlink():
        shutil.copytree(src, dst, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(src, dst)


def _link_or_copy(src: str | Path, dst: str | Path) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


@contextmanager
def _opened(folder: Path) -> Iterator[int]:
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        yield fd
    finally:
        os.close(fd)


def _make_durable(folder: Path, watched: int, written: list[Path]) -> None:
    """Put the new study folder ``folder`` on disk, the files ``written`` in it and every name, before it is
    swapped in: one ``syncfs`` of its file system, through ``watched`` (``folder`` opened before anything was
    written in it: Linux reports to it every write-back error of the file system since, whoever else saw it),
    where Linux reports them (5.8 and later); else each file and folder synced, a journal commit each (about
    eight a study, against one). ``syncfs`` also flushes what other programs wrote to that file system."""
    if _sync_file_system(watched):
        return
    for path in written:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir() and not p.is_symlink())]:
        _sync_names(path)


def _sync_file_system(fd: int) -> bool:
    """Flush the file system of the open folder ``fd`` to disk (Linux ``syncfs``), raising its write-back errors
    since ``fd`` was opened; False where ``syncfs`` is missing, or would not report them (Linux before 5.8)."""
    syncfs = getattr(_libc(), "syncfs", None) if _syncfs_reports_errors() else None
    if syncfs is None:
        return False
    if syncfs(fd) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code))


@functools.cache
def _syncfs_reports_errors() -> bool:
    """Whether ``syncfs`` reports write-back errors here: Linux 5.8 and later."""
    version = re.match(r"(\d+)\.(\d+)", os.uname().release) if sys.platform == "linux" else None
    return version is not None and (int(version[1]), int(version[2])) >= (5, 8)


def _sync_names(folder: Path) -> None:
    """Make the names in ``folder`` itself durable (a rename in it), not its subfolders': the output root holds
    every study's folder, and each was synced when it was written."""
    with _opened(folder) as fd:
        os.fsync(fd)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library's own functions (``renameat2``, ``syncfs``), where ctypes can load it."""
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names ``a`` and ``b`` in one step (Linux ``renameat2``); False where it is unsupported."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap(new: Path, folder: Path) -> None:
    """``new`` becomes ``folder``; the old ``folder`` (if any) is left at ``new``'s name."""
    if not folder.exists():
        os.rename(new, folder)
    elif not _exchange(new, folder):
        aside = new.with_name(new.name + OLD_SUFFIX)
        os.rename(folder, aside)
        os.rename(new, folder)
        os.rename(aside, new)


OLD_SUFFIX = ".old"


def _sweep(root: Path, name: str) -> None:
    """Remove what killed builds of study ``name`` left in ``root`` (call with its lock held).

    A previous folder renamed aside (no exchange) is first put back if the new one never arrived."""
    prefix = f"{TEMP_PREFIX}{name}."
    leftovers = sorted(e.name for e in os.scandir(root) if e.name.startswith(prefix))
    folder = root / name
    for left in leftovers:
        if left.endswith(OLD_SUFFIX) and not folder.exists():
            os.rename(root / left, folder)
    _remove(str(root / left) for left in leftovers if (root / left).exists())


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the output root ``folder`` itself (no lock file to leave behind);
    another build writing a study there waits. Only the short write-and-swap is serialised, not rendering."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _remove(paths: Iterable[str | Path]) -> None:
    """Remove each path, a file or a whole folder; what is already gone is fine."""
    for p in paths:
        try:
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.unlink(p)
        except OSError:
            pass


@contextmanager
def _cleanup_on_signal(temps: list[tuple[str, Path]]) -> Iterator[None]:
    """On SIGTERM, remove the temporaries, then die as the signal asks."""
    try:
        previous = signal.getsignal(signal.SIGTERM)
        installed = True

        def handler(signum: int, frame: FrameType | None) -> None:
            signal.signal(signum, signal.SIG_IGN)      # a second SIGTERM must not cut the clean-up short
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
