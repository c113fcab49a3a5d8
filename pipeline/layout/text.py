"""Measure and wrap text with the real metrics of the font the outputs embed.

In:  text, a font size in points, bold or not. Out: widths in points, and
lines wrapped to a width. Metrics come from the DejaVu Sans files (via
fontTools), the same files every renderer embeds, so a box sized here fits its
text in the PDF, the deck and the figures.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import cache, lru_cache, partial
from itertools import repeat
from typing import TYPE_CHECKING

from ..fonts import font_path

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

LINE_HEIGHT = 1.2  # line pitch as a multiple of the font size


class _Metrics:
    units: int                  # font units per em
    cmap: dict[int, str]        # code point -> glyph name
    advance: dict[int, int]     # code point -> advance width, font units
    fallback: int               # the advance of a character the font lacks
    ascent: float               # above the baseline, in ems
    descent: float              # below the baseline, in ems (positive)

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


def widest_word(text: str, size: float, bold: bool = False) -> float:
    """The width of the widest of ``text``'s words at ``size`` (``text_width`` of it), 0 when it has none."""
    return _widest_units(text, bold) * size / _metrics(bold).units


@lru_cache(maxsize=_UNITS_CACHE)
def _widest_units(text: str, bold: bool) -> int:
    return max((_units(word, bold) for word in text.split()), default=0)


def line_height(size: float) -> float:
    return size * LINE_HEIGHT


def baseline_offset(size: float, pitch: float) -> float:
    """From the top of a line ``pitch`` tall to the baseline of text set at ``size``, the glyph box
    (ascent + descent) centred in the line: where every renderer puts a line of a laid-out block."""
    m = _metrics(False)
    return (pitch - (m.ascent + m.descent) * size) / 2 + m.ascent * size


def wrap(text: str, size: float, width: float, bold: bool = False, glued: bool = False) -> list[str]:
    """Greedy word wrap to ``width`` points; honours newlines; breaks a word only when it is wider than ``width``.

    ``glued``: the spaces that must not break (``units``: "n = 12", "< 2.6", "(n not reported)") are kept
    on one line when the unit fits, and a paragraph starting with "• " gets a hanging indent (its
    continuation lines start with ``HANG``). Never returns a line wider than ``width`` (a single
    character wider than ``width`` is the only exception, and only when ``width`` is absurdly small).
    """
    return list(_wrap_cached(text, size, width, bold, glued))


RUNT = 3     # a last line that is one word this short (characters) reads as dropped: "Vitamin / D", "Placebo / (D)"


def unrunted_width(text: str, size: float, bold: bool = False) -> float:
    """The narrowest width at which ``text`` wraps without a runt (a last line that is one word of at most
    ``RUNT`` characters), from its longest word up to its whole width."""
    width = widest_word(text, size, bold)
    while True:
        lines = wrap(text, size, width, bold)
        if len(lines) < 2 or " " in lines[-1] or len(lines[-1]) > RUNT:
            return width
        width = text_width(f"{lines[-2]} {lines[-1]}", size, bold)     # the runt taken up onto the line above


GLUE_BOTH = {"=", "–", "—"}                 # never break on either side: "n = 12", "0.7 – 1.2"
GLUE_NEXT = {"<", ">", "≤", "≥", "±", "•"}   # never break after: "< 2.6", "• reason"
BULLET = "• "
HANG = "\u00a0" * 3     # continuation indent of a bullet: three no-break spaces ≈ the width of "• "


def units(text: str) -> list[str]:
    """Words, with the spaces that must not break glued: "n = 12", "(n not reported)", "(n not in our sources)",
    "< 2.6", "• a"."""
    out: list[str] = []
    glue_next = False
    for word in text.split():
        glue = glue_next or word in GLUE_BOTH or (word.startswith("reported") and out and out[-1].endswith("not")) \
            or (word == "not" and out and out[-1] in ("n", "(n")) or _missing_words(out[-1] if out else "", word)
        if glue and out:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
        glue_next = word in GLUE_BOTH or word in GLUE_NEXT
    return out


