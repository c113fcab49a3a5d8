"""The lower half of a brief: pieces of text poured into two balanced columns.

In:  ``Piece``s (unbreakable parts: a heading with its first line, one line of a bullet, a panel's line) and
     the column width.
Out: one ``Block`` with both columns, broken where the taller column is lowest; a run of panel pieces (the
     grey "Checking the numbers" box) is drawn as one box in each column it falls in.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import theme
from ..layout.text import baseline_offset, text_width, wrap
from .pdf_blocks import GUTTER, Block, Rect, Style, Text, pitch


@dataclass
class Piece:
    """An unbreakable part of the two-column flow."""

    block: Block
    before: float = 0.0       # space above it, unless it starts a column
    panel: bool = False       # part of the grey "Checking the numbers" box
    keep_with_next: bool = False


PANEL_PAD = 6.0


def bullet_pieces(text: str, source: str | None, width: float, size: float, style: Style, before: float,
                  lead: Block | None = None, panel: bool = False, colour: str = theme.INK) -> list[Piece]:
    """A bullet as one piece per line, so a column may break inside it (never after its first line or
    before its last) or after it (a one-line bullet too); ``lead`` (a heading) stays with the first line."""
    marker = "•"
    indent = text_width(marker, size) + size * 0.6
    lines = wrap(text, size, width - indent)
    p = pitch(size, style)
    pieces: list[Piece] = []
    for j, line in enumerate(lines):
        block = Block()
        if j == 0 and lead is not None:
            block.add(lead)
        top = block.height
        if j == 0:
            block.ops.append(Text(0.0, top + baseline_offset(size, p), marker, "regular", size, theme.ACCENT))
        block.ops.append(Text(indent, top + baseline_offset(size, p), line, "regular", size, colour))
        if j == 0 and source:
            block.fields.append((source, len(lines) * p))
        block.height = top + p
        keep = j < len(lines) - 1 and (j == 0 or j == len(lines) - 2)
        pieces.append(Piece(block, before if j == 0 else 0.0, panel=panel, keep_with_next=keep))
    return pieces



def flow_columns(pieces: list[Piece], col: float) -> Block:
    """Pour ``pieces`` into two columns, breaking where the taller column is lowest.

    Every candidate break is judged by the two columns' heights alone (``split_heights``, linear in
    the pieces), and only the chosen columns are built: building both columns' drawing operations for
    every break made this quadratic in the content and took tens of seconds for a long record."""
    best: tuple[float, int] | None = None
    for k, (left, right) in enumerate(split_heights(pieces)):
        if 0 < k < len(pieces) and pieces[k - 1].keep_with_next:
            continue
        h = max(left, right)
        if best is None or h < best[0] - 0.01:
            best = (h, k)
    assert best is not None
    k = best[1]
    block = Block()
    block.add(_column(pieces[:k], col), 0.0, 0.0)
    block.add(_column(pieces[k:], col), col + GUTTER, 0.0)
    return block


def split_heights(pieces: list[Piece]) -> list[tuple[float, float]]:
    """For each break k, the heights ``column_layout`` gives ``pieces[:k]`` and ``pieces[k:]``, in one pass.

    A column's height is the sum of its pieces' heights, the space before every piece but its first,
    and a ``PANEL_PAD`` above and below each run of panel pieces; prefix sums give each in O(1)."""
    n = len(pieces)
    heights, befores, runs = [0.0], [0.0], [0]
    for i, p in enumerate(pieces):
        heights.append(heights[-1] + p.block.height)
        befores.append(befores[-1] + p.before)
        runs.append(runs[-1] + int(p.panel and (i == 0 or not pieces[i - 1].panel)))

    def height(a: int, b: int) -> float:
        if a >= b:
            return 0.0
        run_count = runs[b] - runs[a] + int(pieces[a].panel and a > 0 and pieces[a - 1].panel)
        return heights[b] - heights[a] + befores[b] - befores[a + 1] + 2 * PANEL_PAD * run_count

    return [(height(0, k), height(k, n)) for k in range(n + 1)]


def column_layout(pieces: list[Piece]) -> tuple[list[float], list[tuple[float, float]], float]:
    """Where each piece of a column goes: its top, the grey panels (top, height), the column's height."""
    tops: list[float] = []
    panels: list[tuple[float, float]] = []
    height = 0.0
    panel_top: float | None = None
    for i, piece in enumerate(pieces):
        if piece.panel and panel_top is None:
            height += piece.before if i else 0.0
            panel_top = height
            height += PANEL_PAD
        elif i:
            height += piece.before
        tops.append(height)
        height += piece.block.height
        ends_panel = piece.panel and (i + 1 == len(pieces) or not pieces[i + 1].panel)
        if ends_panel and panel_top is not None:
            height += PANEL_PAD
            panels.append((panel_top, height - panel_top))
            panel_top = None
    return tops, panels, height


def _column(pieces: list[Piece], width: float) -> Block:
    tops, panels, height = column_layout(pieces)
    block = Block()
    block.ops.extend(Rect(0, top, width, h, fill=theme.PANEL, stroke=theme.RULE, width=0.5,
                          radius=theme.CORNER_RADIUS) for top, h in reversed(panels))
    for piece, top in zip(pieces, tops, strict=True):
        block.add(piece.block, PANEL_PAD if piece.panel else 0.0, top)
    block.height = height
    return block
