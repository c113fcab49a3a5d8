"""Measure and wrap text with the real metrics of the font the outputs embed.

In:  text, a font size in points, bold or not. Out: widths in points, and
lines wrapped to a width. Metrics come from the DejaVu Sans files (via
fontTools), the same files every renderer embeds, so a box sized here fits its
text in the PDF, the deck and the figures.
"""

from __future__ import annotations

from functools import cache

from fontTools.ttLib import TTFont

from ..fonts import font_path

LINE_HEIGHT = 1.2  # line pitch as a multiple of the font size


class _Metrics:
    def __init__(self, style: str):
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

    def width(self, text: str, size: float) -> float:
        adv = self.advance
        return sum(adv.get(ord(ch), self.fallback) for ch in text) * size / self.units


@cache
def _metrics(bold: bool) -> _Metrics:
    return _Metrics("bold" if bold else "regular")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` set in DejaVu Sans at ``size`` points."""
    return _metrics(bold).width(text, size)


def missing_glyphs(text: str) -> list[str]:
    """Characters of ``text`` the font cannot draw (they would print as boxes)."""
    cmap = _metrics(False).cmap
    return sorted({ch for ch in text if ord(ch) not in cmap and ch not in "\n\t"})


def line_height(size: float) -> float:
    return size * LINE_HEIGHT


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Greedy word wrap to ``width`` points; honours newlines; breaks over-long words.

    Never returns a line wider than ``width`` (a single character wider than
    ``width`` is the only exception, and only when ``width`` is absurdly small).
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if not words:
            lines.append("")
            continue
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, size, bold) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            while text_width(word, size, bold) > width:
                head = _longest_prefix(word, size, width, bold)
                lines.append(head)
                word = word[len(head):]
            current = word
        lines.append(current)
    return lines


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
