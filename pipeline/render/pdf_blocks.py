"""The brief's typesetting primitives: type steps, drawing operations and measured blocks of text.

In:  text, widths and a ``Style`` (type sizes at one shrink step).
Out: ``Block``s: a height, the drawing operations relative to the block's top-left (y down), and which
     record fields took how much height (for ``LayoutError`` messages). A block is measured first and placed
     after (``Block.add``); ``render.pdf_page`` draws the operations.

Text is measured with the DejaVu Sans metrics the PDF embeds (``layout.text``) and set line by line:
record text is never parsed as markup, and no line is ever wider than its column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Self

from .. import theme
from ..layout.geometry import Diagram
from ..layout.text import baseline_offset, text_width, wrap, wrap_runs
from .copies import copied

MIN_BODY = 7.5
GUTTER = 16.0     # between the two columns


@dataclass(frozen=True)
class Style:
    """Type sizes (pt) and spacing at one shrink step."""

    body: float
    small: float
    title: float
    head: float
    bottom: float
    gap: float          # between sections
    leading: float = 1.25
    extras: bool = True  # the secondary-outcomes summary and who appraised (not essential; dropped last)
    lean: bool = False   # leave out what the page says twice (``pdf.LEAN``), when space forces it
    strengths: bool = False  # the appraisal's strengths, added only where the page fits them at its step
    split_panel: bool = False  # the "Checking the numbers" box may break between the columns (space forcing it)


STEPS = (
    Style(body=9.0, small=8.0, title=17.0, head=10.0, bottom=12.0, gap=12.0, leading=1.25),
    Style(body=8.5, small=8.0, title=16.0, head=9.5, bottom=11.5, gap=10.0, leading=1.23),
    Style(body=8.0, small=7.5, title=15.0, head=9.0, bottom=11.0, gap=9.0, leading=1.21),
    Style(body=7.5, small=7.5, title=14.0, head=9.0, bottom=10.0, gap=7.0, leading=1.19),
    # The last resort: the same sizes, lines set a little closer (glyph boxes still do not touch).
    Style(body=7.5, small=7.5, title=14.0, head=9.0, bottom=10.0, gap=6.0, leading=1.17),
    Style(body=7.5, small=7.5, title=14.0, head=9.0, bottom=10.0, gap=6.0, leading=1.17, extras=False),
)
assert all(s.body >= MIN_BODY and s.small >= MIN_BODY for s in STEPS)

# With the compact design band: the same sizes, then (space forcing it) without what is said twice, then
# with lines a little closer, at 8 pt before 7.5 pt.
BAND_STEPS = (
    STEPS[0], STEPS[1], STEPS[2],
    replace(STEPS[2], lean=True),
    replace(STEPS[2], lean=True, leading=1.17, gap=8.0),
    replace(STEPS[2], lean=True, leading=1.15, gap=7.0),
    replace(STEPS[3], lean=True),
    replace(STEPS[4], lean=True),
)


# ---------------------------------------------------------------------------
# Drawing operations, recorded relative to a block's top-left (y down), so a
# block can be measured first and placed after.

@dataclass
class At:
    """A drawing operation's position: its top-left (a text's baseline), relative to its block."""

    x: float
    y: float

    def shift(self, dx: float, dy: float) -> Self:
        moved = copied(self)
        moved.x += dx
        moved.y += dy
        return moved


@dataclass
class Text(At):
    text: str
    style: str          # regular, bold
    size: float
    colour: str = theme.INK
    align: str = "left"  # left: x is the start; right: x is the end; centre


@dataclass
class Rect(At):
    w: float
    h: float
    fill: str | None = None
    stroke: str | None = None
    width: float = 0.6
    radius: float = 0.0


@dataclass
class Link(At):
    w: float
    h: float
    url: str


@dataclass
class Figure(At):
    diagram: Diagram
    scale: float = 1.0


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str = theme.RULE
    width: float = 0.5

    def shift(self, dx: float, dy: float) -> Line:
        moved = copied(self)
        moved.x1, moved.y1, moved.x2, moved.y2 = self.x1 + dx, self.y1 + dy, self.x2 + dx, self.y2 + dy
        return moved


Op = Text | Rect | Line | Link | Figure
Part = tuple[str, ...]   # a run: (text, font[, colour[, url]]); url "" for none


@dataclass
class Block:
    """Measured content: its height, what to draw, and which record fields took how much height."""

    height: float = 0.0
    ops: list[Op] = field(default_factory=list)
    fields: list[tuple[str, float]] = field(default_factory=list)

    def add(self, other: Block, dx: float = 0.0, dy: float | None = None) -> float:
        """Place ``other`` at (dx, dy) (default: below everything so far); return its top."""
        top = self.height if dy is None else dy
        self.ops.extend(op.shift(dx, top) for op in other.ops)
        self.fields.extend(other.fields)
        self.height = max(self.height, top + other.height)
        return top

    def space(self, h: float) -> None:
        self.height += h


def pitch(size: float, style: Style) -> float:
    return size * style.leading


def text_lines(lines: Sequence[str], x: float, size: float, style: Style, font: str = "regular",
               colour: str = theme.INK, align: str = "left", width: float = 0.0) -> Block:
    p = pitch(size, style)
    block = Block()
    for i, line in enumerate(lines):
        if line:
            ax = x + width if align == "right" else x
            block.ops.append(Text(ax, i * p + baseline_offset(size, p), line, font, size, colour, align))
    block.height = len(lines) * p
    return block


def paragraph(text: str, width: float, size: float, style: Style, font: str = "regular",
              colour: str = theme.INK, source: str | None = None, align: str = "left") -> Block:
    lines = wrap(text, size, width, font == "bold")
    block = text_lines(lines, 0.0, size, style, font, colour, align, width)
    if source:
        block.fields.append((source, block.height))
    return block


def heading(text: str, width: float, style: Style, rule: bool = True) -> Block:
    block = Block()
    if rule:
        block.ops.append(Line(0, 0.4, width, 0.4, theme.ACCENT, 0.8))
        block.space(4.0)
    block.add(paragraph(text, width, style.head, style, "bold", theme.ACCENT))
    block.space(2.5)
    return block


def subheading(text: str, width: float, style: Style) -> Block:
    return paragraph(text, width, style.body, style, "bold", theme.INK)


def runs(parts: Sequence[Part], width: float, size: float, style: Style, colour: str = theme.MUTED,
         source: str | None = None) -> Block:
    """One paragraph of (text, font[, colour[, url]]) runs, e.g. a bold lead-in then regular text, wrapped
    word by word; runs with a url are underlined and clickable."""
    keys = [(part[1], part[2] if len(part) > 2 else colour, part[3] if len(part) > 3 else "") for part in parts]
    lines = [[(w, keys[k]) for w, k in line]
             for line in wrap_runs([(part[0], part[1] == "bold") for part in parts], size, width)]
    space = text_width(" ", size)
    p = pitch(size, style)
    block = Block()
    for i, line in enumerate(lines):
        base = i * p + baseline_offset(size, p)
        x = 0.0
        j = 0
        while j < len(line):
            key = line[j][1]
            k = j
            while k < len(line) and line[k][1] == key:
                k += 1
            text = " ".join(w for w, _ in line[j:k])
            if j:
                x += space
            font, tint, url = key
            wide = text_width(text, size, font == "bold")
            block.ops.append(Text(x, base, text, font, size, tint))
            if url:
                block.ops.append(Line(x, base + size * 0.14, x + wide, base + size * 0.14, tint, 0.4))
                block.ops.append(Link(x, i * p, wide, p, url))
            x += wide
            j = k
    block.height = len(lines) * p
    if source:
        block.fields.append((source, block.height))
    return block


def lead_paragraph(lead: str, text: str, width: float, size: float, style: Style, source: str,
                   colour: str = theme.MUTED) -> Block:
    """A paragraph whose first words are bold."""
    return runs([(lead, "bold"), (text, "regular")], width, size, style, colour, source)


def label_width(labels: Sequence[str], width: float, style: Style) -> float:
    return min(max(text_width(label, style.body, True) for label in labels) + style.body * 0.9, width * 0.32)


Item = tuple[str, str, str]   # a definition row: (label, value, record field)


def definitions(items: Sequence[Item], width: float, style: Style, label_w: float | None = None) -> Block:
    """Label | value rows; labels in bold in a column as wide as the widest label."""
    size = style.body
    if label_w is None:
        label_w = label_width([label for label, _, _ in items], width, style)
    block = Block()
    for i, (label, value, source) in enumerate(items):
        if i:
            block.space(size * 0.35)
        top = block.height
        lab = paragraph(label, label_w - size * 0.6, size, style, "bold", theme.MUTED)
        val = paragraph(value, width - label_w, size, style, source=source)
        block.add(lab, 0.0, top)
        block.add(val, label_w, top)
    return block


def two_columns(title: str, items: Sequence[Item], width: float, col: float, style: Style, lw: float) -> Block:
    """A full-width heading over definition rows split into two balanced columns."""
    left_items, right_items = balance(items, col, style, lw)
    block = heading(title, width, style)
    top = block.height
    block.add(definitions(left_items, col, style, lw), 0.0, top)
    if right_items:
        block.add(definitions(right_items, col, style, lw), col + GUTTER, top)
    return block


def balance(items: Sequence[Item], width: float, style: Style, label_w: float
            ) -> tuple[Sequence[Item], Sequence[Item]]:
    """Split definition rows into two columns of about equal height, keeping their order."""
    if len(items) < 2:
        return items, []
    heights = [definitions([it], width, style, label_w).height for it in items]
    total = sum(heights)
    best: float | None = None
    best_k = len(items)
    for k in range(1, len(items)):
        left = sum(heights[:k])
        diff = abs(left - (total - left))
        if best is None or diff < best:
            best, best_k = diff, k
    return items[:best_k], items[best_k:]
