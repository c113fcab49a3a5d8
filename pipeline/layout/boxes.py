"""Boxes of wrapped text and the connectors between them: what the box diagrams (design, flow, PRISMA)
and the plots' text share.

In:  paragraphs (``Para``), a font size, widths and positions in points. Out: wrapped ``TextLine``s and
their height, ``Box``es and ``Connector``s, and a ``Sheet`` that collects one layout's boxes, connectors,
labels and the record fields each box shows, noting whether a word had to be broken across lines.

Conventions: every paragraph is wrapped ``WRAP_SAFETY`` short of its width with the glued wrapper
(``text.wrap(glued=True)``); a box is its text plus ``padding_for(size)`` on every side; rows are
``row_gap(size)`` apart, room for a visible shaft and an arrowhead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise

from .fit import Attempt
from .geometry import Align, Box, Connector, Diagram, Label, TextLine
from .text import column_lines, line_height, widest_word, wrap

WRAP_SAFETY = 0.02   # wrap 2% short of the width, for renderers whose glyph positioning rounds up


@dataclass(frozen=True)
class Para:
    """A paragraph of box text; ``bold`` sets the whole paragraph bold."""

    text: str
    bold: bool = False


def para(text: str, bold: bool = False) -> Para:
    """A paragraph with runs of white space collapsed (explicit newlines kept)."""
    return Para(" ".join(text.split()) if "\n" not in text else text, bold)


def _measure(width: float) -> float:
    """The width text is wrapped to in a box ``width`` wide: less ``WRAP_SAFETY``, never under 1 pt."""
    return max(width * (1 - WRAP_SAFETY), 1.0)


def wrap_paragraphs(paragraphs: Sequence[Para], size: float, width: float) -> tuple[list[TextLine], bool]:
    """Wrap paragraphs to ``width`` (less ``WRAP_SAFETY``); also say whether a word had to be broken."""
    lines: list[TextLine] = []
    broken = False
    avail = _measure(width)
    for p in paragraphs:
        if widest_word(p.text, size, p.bold) > avail:
            broken = True
        for line in wrap(p.text, size, avail, p.bold, glued=True):
            lines.append(TextLine(line, size, p.bold))
    return lines, broken


class BoxHeights:
    """Boxes of paragraphs at one ``size``, ``pad`` on every side, all one width, whose heights a search asks at
    many widths: ``at(width)`` is each box's height (its paragraphs wrapped as ``Sheet.wrap`` wraps them, and the
    padding), without building the lines; they are counted once for each interval of widths between the texts'
    steps that the search reaches (``text.column_lines``)."""

    def __init__(self, boxes: Sequence[Sequence[Para]], size: float, pad: float):
        self.pad, self.pitch = pad, line_height(size)
        self.lines = column_lines(tuple((p.text, p.bold) for paras in boxes for p in paras), glued=True).by_width(size)
        self.spans = list(pairwise([0, *accumulate(len(paras) for paras in boxes)]))

    def at(self, width: float) -> list[float]:
        counts = self.lines(_measure(width - 2 * self.pad))
        pitch = self.pitch
        return [pitch * sum(counts[start:end]) + 2 * self.pad for start, end in self.spans]


def text_height(lines: Sequence[TextLine]) -> float:
    return sum(line_height(line.size) for line in lines)


MINOR_SHARE = 0.9   # secondary text is set at this share of the size beside it


def minor_size(size: float) -> float:
    """The size of secondary text (notes, legends) beside ``size``: a little smaller, never below 7.5 pt (the
    brief's smallest text) unless ``size`` itself is."""
    return max(MINOR_SHARE * size, min(size, 7.5))


def padding_for(size: float) -> float:
    return round(max(3.0, 0.6 * size), 2)


def row_gap(size: float) -> float:
    """Vertical room between rows: enough for a visible shaft and an arrowhead."""
    return max(12.0, 2.2 * size)


class Sheet:
    """One layout at one font size, as it is placed: its boxes, connectors and labels in drawing order,
    the record fields each box shows, and whether any text had to break a word."""

    def __init__(self, size: float):
        self.size = size
        self.pad = padding_for(size)
        self.boxes: list[Box] = []
        self.connectors: list[Connector] = []
        self.labels: list[Label] = []
        self.fields: dict[str, list[str]] = {}
        self.broken = False

    def wrap(self, paragraphs: Sequence[Para], width: float) -> list[TextLine]:
        """``paragraphs`` wrapped inside a box ``width`` wide (its padding taken off)."""
        lines, broken = wrap_paragraphs(paragraphs, self.size, width - 2 * self.pad)
        self.broken = self.broken or broken
        return lines

    def add(self, box: Box, fields: Sequence[str] = ()) -> Box:
        self.boxes.append(box)
        self.fields[box.id] = list(fields)
        return box

    def box(self, box_id: str, paragraphs: Sequence[Para], x: float, w: float, top: float, role: str, *,
            arm: int | None = None, h: float | None = None, align: Align = "center",
            fields: Sequence[str] = ()) -> Box:
        """A box of ``paragraphs``, as tall as its text (or ``h``), added to the sheet."""
        lines = self.wrap(paragraphs, w)
        height = h if h is not None else text_height(lines) + 2 * self.pad
        return self.add(Box(box_id, x, top, w, height, tuple(lines), role=role, arm=arm, align=align,
                            padding=self.pad), fields)

    def attempt(self, diagram: Diagram) -> Attempt:
        return Attempt(diagram, self.broken, self.fields)


def bulleted(lines: Sequence[TextLine]) -> Align:
    """A box with bullet lines reads left-aligned; else centred."""
    return "left" if any(line.text.startswith("• ") for line in lines) else "center"


# Connectors -----------------------------------------------------------------

def straight(source: Box, target: Box, bend: float = 0.5) -> Connector:
    """Source bottom to target top; straight when they are aligned, else an orthogonal dog-leg whose
    horizontal run sits ``bend`` of the way down the gap."""
    sx, sy = source.anchor("bottom")
    tx, ty = target.anchor("top")
    points: tuple[tuple[float, float], ...]
    if abs(sx - tx) < 0.01:
        points = ((sx, sy), (sx, ty))
    else:
        mid = sy + (ty - sy) * bend
        points = ((sx, sy), (sx, mid), (tx, mid), (tx, ty))
    return Connector(f"{source.id}->{target.id}", source.id, target.id, "bottom", "top", points)


def sideways(source: Box, target: Box, bend: float = 0.5) -> Connector:
    """Source right to target left at mid-heights; straight when they are level, else an orthogonal dog-leg
    whose vertical run sits ``bend`` of the way across the gap."""
    sx, sy = source.anchor("right")
    tx, ty = target.anchor("left")
    mid = sx + (tx - sx) * bend
    points = ((sx, sy), (mid, sy), (mid, ty), (tx, ty)) if abs(sy - ty) > 0.01 else ((sx, sy), (tx, ty))
    return Connector(f"{source.id}->{target.id}", source.id, target.id, "right", "left", points)


def branch(source: Box, target: Box) -> Connector:
    """Source bottom centre down to a bus just above half-way, across, and down to the target's top centre."""
    return straight(source, target, bend=0.45)


def drop(source: Box, target: Box) -> Connector:
    """Straight down from the source's bottom centre onto the target's top edge (the target is wider)."""
    sx, sy = source.anchor("bottom")
    x = min(max(sx, target.x + 1), target.right - 1)
    points: tuple[tuple[float, float], ...]
    if abs(x - sx) < 0.01:
        points = ((sx, sy), (sx, target.y))
    else:
        mid = (sy + target.y) / 2
        points = ((sx, sy), (sx, mid), (x, mid), (x, target.y))
    return Connector(f"{source.id}->{target.id}", source.id, target.id, "bottom", "top", points)
