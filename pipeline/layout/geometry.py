"""The shapes every backend draws: boxes, connectors and free labels, in points.

In:  nothing (plain data types). Out: frozen dataclasses that layout modules
build and renderers draw. Origin top-left, y down, units points. A renderer
maps the diagram's (0, 0)–(width, height) onto its own frame, scaling
uniformly, and never re-wraps text: ``TextLine`` already holds each line and
its size.

Style roles (``Box.role``) name what a box is, not how it looks; the theme
(``pipeline.theme``) maps a role and an arm index to colours and weights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Side = Literal["top", "bottom", "left", "right"]
Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class TextLine:
    text: str
    size: float
    bold: bool = False


@dataclass(frozen=True)
class Placed:
    """What boxes and free labels share: an id, the top-left corner (x, y) and the width."""

    id: str
    x: float
    y: float
    w: float


@dataclass(frozen=True)
class Box(Placed):
    h: float
    lines: tuple[TextLine, ...]
    role: str = "step"          # e.g. population, randomization, arm, followup, outcome, flow, exclusion
    arm: int | None = None      # index into study.arms, for arm colours
    align: Align = "center"
    padding: float = 4.0

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def anchor(self, side: Side) -> tuple[float, float]:
        """Midpoint of one edge."""
        if side == "top":
            return self.x + self.w / 2, self.y
        if side == "bottom":
            return self.x + self.w / 2, self.bottom
        if side == "left":
            return self.x, self.y + self.h / 2
        if side == "right":
            return self.right, self.y + self.h / 2
        raise KeyError(side)


@dataclass(frozen=True)
class Connector:
    """A line from one box edge to another, drawn through ``points`` (first and last on the edges)."""

    id: str
    source: str
    target: str
    source_side: Side
    target_side: Side
    points: tuple[tuple[float, float], ...]
    arrow: bool = True


@dataclass(frozen=True)
class Label(Placed):
    """Free text not in a box (e.g. a phase name beside the diagram)."""

    lines: tuple[TextLine, ...]
    align: Align = "left"
    role: str = "label"


@dataclass(frozen=True)
class Segment:
    """A plain line (axes, ticks, confidence intervals, the line of no effect)."""

    x1: float
    y1: float
    x2: float
    y2: float
    role: str = "axis"          # axis, tick, ci, null, grid
    width: float = 0.8
    dash: tuple[float, ...] = ()
    arm: int | None = None


@dataclass(frozen=True)
class Marker:
    """A square (point estimate) centred on (x, y), ``size`` points wide; hollow (``filled`` False) for an
    estimate whose interval is not reported."""

    x: float
    y: float
    size: float
    role: str = "estimate"
    arm: int | None = None
    filled: bool = True


@dataclass(frozen=True)
class Polygon:
    """A closed, filled shape through ``points`` (e.g. the pooled diamond of a forest plot)."""

    points: tuple[tuple[float, float], ...]
    role: str = "pooled"        # pooled (filled dark), prediction (outline only)


@dataclass(frozen=True)
class Diagram:
    kind: str                     # design, flow, forest
    width: float
    height: float
    boxes: tuple[Box, ...]
    connectors: tuple[Connector, ...] = ()
    labels: tuple[Label, ...] = ()
    segments: tuple[Segment, ...] = ()
    markers: tuple[Marker, ...] = ()
    polygons: tuple[Polygon, ...] = ()
    alt_text: str = ""
    title: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def box(self, box_id: str) -> Box:
        return next(b for b in self.boxes if b.id == box_id)


@dataclass(frozen=True)
class DiagramSource:
    """A diagram a renderer lays out at the size it chooses, and the diagram's text alternative.

    ``make(width, height, base_size, min_size)`` returns the ``Diagram`` (``None`` when there is
    nothing to draw) or raises ``LayoutError`` when it cannot fit. Built by ``layout.figures`` from
    the record, so a renderer draws it without ever seeing the record. ``long``: its rows may run
    longer than a page (a forest or grid of many studies); ``figure``: it is also a figure file
    (False for a slide's own graphic)."""

    make: Callable[[float, float, float, float], Diagram | None]
    alt: str = ""
    long: bool = False
    figure: bool = True
