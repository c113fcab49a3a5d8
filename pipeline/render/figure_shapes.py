"""A figure's page and the shapes on it, in drawing order: what the SVG and the PNG writers both draw.

In:  one ``layout.geometry.Diagram``.
Out: ``page_size`` (points, ``MARGIN`` of white on every side, so edge strokes are not clipped) and
     ``shapes``: the diagram as ``RoundedBox``, ``Path`` and ``Text`` in page coordinates (points,
     origin top-left, y down), colours and line weights resolved from ``theme``, listed in the order
     they are painted (later on top). ``render.svg`` writes them as SVG, ``render.figures_png`` draws
     them with matplotlib; neither decides anything about the picture.

Drawing conventions (shared with the other renderers): a box's lines form one block centred vertically
in the box, each line's glyph box centred in its line pitch (``text.line_height``, ``text.baseline_offset``);
horizontal alignment is ``Box.align`` inside ``Box.padding``; a ``Label``'s first line starts at
``Label.y``. A connector is drawn through its points and ends in a filled arrowhead whose tip is the
last point. Painting order: plain lines, boxes, connectors, arrowheads, text, estimate markers, pooled
diamonds (the order the figures have always been drawn in).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .. import theme
from ..layout.geometry import Align, Box, Connector, Diagram, Marker, Segment, TextLine
from ..layout.geometry import Polygon as Diamond
from ..layout.text import baseline_offset, line_height

MARGIN = 4.0            # points of white around the geometry
ARROW_LENGTH = 5.0
ARROW_HALF_WIDTH = 2.2
Point = tuple[float, float]
Join = Literal["round", "miter"]

TEXT_COLOURS = {"tick": theme.MUTED, "favours": theme.INK, "note": theme.MUTED}
SEGMENT_COLOURS = {"ci": theme.INK, "null": theme.MUTED, "axis": theme.LINE, "tick": theme.LINE, "grid": "#D0D0D0",
                   "margin": theme.INK}


@dataclass(frozen=True)
class RoundedBox:
    """A rectangle with corners rounded to ``radius``, filled and outlined; round line joins."""

    x: float
    y: float
    w: float
    h: float
    radius: float
    fill: str
    stroke: str
    width: float


@dataclass(frozen=True)
class Path:
    """Straight lines through ``points``: an open line (``closed`` False) or a closed shape. ``fill`` and
    ``stroke`` None draw no fill or no outline; ``dash`` is on/off lengths in points; caps are butt."""

    points: tuple[Point, ...]
    stroke: str | None
    width: float = 0.0
    fill: str | None = None
    closed: bool = False
    dash: tuple[float, ...] = ()
    join: Join = "miter"


@dataclass(frozen=True)
class Text:
    """One line of text (its words, size and weight as laid out) whose baseline passes through (x, y);
    ``align`` says which end of the line, or its middle, is at x."""

    x: float
    y: float
    line: TextLine
    colour: str
    align: Align


Shape = RoundedBox | Path | Text


def page_size(diagram: Diagram) -> Point:
    """The page's width and height in points: the diagram and ``MARGIN`` around it."""
    return diagram.width + 2 * MARGIN, diagram.height + 2 * MARGIN


def shapes(diagram: Diagram) -> list[Shape]:
    """Everything drawn on the page, in painting order (see the module docstring)."""
    lines: list[Shape] = [_segment(seg) for seg in diagram.segments]
    boxes: list[Shape] = [_box(box) for box in diagram.boxes]
    texts: list[Shape] = [t for box in diagram.boxes for t in _box_text(box)]
    for label in diagram.labels:
        colour = TEXT_COLOURS.get(label.role, theme.INK)
        texts += _text_block(label.lines, label.x, label.y, label.w, label.align, colour)
    connectors: list[Shape] = []
    heads: list[Shape] = []
    for conn in diagram.connectors:
        line, head = _connector(conn)
        connectors += line
        heads += head
    markers: list[Shape] = [_marker(marker) for marker in diagram.markers]
    diamonds: list[Shape] = [_diamond(shape) for shape in diagram.polygons]
    return lines + boxes + connectors + heads + texts + markers + diamonds


