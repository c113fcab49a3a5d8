"""Read a file a user hands us (record, registry entry, template) without trusting what it is.

In:  a path, a byte limit, and a word for what the file should be ("record", "template").
Out: the file's bytes, at most ``limit``; or ``NotReadable`` with one clause saying why,
     which the caller turns into its own located error.

Only regular files are read: a device such as ``/dev/zero`` would never end and a named
pipe would block forever, so both are refused before a byte is read (the file is opened
non-blocking, then checked with ``fstat`` on the open descriptor, so it cannot be swapped
in between). At most ``limit + 1`` bytes are ever read, whatever the size claims.
``looks_like_utf16`` tells a UTF-16 file (which a UTF-8 decoder garbles) from other bad bytes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotReadable(Exception):
    """Why a user's file cannot be read, as one sentence ("cannot read the file: it is a folder; ...")."""


def read_limited(path: str | Path, limit: int, what: str) -> bytes:
    """The bytes of the regular file ``path``; ``NotReadable`` if it is anything else or over ``limit``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise NotReadable(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotReadable(f"cannot read the file: it is {_kind(mode)}; give a {what} file")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise NotReadable(f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if total > limit:
        raise NotReadable(f"the file is more than {limit:,} bytes; a {what} may be at most {limit:,} bytes")
    return b"".join(chunks)


def looks_like_utf16(raw: bytes) -> bool:
    """A UTF-16 byte-order mark, or text whose every other byte is NUL (UTF-16 without a mark)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = raw[:4096]
    return len(head) >= 4 and (head[0::2].count(0) > len(head) // 4 or head[1::2].count(0) > len(head) // 4)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