@lru_cache(maxsize=_WRAP_CACHE)
def _glued_units(paragraph: str) -> tuple[str, ...]:
    """``units`` of a paragraph, remembered: a layout that tries many widths wraps the same text many times."""
    return tuple(units(paragraph))


def _missing_words(before: str, word: str) -> bool:
    """Whether ``word`` continues "n not in our sources" (which should not break across lines)."""
    return (word == "in" and before.endswith("n not")) or (word == "our" and before.endswith("not in")) \
        or (word.startswith("sources") and before.endswith("in our"))


def line_count(text: str, size: float, width: float, bold: bool = False, glued: bool = False) -> int:
    """``len(wrap(text, size, width, bold, glued))``, without making the lines: a column-width search asks how
    many lines a cell takes at many widths."""
    em = _metrics(bold).units
    steps = _steps(text, bold, glued)
    if steps is None or not size > 0 or not math.isfinite(width):
        return _counted(text, size, width, bold, glued)
    capacity = _capacity(size, width, em)
    caps, counts = steps
    if capacity < caps[0]:
        return len(wrap(text, size, width, bold, glued))     # a word broken within: as ``wrap`` breaks it
    return counts[bisect_right(caps, capacity) - 1]


class ColumnLines:
    """A table column's cells (or a box's paragraphs), each ``(text, bold)``: ``by_width(size)(width)`` is each
    one's ``line_count`` (``glued`` or not). The counts change only at the cells'
    steps (``_steps``), so they are worked out once for each interval between steps that a column-width search
    reaches, at any size, and remembered."""

    def __init__(self, cells: tuple[tuple[str, bool], ...], glued: bool = False):
        self.cells = cells
        self.glued = glued
        found = [_steps(text, bold, glued) for text, bold in cells]
        self.steps = [steps for steps in found if steps is not None]
        # The cells' font units per em (None when their fonts' differ, or a cell may hang: each cell is counted on
        # its own), the least capacity at which every cell's words fit, every capacity where a cell's count changes.
        ems = {_metrics(bold).units for _, bold in cells}
        self.em = ems.pop() if len(ems) == 1 and len(self.steps) == len(cells) else None
        self.least = max((caps[0] for caps, _ in self.steps), default=0)
        self.breaks = sorted({c for caps, _ in self.steps for c in caps})
        self.counts: dict[int, tuple[int, ...]] = {}     # by interval, those reached so far

    def by_width(self, size: float) -> Callable[[float], tuple[int, ...]]:
        """The cells' line counts at one ``size``, as a function of the width, for a search that asks at many
        widths: a width reaches a step's capacity ``x`` when ``x * size / em <= width`` (``_capacity``'s test,
        monotone in ``x``), so the steps' capacities are turned into widths once, and a width finds its interval
        among them."""
        em = self.em
        if em is None or not size > 0:
            return partial(self._counted, size)
        edges = [x * size / em for x in self.breaks]
        least = self.least * size / em

        def counts(width: float) -> tuple[int, ...]:
            if width >= least and math.isfinite(width):
                interval = bisect_right(edges, width)
                got = self.counts.get(interval)
                return self._counts_in(interval) if got is None else got
            return self._counted(size, width)
        return counts

    def _counts_in(self, interval: int) -> tuple[int, ...]:
        """The counts from the ``interval``-th step on (1 or more: the cells' words fit), remembered."""
        capacity = self.breaks[interval - 1]
        counts = self.counts[interval] = tuple(lines[bisect_right(caps, capacity) - 1] for caps, lines in self.steps)
        return counts

    def _counted(self, size: float, width: float) -> tuple[int, ...]:
        """A word broken within, or a cell that may hang: each counted on its own."""
        return tuple(line_count(text, size, width, bold, self.glued) for text, bold in self.cells)