def _at(x: float, y: float) -> Point:
    return x + MARGIN, y + MARGIN


def _box(box: Box) -> RoundedBox:
    x, y = _at(box.x, box.y)
    return RoundedBox(x, y, box.w, box.h, radius=min(theme.CORNER_RADIUS, box.w / 2, box.h / 2),
                      fill=theme.role_fill(box.role, box.arm),
                      stroke=theme.arm_colour(box.arm) if box.arm is not None else theme.RULE,
                      width=1.2 if box.arm is not None else theme.LINE_WIDTH)


def _box_text(box: Box) -> list[Text]:
    colour = theme.PAPER if box.role == "phase" else theme.INK
    text_h = sum(line_height(line.size) for line in box.lines)
    top = box.y + (box.h - text_h) / 2
    return _text_block(box.lines, box.x + box.padding, top, box.w - 2 * box.padding, box.align, colour)


def _text_block(lines: tuple[TextLine, ...], x: float, top: float, w: float, align: Align,
                colour: str) -> list[Text]:
    out = []
    y = top
    anchor = {"left": x, "center": x + w / 2, "right": x + w}[align]
    for line in lines:
        pitch = line_height(line.size)
        if line.text:
            out.append(Text(*_at(anchor, y + baseline_offset(line.size, pitch)), line, colour, align))
        y += pitch
    return out


def _connector(conn: Connector) -> tuple[list[Path], list[Path]]:
    """The connector's line and, when it has one, its arrowhead: a triangle ``ARROW_LENGTH`` long (at most
    0.8 of the last leg) whose tip is the last point; the line stops inside the head, not at the tip."""
    points = [_at(x, y) for x, y in conn.points]
    if len(points) < 2:
        return [], []
    heads = []
    if conn.arrow:
        (x0, y0), (x1, y1) = points[-2], points[-1]
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        if length > 0:
            ux, uy = (x1 - x0) / length, (y1 - y0) / length
            head = min(ARROW_LENGTH, length * 0.8)
            points[-1] = (x1 - ux * head * 0.9, y1 - uy * head * 0.9)
            hw = ARROW_HALF_WIDTH * head / ARROW_LENGTH
            tail_x, tail_y = x1 - ux * head, y1 - uy * head
            triangle = ((x1, y1), (tail_x - uy * hw, tail_y + ux * hw), (tail_x + uy * hw, tail_y - ux * hw))
            heads.append(Path(triangle, stroke=None, fill=theme.LINE, closed=True))
    return [Path(tuple(points), stroke=theme.LINE, width=theme.CONNECTOR_WIDTH)], heads


def _segment(seg: Segment) -> Path:
    colour = theme.arm_colour(seg.arm) if seg.arm is not None else SEGMENT_COLOURS.get(seg.role, theme.LINE)
    return Path((_at(seg.x1, seg.y1), _at(seg.x2, seg.y2)), stroke=colour, width=seg.width, dash=seg.dash,
                join="round")


def _marker(marker: Marker) -> Path:
    """A square centred on the estimate: filled, or (interval not reported) white with a 1-pt outline."""
    colour = theme.arm_colour(marker.arm) if marker.arm is not None else theme.INK
    half = marker.size / 2
    (x0, y0), (x1, y1) = _at(marker.x - half, marker.y - half), _at(marker.x + half, marker.y + half)
    corners = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    if marker.filled:
        return Path(corners, stroke=None, fill=colour, closed=True)
    return Path(corners, stroke=colour, width=1.0, fill=theme.PAPER, closed=True)


def _diamond(shape: Diamond) -> Path:
    filled = shape.role == "pooled"
    return Path(tuple(_at(x, y) for x, y in shape.points), stroke=theme.INK, width=0.6,
                fill=theme.INK if filled else None, closed=True)
