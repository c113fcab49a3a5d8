"""A zip archive with a stable member order and fixed timestamps (a .pptx package).

In:  the members, {name: bytes}, and the moment to stamp on every member.
Out: the archive's bytes: "[Content_Types].xml" first, then the others by name; deflated, no data
     descriptors, permissions 0644; byte for byte what ``zipfile`` writes for the same members.

A member's deflated bytes are remembered (bounded): most of a deck's package (layouts, master, themes,
notes master) is the same in every deck of a run, and deflating it again was half of saving a deck.
"""

from __future__ import annotations

import datetime as _dt
import struct
import zlib
from collections.abc import Mapping
from functools import lru_cache

_LOCAL = struct.Struct("<4s2B4HL2L2H")            # zipfile's structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")        # structCentralDir
_END = struct.Struct("<4s4H2LH")                  # structEndArchive
_VERSION = 20                                     # deflate: "version needed to extract" 2.0
_DEFLATED = 8
_UTF8_NAME = 0x800
_PERMISSIONS = 0o644 << 16
_FIRST = "[Content_Types].xml"
_EPOCH = _dt.datetime(1980, 1, 1, tzinfo=_dt.UTC)   # the earliest time a zip can hold


def stable_zip(members: Mapping[str, bytes], moment: _dt.datetime) -> bytes:
    """The archive of ``members``, each stamped ``moment`` (see the module docstring)."""
    year, month, day, hour, minute, second = max(moment, _EPOCH).timetuple()[:6]
    date = (year - 1980) << 9 | month << 5 | day
    time = hour << 11 | minute << 5 | second // 2
    names = [n for n in members if n == _FIRST] + sorted(n for n in members if n != _FIRST)
    body: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for name in names:
        data = members[name]
        crc, deflated = _deflate(data)
        encoded, flags = (name.encode("ascii"), 0) if name.isascii() else (name.encode("utf-8"), _UTF8_NAME)
        local = _LOCAL.pack(b"PK\003\004", _VERSION, 0, flags, _DEFLATED, time, date, crc, len(deflated), len(data),
                            len(encoded), 0)
        directory.append(_CENTRAL.pack(b"PK\001\002", _VERSION, 0, _VERSION, 0, flags, _DEFLATED, time, date, crc,
                                       len(deflated), len(data), len(encoded), 0, 0, 0, 0, _PERMISSIONS, offset)
                         + encoded)
        body += (local, encoded, deflated)
        offset += len(local) + len(encoded) + len(deflated)
    central = b"".join(directory)
    end = _END.pack(b"PK\005\006", 0, 0, len(names), len(names), len(central), offset, 0)
    return b"".join(body) + central + end


@lru_cache(maxsize=512)
def _deflate(data: bytes) -> tuple[int, bytes]:
    """``data``'s CRC-32 and raw deflate stream, made as ``zipfile`` makes it (default level, one write)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()