@lru_cache(maxsize=1024)
def column_lines(cells: tuple[tuple[str, bool], ...], glued: bool = False) -> ColumnLines:
    """The ``ColumnLines`` of ``cells``, remembered (a table is fitted at several sizes and widths)."""
    return ColumnLines(cells, glued)


def _capacity(size: float, width: float, em: int) -> int:
    """The widest line, in font units, that fits ``width`` at ``size``: the largest ``x`` with ``x * size / em <=
    width``, the test ``wrap`` makes (monotone in ``x``, so the lines at ``width`` are those at ``x``)."""
    x = math.floor(width * em / size)
    while (x + 1) * size / em <= width:
        x += 1
    while x * size / em > width:
        x -= 1
    return x


@lru_cache(maxsize=_UNITS_CACHE)
def _steps(text: str, bold: bool, glued: bool) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """``text``'s line count as a step function of the capacity (the widest line, in font units): the capacities,
    ascending, at which it drops, from its longest word on, and the count from each. None when a paragraph may
    hang (a bullet, ``glued``), whose lines depend on the size too."""
    if glued and any(paragraph.startswith(BULLET) for paragraph in text.split("\n")):
        return None
    return _text_steps(text, bold, glued)


@lru_cache(maxsize=_UNITS_CACHE)
def _text_steps(text: str, bold: bool, glued: bool) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``_steps`` of a text that does not hang."""
    space = _units(" ", bold)
    paragraphs = [_paragraph_steps(words, space) for words in _word_units(text, bold, glued)]
    least = max(caps[0] for caps, _ in paragraphs)
    caps = sorted({least} | {c for p_caps, _ in paragraphs for c in p_caps if c > least})
    counts = [sum(p_counts[bisect_right(p_caps, c) - 1] for p_caps, p_counts in paragraphs) for c in caps]
    return tuple(caps), tuple(counts)


@lru_cache(maxsize=_UNITS_CACHE)
def _paragraph_steps(words: tuple[int, ...], space: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A paragraph's greedy line count as a step function of the capacity (font units), from its longest word on.
    Greedy wrapping keeps one partition of the words into lines until the capacity reaches the narrowest line
    plus the word it could not take; each such capacity is tried in turn until the paragraph is one line.
    Remembered: a table cell's lines are measured as one text (a column's lines) and each on its own (its height)."""
    capacity = max(words, default=0)
    caps: list[int] = []
    counts: list[int] = []
    while True:
        lines, current, filled, overflow = 1, 0, False, 0    # overflow: the least line that did not fit, 0: none
        for unit_u in words:
            candidate_u = current + space + unit_u if filled else unit_u
            if candidate_u <= capacity:
                current, filled = candidate_u, True
                continue
            lines += 1
            overflow = min(overflow, candidate_u) if overflow else candidate_u
            current = unit_u
        if not counts or lines < counts[-1]:
            caps.append(capacity)
            counts.append(lines)
        if not overflow:
            return tuple(caps), tuple(counts)
        capacity = overflow


def _counted(text: str, size: float, width: float, bold: bool, glued: bool) -> int:
    """``line_count`` word by word: for a text whose bullets may hang (the indent depends on the size)."""
    em = _metrics(bold).units
    space = _units(" ", bold)
    lines = 0
    for paragraph, words in zip(text.split("\n"), _word_units(text, bold, glued), strict=True):
        hang_u = _units(HANG, bold) if glued and paragraph.startswith(BULLET) and \
            text_width(HANG, size, bold) < width / 3 else 0
        current_u, filled, started = 0, False, False    # the line so far, in font units; it has a word; a line ended
        for unit_u in words:
            candidate_u = current_u + space + unit_u if filled else unit_u
            if candidate_u * size / em <= width:
                current_u, filled = candidate_u, True
                continue
            if filled:
                lines += 1
                started = True
            start_u = hang_u if started else 0
            if (start_u + unit_u) * size / em > width:
                return len(wrap(text, size, width, bold, glued))     # a word broken within: as ``wrap`` breaks it
            current_u, filled = start_u + unit_u, True
        lines += 1
    return lines


