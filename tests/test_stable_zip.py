"""render.stable_zip writes what zipfile writes for the same members (so decks stay byte for byte as they were),
remembering each member's deflate across archives."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

from pipeline.render.stable_zip import stable_zip

MOMENT = dt.datetime(2025, 12, 2, 10, 30, 45, tzinfo=dt.UTC)


def with_zipfile(members: dict[str, bytes], moment: dt.datetime) -> bytes:
    """The archive as ``zipfile`` writes it: "[Content_Types].xml" first, the others by name, fixed time."""
    when = max(moment, dt.datetime(1980, 1, 1, tzinfo=dt.UTC)).timetuple()[:6]
    first = "[Content_Types].xml"
    order = [n for n in members if n == first] + sorted(n for n in members if n != first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, members[name])
    return out.getvalue()


def random_members(rng: random.Random) -> dict[str, bytes]:
    members = {"[Content_Types].xml": b'<?xml version="1.0"?><Types/>', "empty.bin": b""}
    for k in range(rng.randint(1, 12)):
        size = rng.choice([1, 50, 4000, 70000])
        text = bytes(rng.choice(b"<a:t>slide text 0123456789 </a:t>") for _ in range(size))
        members[f"ppt/slides/slide{k}.xml"] = text
    members["ppt/media/r\u00e9sum\u00e9-\u00b1.bin"] = rng.randbytes(3000)
    return members


def test_the_archive_is_byte_for_byte_what_zipfile_writes():
    rng = random.Random(15)
    for _ in range(20):
        members = random_members(rng)
        for moment in (MOMENT, dt.datetime(1970, 1, 1, tzinfo=dt.UTC)):
            assert stable_zip(members, moment) == with_zipfile(members, moment)


def test_the_archive_reads_back_in_order_with_every_member_intact():
    members = random_members(random.Random(2))
    archive = zipfile.ZipFile(io.BytesIO(stable_zip(members, MOMENT)))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])
    assert {n: archive.read(n) for n in names} == members
    assert all(i.date_time == (2025, 12, 2, 10, 30, 44) for i in archive.infolist())
