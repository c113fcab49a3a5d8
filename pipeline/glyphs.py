"""Which characters the outputs' font draws, so that no text of a record prints as boxes.

In:  text. Out: the characters of it that DejaVu Sans (``fonts``) has no glyph for. Text made only of
code points in ``DRAWN_RANGES`` (every one of them is in the regular font; a test checks) is answered
without reading the font, so checking a record need not load fontTools.
"""

from __future__ import annotations

import re
from functools import cache

from .fonts import font_path

# ASCII, Latin-1 and Latin Extended, general punctuation, arrows and mathematical operators.
DRAWN_RANGES = ((0x20, 0x7E), (0xA0, 0x2E9), (0x2000, 0x2064), (0x2190, 0x2311))
_NOT_SURELY_DRAWN = re.compile("[^\n\t" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in DRAWN_RANGES) + "]")


@cache
def drawn() -> frozenset[int]:
    """The code points the regular font maps to a glyph."""
    from fontTools.ttLib import TTFont

    with TTFont(font_path("regular"), lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(text: str) -> list[str]:
    """Characters of ``text`` the font cannot draw (they would print as boxes)."""
    if _NOT_SURELY_DRAWN.search(text) is None:
        return []
    cmap = drawn()
    return sorted({ch for ch in text if ord(ch) not in cmap and ch not in "\n\t"})