@lru_cache(maxsize=_UNITS_CACHE)
def _word_units(text: str, bold: bool, glued: bool) -> tuple[tuple[int, ...], ...]:
    """Each paragraph's words' (``glued``: units') advances, in font units."""
    return tuple(tuple(_units(word, bold) for word in (_glued_units(paragraph) if glued else paragraph.split()))
                 for paragraph in text.split("\n"))


@lru_cache(maxsize=_WRAP_CACHE)
def _wrap_cached(text: str, size: float, width: float, bold: bool, glued: bool) -> tuple[str, ...]:
    em = _metrics(bold).units
    space = _units(" ", bold)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        hang = HANG if glued and paragraph.startswith(BULLET) and text_width(HANG, size, bold) < width / 3 else ""
        hang_u = _units(hang, bold)
        current, current_u = "", 0
        started = False          # a line of this paragraph has been emitted
        for unit in _glued_units(paragraph) if glued else paragraph.split():
            unit_u = _units(unit, bold)
            # The width of "current unit" is the sum of its parts' advances (no kerning): exact integers.
            candidate_u = current_u + space + unit_u if current else unit_u
            if candidate_u * size / em <= width:
                current = f"{current} {unit}" if current else unit
                current_u = candidate_u
                continue
            if current:
                lines.append(current)
                started = True
            start, start_u = (hang, hang_u) if started else ("", 0)
            if (start_u + unit_u) * size / em <= width:
                current, current_u = start + unit, start_u + unit_u
                continue
            pieces = _break(unit, size, width - hang_u * size / em, bold)
            lines.extend(start + piece for piece in pieces[:-1])
            started = started or len(pieces) > 1
            current = (hang if started else "") + pieces[-1]
            current_u = _units(current, bold)
        lines.append(current)
    return tuple(lines)


def wrap_runs(runs: Sequence[tuple[str, bool]], size: float, width: float) -> list[list[tuple[str, int]]]:
    """Runs of text, each ``(text, bold)``, wrapped together word by word to ``width`` (e.g. a bold lead-in,
    then regular text): per line, its words, each with the index of the run it comes from. Words stand a
    regular space apart; a word wider than the line is broken into pieces that fit. No words, no lines."""
    words = [(piece, k) for k, (text, bold) in enumerate(runs) for word in text.split()
             for piece in (wrap(word, size, width, bold) or [word])]
    space = text_width(" ", size)
    lines: list[list[tuple[str, int]]] = []
    x = 0.0
    for word, k in words:
        w = text_width(word, size, runs[k][1])
        if not lines or (lines[-1] and x + space + w > width):
            lines.append([])
            x = 0.0
        x += (space if lines[-1] else 0.0) + w
        lines[-1].append((word, k))
    return lines


def shorten(text: str, size: float, width: float, bold: bool = False) -> str:
    """One line: ``text`` when it fits ``width``, else its first line wrapped short of an ellipsis, with "…"
    (a label in a plot's column: a study's name, an arm's, a value; the deck's footer)."""
    if text_width(text, size, bold) <= width:
        return text
    lines = wrap(text, size, max(width - text_width("…", size, bold), size), bold)
    return (lines[0].rstrip(" ·,;:") + "…") if lines else text


def _break(unit: str, size: float, width: float, bold: bool) -> list[str]:
    """A unit wider than ``width`` as lines: at its glued spaces when its words fit, else within words."""
    if " " in unit:
        return wrap(unit, size, width, bold)
    pieces = []
    while text_width(unit, size, bold) > width:
        head = _longest_prefix(unit, size, width, bold)
        pieces.append(head)
        unit = unit[len(head):]
    return [*pieces, unit]


def _longest_prefix(word: str, size: float, width: float, bold: bool) -> str:
    lo, hi = 1, len(word)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width(word[:mid], size, bold) <= width:
            lo = mid
        else:
            hi = mid - 1
    return word[:max(lo, 1)]
