"""Measure and wrap text with the real metrics of the font the outputs embed.

In:  text, a font size in points, bold or not. Out: widths in points, and
lines wrapped to a width. Metrics come from the DejaVu Sans files (via
fontTools), the same files every renderer embeds, so a box sized here fits its
text in the PDF, the deck and the figures.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import repeat
from typing import TYPE_CHECKING

from ..fonts import font_path

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

LINE_HEIGHT = 1.2  # line pitch as a multiple of the font size


class _Metrics:
    def __init__(self, style: str):
        from fontTools.ttLib import TTFont

        with TTFont(font_path(style), lazy=True) as font:
            self._read(font)

    def _read(self, font: TTFont) -> None:
        self.units = font["head"].unitsPerEm
        self.cmap = font.getBestCmap()
        hmtx = font["hmtx"].metrics
        self.advance = {code: hmtx[name][0] for code, name in self.cmap.items()}
        self.fallback = hmtx[".notdef"][0] if ".notdef" in hmtx else self.units // 2
        self.ascent = font["hhea"].ascent / self.units
        self.descent = -font["hhea"].descent / self.units

    def advance_units(self, text: str) -> int:
        """Sum of the advance widths of ``text`` in font units (an exact integer; no kerning)."""
        return sum(map(self.advance.get, map(ord, text), repeat(self.fallback)))

    def width(self, text: str, size: float) -> float:
        return self.advance_units(text) * size / self.units


@cache
def _metrics(bold: bool) -> _Metrics:
    return _Metrics("bold" if bold else "regular")


# Bounded memo caches: the fitting loops of the renderers measure and wrap the same strings many
# times; the bounds keep a long in-process run (many studies) from growing without limit.
_UNITS_CACHE = 16384
_WRAP_CACHE = 8192


@lru_cache(maxsize=_UNITS_CACHE)
def _units(text: str, bold: bool) -> int:
    return _metrics(bold).advance_units(text)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` set in DejaVu Sans at ``size`` points."""
    return _units(text, bold) * size / _metrics(bold).units


# Code points the regular font draws, every one (a test checks them against the font): ASCII, Latin-1
# and Latin Extended, general punctuation, arrows and mathematical operators. Text made only of these
# is checked without reading the font (validate need not load fontTools).
DRAWN_RANGES = ((0x20, 0x7E), (0xA0, 0x2E9), (0x2000, 0x2064), (0x2190, 0x2311))
_NOT_SURELY_DRAWN = re.compile("[^\n\t" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in DRAWN_RANGES) + "]")


def missing_glyphs(text: str) -> list[str]:
    """Characters of ``text`` the font cannot draw (they would print as boxes)."""
    if _NOT_SURELY_DRAWN.search(text) is None:
        return []
    cmap = _metrics(False).cmap
    return sorted({ch for ch in text if ord(ch) not in cmap and ch not in "\n\t"})


def line_height(size: float) -> float:
    return size * LINE_HEIGHT


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Greedy word wrap to ``width`` points; honours newlines; breaks over-long words.

    Never returns a line wider than ``width`` (a single character wider than
    ``width`` is the only exception, and only when ``width`` is absurdly small).
    """
    return list(_wrap_cached(text, size, width, bold))


@lru_cache(maxsize=_WRAP_CACHE)
def _wrap_cached(text: str, size: float, width: float, bold: bool) -> tuple[str, ...]:
    em = _metrics(bold).units
    space = _units(" ", bold)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if not words:
            lines.append("")
            continue
        current, current_u = "", 0
        for word in words:
            word_u = _units(word, bold)
            # The width of "current word" is the sum of its parts' advances (no kerning): exact integers.
            candidate_u = current_u + space + word_u if current else word_u
            if candidate_u * size / em <= width:
                current = f"{current} {word}" if current else word
                current_u = candidate_u
                continue
            if current:
                lines.append(current)
            current = ""
            while text_width(word, size, bold) > width:
                head = _longest_prefix(word, size, width, bold)
                lines.append(head)
                word = word[len(head):]
            current, current_u = word, _units(word, bold)
        lines.append(current)
    return tuple(lines)


def _longest_prefix(word: str, size: float, width: float, bold: bool) -> str:
    lo, hi = 1, len(word)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width(word[:mid], size, bold) <= width:
            lo = mid
        else:
            hi = mid - 1
    return word[:max(lo, 1)]


def wrapped_height(text: str, size: float, width: float, bold: bool = False) -> float:
    return len(wrap(text, size, width, bold)) * line_height(size)


def widest_line(lines: list[str], size: float, bold: bool = False) -> float:
    return max((text_width(line, size, bold) for line in lines), default=0.0)
