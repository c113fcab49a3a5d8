"""Checks of the record's text, and the warnings that never refuse a record.

In:  a loaded ``Source`` (and, for warnings, its model).
Out: refusals for text the embedded font cannot draw and for right-to-left or bidirectional-control
     text (``glyph_checks``); warnings: an id unlike the file name, placeholders, fewer than three key
     messages (``warnings``); ``walk``: every (path, value) of plain data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..loader import Path_, Source
from ..model import Study, is_placeholder

_RIGHT_TO_LEFT = {"R", "AL"}
_BIDI_CONTROLS = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}


def glyph_checks(source: Source) -> list[Problem]:
    """Text the embedded font cannot draw would print as boxes, and right-to-left text would print
    backwards (the renderers neither reorder nor shape it): refuse both, naming the field."""
    import unicodedata

    from ..glyphs import missing_glyphs

    out = []
    for path, value in walk(source.data, ()):
        if not isinstance(value, str):
            continue
        classes = {ch: unicodedata.bidirectional(ch) for ch in set(value) if ord(ch) >= 0x0590}
        controls = sorted(ch for ch, kind in classes.items() if kind in _BIDI_CONTROLS or ch in "\u200e\u200f\u061c")
        rtl = [ch for ch in dict.fromkeys(value) if classes.get(ch) in _RIGHT_TO_LEFT and ch not in controls]
        missing = missing_glyphs(value)
        if controls:
            shown = ", ".join(f"U+{ord(ch):04X} ({unicodedata.name(ch, 'a bidirectional control')})"
                              for ch in controls[:3])
            out.append(source.problem(path, f"the invisible bidirectional control character {shown} can make "
                                            f"text show in another order than it is written; remove it"))
        elif rtl:
            first = f"U+{ord(rtl[0]):04X} {unicodedata.name(rtl[0], '')}".strip()
            out.append(source.problem(path, f"right-to-left text ({first}, …) is not supported: the brief, deck "
                                            f"and figures would print it backwards; transliterate it"))
        elif missing:
            shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing[:5])
            out.append(source.problem(path, f"the font (DejaVu Sans) cannot draw {shown}; "
                                            f"replace these characters or transliterate them"))
    return out


def record_warnings(source: Source, study: Study) -> list[Problem]:
    out: list[Problem] = []
    stem = Path(source.file).stem
    if stem and stem != study.id and source.file.endswith((".yaml", ".yml")):
        out.append(source.problem(("id",), f"the id {study.id!r} differs from the file name {stem!r}; "
                                           f"outputs go to outputs/{study.id}/"))
    for path, value in walk(source.data, ()):
        if is_placeholder(value):
            out.append(source.problem(path, f"placeholder not yet written: {value.strip()[:60]!r}"))
    if len(study.conclusions.key_messages) < 3:
        out.append(source.problem(("conclusions", "key_messages"), "a brief reads best with 3 to 5 key messages"))
    return out


def walk(data: Any, path: Path_) -> Iterator[tuple[Path_, Any]]:
    """Every (path, value) below ``data`` that is neither a mapping nor a list."""
    if not isinstance(data, (dict, list)):
        yield path, data
        return
    for key, value in (data.items() if isinstance(data, dict) else enumerate(data)):
        yield from walk(value, path + (key,))
