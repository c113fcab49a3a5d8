"""Draw any ``Diagram`` (design, flow, forest) onto a reportlab canvas.

In:  a reportlab canvas (used through its methods only: this module does not
     import reportlab), a ``layout.geometry.Diagram``, the PDF position of the
     diagram's top-left corner, a uniform scale, and the registered names of
     the regular and bold fonts.
Out: drawing operations on the canvas; nothing is returned.

The diagram's coordinates are points with the origin top-left and y down; a
PDF page has y up, so ``y`` here is flipped around ``top``. Text is never
re-wrapped: each ``TextLine`` is drawn as given, at its size times ``scale``.
Colours come from ``pipeline.theme`` (roles and arm indexes map to fills).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .. import theme
from ..layout.geometry import Box, Connector, Diagram, Label, Marker, Polygon, Segment, TextLine
from ..layout.text import baseline_offset, line_height

ARROW_LENGTH = 4.6
ARROW_HALF_WIDTH = 2.3


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str


def _luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def _text_colour_on(fill: str) -> str:
    return "#FFFFFF" if _luminance(fill) < 0.45 else theme.INK


def _outline(box: Box) -> str:
    if box.arm is not None:
        return theme.arm_colour(box.arm)
    return theme.RULE


class _Mapper:
    def __init__(self, left: float, top: float, scale: float):
        self.left, self.top, self.scale = left, top, scale

    def x(self, x: float) -> float:
        return self.left + x * self.scale

    def y(self, y: float) -> float:
        return self.top - y * self.scale

    def d(self, v: float) -> float:
        return v * self.scale


def draw_diagram(canvas: Any, diagram: Diagram, left: float, top: float, scale: float, fonts: Fonts) -> None:
    """Draw ``diagram`` with its top-left corner at PDF point (``left``, ``top``)."""
    m = _Mapper(left, top, scale)
    canvas.saveState()
    canvas.setLineJoin(1)
    canvas.setLineCap(0)
    for seg in diagram.segments:
        if seg.role == "grid":
            _segment(canvas, m, seg)
    for box in diagram.boxes:
        _box(canvas, m, box, fonts)
    for conn in diagram.connectors:
        _connector(canvas, m, conn)
    for seg in diagram.segments:
        if seg.role != "grid":
            _segment(canvas, m, seg)
    for marker in diagram.markers:
        _marker(canvas, m, marker)
    for polygon in diagram.polygons:
        _polygon(canvas, m, polygon)
    for label in diagram.labels:
        _label(canvas, m, label, fonts)
    canvas.restoreState()


def _box(canvas: Any, m: _Mapper, box: Box, fonts: Fonts) -> None:
    if box.role in ("track", "bar"):   # a results bar: flat, the bar in its arm's full colour on a grey track
        bar = theme.arm_colour(box.arm) if box.arm is not None else theme.MUTED
        canvas.setFillColor(bar if box.role == "bar" else TRACK)
        canvas.rect(m.x(box.x), m.y(box.bottom), m.d(box.w), m.d(box.h), stroke=0, fill=1)
        return
    fill = theme.role_fill(box.role, box.arm)
    stroke = _outline(box)
    canvas.setFillColor(fill)
    canvas.setStrokeColor(stroke)
    canvas.setLineWidth(m.d(theme.LINE_WIDTH) if box.arm is None else m.d(theme.LINE_WIDTH * 1.25))
    canvas.setDash([])
    radius = min(m.d(theme.CORNER_RADIUS), m.d(box.h) / 2, m.d(box.w) / 2)
    canvas.roundRect(m.x(box.x), m.y(box.bottom), m.d(box.w), m.d(box.h), radius, stroke=1, fill=1)
    text_h = sum(line_height(line.size) for line in box.lines)
    y = box.y + (box.h - text_h) / 2
    _lines(canvas, m, box.lines, box.x + box.padding, y, box.w - 2 * box.padding, box.align,
           _text_colour_on(fill), fonts)


def _lines(canvas: Any, m: _Mapper, lines: tuple[TextLine, ...], x: float, y: float, w: float, align: str,
           colour: str, fonts: Fonts) -> None:
    canvas.setFillColor(colour)
    for line in lines:
        pitch = line_height(line.size)
        if line.text:
            size = m.d(line.size)
            canvas.setFont(fonts.bold if line.bold else fonts.regular, size)
            base = m.y(y + baseline_offset(line.size, pitch))
            if align == "center":
                canvas.drawCentredString(m.x(x + w / 2), base, line.text)
            elif align == "right":
                canvas.drawRightString(m.x(x + w), base, line.text)
            else:
                canvas.drawString(m.x(x), base, line.text)
        y += pitch


def _label(canvas: Any, m: _Mapper, label: Label, fonts: Fonts) -> None:
    colour = theme.ACCENT if label.role == "phase" else theme.MUTED if label.role in ("note", "axis") else theme.INK
    _lines(canvas, m, label.lines, label.x, label.y, label.w, label.align, colour, fonts)


def _connector(canvas: Any, m: _Mapper, conn: Connector) -> None:
    pts = [(m.x(x), m.y(y)) for x, y in conn.points]
    if len(pts) < 2:
        return
    canvas.setStrokeColor(theme.LINE)
    canvas.setFillColor(theme.LINE)
    canvas.setLineWidth(m.d(theme.CONNECTOR_WIDTH))
    canvas.setDash([])
    length = m.d(ARROW_LENGTH)
    half = m.d(ARROW_HALF_WIDTH)
    tip = pts[-1]
    (px, py) = pts[-2]
    dx, dy = tip[0] - px, tip[1] - py
    seg_len = math.hypot(dx, dy)
    draw_arrow = conn.arrow and seg_len > 0
    if draw_arrow:
        ux, uy = dx / seg_len, dy / seg_len
        # Stop the shaft inside the head so no line pokes through the tip.
        cut = min(length * 0.8, seg_len)
        pts = pts[:-1] + [(tip[0] - ux * cut, tip[1] - uy * cut)]
    path = canvas.beginPath()
    path.moveTo(*pts[0])
    for p in pts[1:]:
        path.lineTo(*p)
    canvas.drawPath(path, stroke=1, fill=0)
    if draw_arrow:
        bx, by = tip[0] - ux * length, tip[1] - uy * length
        head = canvas.beginPath()
        head.moveTo(*tip)
        head.lineTo(bx - uy * half, by + ux * half)
        head.lineTo(bx + uy * half, by - ux * half)
        head.close()
        canvas.drawPath(head, stroke=0, fill=1)


TRACK = "#E4E4E4"   # the 0–100 % track behind a results bar
_SEGMENT_COLOURS = {"axis": theme.LINE, "tick": theme.LINE, "ci": theme.INK, "null": theme.MUTED, "grid": "#D9D9D9",
                    "margin": theme.INK}


def _segment(canvas: Any, m: _Mapper, seg: Segment) -> None:
    colour = theme.arm_colour(seg.arm) if seg.arm is not None else _SEGMENT_COLOURS.get(seg.role, theme.LINE)
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(m.d(seg.width))
    canvas.setDash([m.d(v) for v in seg.dash] if seg.dash else [])
    canvas.line(m.x(seg.x1), m.y(seg.y1), m.x(seg.x2), m.y(seg.y2))
    canvas.setDash([])


def _marker(canvas: Any, m: _Mapper, marker: Marker) -> None:
    colour = theme.arm_colour(marker.arm) if marker.arm is not None else theme.INK
    canvas.setFillColor(colour if marker.filled else theme.PAPER)
    canvas.setStrokeColor(theme.INK)
    canvas.setLineWidth(m.d(0.4 if marker.filled else 1.0))
    s = m.d(marker.size)
    canvas.rect(m.x(marker.x) - s / 2, m.y(marker.y) - s / 2, s, s, stroke=1, fill=1)


def _polygon(canvas: Any, m: _Mapper, polygon: Polygon) -> None:
    filled = polygon.role == "pooled"
    canvas.setFillColor(theme.INK)
    canvas.setStrokeColor(theme.INK)
    canvas.setLineWidth(m.d(0.6))
    canvas.setDash([])
    path = canvas.beginPath()
    path.moveTo(m.x(polygon.points[0][0]), m.y(polygon.points[0][1]))
    for x, y in polygon.points[1:]:
        path.lineTo(m.x(x), m.y(y))
    path.close()
    canvas.drawPath(path, stroke=1, fill=1 if filled else 0)
