"""Draw a ``layout.geometry.Diagram`` on a slide as native, editable PowerPoint shapes.

In:  a python-pptx shape collection, a ``Diagram`` (points, origin top-left),
     where to put it on the slide (points) and a uniform scale, a ``Look``.
Out: one group shape whose ``descr`` (alt text) is the diagram's alt text (its ``p:grpSp``).

* Boxes become rounded rectangles holding their pre-wrapped lines (one
  paragraph per ``TextLine``, exact line pitch 1.2 × size, centred vertically).
* Connectors become real connectors glued to the boxes' connection sites
  (``a:stCxn``/``a:endCxn``: 0 top, 1 left, 2 bottom, 3 right of a rounded
  rectangle) so they follow when a presenter moves a box: straight when the
  ends line up, else an elbow (``bentConnector2``/``3``, rotated 90° when the
  route leaves vertically) whose bend sits where the layout put it.
  Arrowheads are ``a:tailEnd type="triangle"``.
* Labels become text boxes; segments (axes, intervals, ticks) unglued straight
  lines; markers small squares.

Only the ``deck*`` modules and ``pptx_xml`` import python-pptx.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from pptx.dml.color import RGBColor
from pptx.util import Emu, Pt

from .. import theme
from ..layout.geometry import Box, Connector, Diagram, Label, Marker, Polygon, Segment, TextLine
from ..layout.text import LINE_HEIGHT
from . import pptx_xml

Coord = Callable[[float], float]     # layout points → slide points
SITE = {"top": 0, "left": 1, "bottom": 2, "right": 3}   # connection sites of a (rounded) rectangle


@dataclass(frozen=True)
class Look:
    """How to draw: ``font`` None means inherit the template's theme font."""

    font: str | None = "DejaVu Sans"


def emu(points: float) -> Emu:
    return Emu(round(points * 12700))


def rgb(hex_colour: str) -> RGBColor:
    from_string: Callable[[str], RGBColor] = RGBColor.from_string    # unannotated in python-pptx
    return from_string(hex_colour.lstrip("#"))


def draw_diagram(shapes: Any, diagram: Diagram, x0: float, y0: float, scale: float = 1.0, look: Look = Look(),
                 name: str | None = None) -> Any:
    """Draw ``diagram`` with its top-left corner at (``x0``, ``y0``) points; return the group (its ``p:grpSp``).

    The shapes are composed as XML text and parsed at once, with the ids python-pptx's ``add_group_shape`` and
    its "turbo add" give: the group the slide's first free id, its shapes one more than the largest each. A
    freeform (a polygon) is python-pptx's, and takes the first free id again."""

    def X(v: float) -> float:
        return x0 + v * scale

    def Y(v: float) -> float:
        return y0 + v * scale

    tree = shapes._spTree
    group_id, first = pptx_xml.group_ids(tree)
    ids = itertools.count(first)
    drawn: dict[str, int] = {}     # each box's shape id
    children = [_segment(next(ids), seg, X, Y, scale) for seg in diagram.segments]
    for box in diagram.boxes:
        drawn[box.id] = next(ids)
        children.append(_box(drawn[box.id], box, X, Y, scale, look))
    children += [_connector(next(ids), con, drawn, diagram, X, Y, scale) for con in diagram.connectors
                 if con.source in drawn and con.target in drawn]
    children += [_marker(next(ids), marker, X, Y, scale) for marker in diagram.markers]
    alt = diagram.alt_text or diagram.title or f"{diagram.kind} diagram"
    name = name or f"{diagram.kind.capitalize()} diagram"
    group = None
    if diagram.polygons:
        # A freeform is python-pptx's: the group is made before it, the labels (counted on again) after it.
        group = pptx_xml.group_shape(tree, group_id, name, alt, diagram.title, "".join(children))
        gshapes = shapes._shape_factory(group).shapes
        for polygon in diagram.polygons:
            _polygon(gshapes, polygon, X, Y, scale)
        ids = itertools.count(pptx_xml.next_shape_id(tree))
        children = []
    children += [_label(next(ids), label, X, Y, scale, look) for label in diagram.labels]
    if group is None:
        return pptx_xml.group_shape(tree, group_id, name, alt, diagram.title, "".join(children))
    if children:
        pptx_xml.add_shapes(group, children)
    pptx_xml.fit_group(group)
    return group


# --- boxes and labels -------------------------------------------------------

def _lines_xml(lines: tuple[TextLine, ...], scale: float, align: str, look: Look, colour: str = theme.INK) -> str:
    algn = pptx_xml.ALIGN.get(align, "ctr")
    return "".join(
        pptx_xml.paragraph_xml(algn, Pt(round(line.size * scale * LINE_HEIGHT, 2)),
                               runs=pptx_xml.run_xml(line.text, Pt(round(line.size * scale, 2)), line.bold, look.font,
                                                     colour))
        for line in lines)


def _bar(shape_id: int, box: Box, X: Coord, Y: Coord, scale: float) -> str:
    """A results bar (flat, in its arm's full colour) or the grey 0–100 % track behind it; no outline."""
    fill = (theme.arm_colour(box.arm) if box.role == "bar" and box.arm is not None
            else theme.MUTED if box.role == "bar" else theme.TRACK)
    return pptx_xml.flat_xml(shape_id, f"{box.role.capitalize()} {box.id}", emu(X(box.x)), emu(Y(box.y)),
                             emu(box.w * scale), emu(box.h * scale), fill)


def _box(shape_id: int, box: Box, X: Coord, Y: Coord, scale: float, look: Look) -> str:
    """A box: a rounded rectangle holding its lines, its outline in its arm's colour."""
    if box.role in ("track", "bar"):
        return _bar(shape_id, box, X, Y, scale)
    # Corner radius: a few points whatever the box size.
    short = max(min(box.w, box.h) * scale, 1.0)
    fill_hex = theme.role_fill(box.role, box.arm)
    if box.arm is not None:
        line, width = theme.arm_colour(box.arm), Pt(1.75 * scale)
    else:
        line, width = theme.RULE, Pt(max(theme.LINE_WIDTH, 1.0) * scale)
    # One point of slack each side: the lines were wrapped to w − 2·padding with the same font.
    inset = emu(max(box.padding * scale - 1.0, 0.0))
    colour = "#FFFFFF" if fill_hex == theme.ACCENT else theme.INK
    return pptx_xml.box_xml(shape_id, f"Box {box.id}", emu(X(box.x)), emu(Y(box.y)), emu(box.w * scale),
                            emu(box.h * scale), min(0.5, theme.CORNER_RADIUS * 2 * scale / short), fill_hex, line,
                            width, (inset, inset), _lines_xml(box.lines, scale, box.align, look, colour))


def _label(shape_id: int, label: Label, X: Coord, Y: Coord, scale: float, look: Look) -> str:
    height = sum(line.size * LINE_HEIGHT for line in label.lines) * scale
    colour = theme.MUTED if label.role in ("note", "tick", "favours") else theme.INK
    # Text boxes get a point of slack on each side (the layout measured the lines exactly).
    return pptx_xml.text_box_xml(shape_id, f"Label {label.id}", emu(X(label.x) - 1.0), emu(Y(label.y)),
                                 emu(label.w * scale + 2.0), emu(max(height, 1.0)),
                                 paragraphs=_lines_xml(label.lines, scale, label.align, look, colour))


# --- lines ---------------------------------------------------------------------

def _segment(shape_id: int, seg: Segment, X: Coord, Y: Coord, scale: float) -> str:
    """An unglued straight line (python-pptx's straight connector from its first point to its second)."""
    bx, by, ex, ey = emu(X(seg.x1)), emu(Y(seg.y1)), emu(X(seg.x2)), emu(Y(seg.y2))
    colour = theme.arm_colour(seg.arm) if seg.arm is not None else (theme.RULE if seg.role in ("null", "grid")
                                                                     else theme.LINE)
    width = seg.width * scale * (1.6 if seg.role == "ci" else 1.0)
    return pptx_xml.connector_xml(shape_id, f"Line {seg.role}", min(bx, ex), min(by, ey), abs(ex - bx),
                                  abs(ey - by), emu(width), colour, flip_h=bx > ex, flip_v=by > ey,
                                  dashed=bool(seg.dash) and seg.dash[0] >= 2,
                                  dotted=bool(seg.dash) and seg.dash[0] < 2)


def _marker(shape_id: int, marker: Marker, X: Coord, Y: Coord, scale: float) -> str:
    """A small square at an estimate: filled, or hollow for an estimate without its interval."""
    s = marker.size * scale
    colour = theme.arm_colour(marker.arm) if marker.arm is not None else theme.ACCENT
    fill, outline = (colour, None) if marker.filled else (theme.PAPER, (colour, Pt(1.5 * scale)))
    return pptx_xml.flat_xml(shape_id, f"Marker {marker.role}", emu(X(marker.x) - s / 2), emu(Y(marker.y) - s / 2),
                             emu(s), emu(s), fill, outline)


def _polygon(shapes: Any, polygon: Polygon, X: Coord, Y: Coord, scale: float) -> Any:
    """A freeform shape (e.g. the pooled diamond), filled dark, or outlined for a prediction interval."""
    (x0, y0), *rest = polygon.points
    builder = shapes.build_freeform(emu(X(x0)), emu(Y(y0)), scale=1.0)
    builder.add_line_segments([(emu(X(x)), emu(Y(y))) for x, y in rest], close=True)
    shape = builder.convert_to_shape()
    shape.name = f"Diamond {polygon.role}"
    if polygon.role == "pooled":
        shape.fill.solid()
        shape.fill.fore_color.rgb = rgb(theme.INK)
    else:
        shape.fill.background()
    shape.line.color.rgb = rgb(theme.INK)
    shape.line.width = Pt(0.75 * scale)
    _no_effects(shape)
    return shape


def _no_effects(shape: Any) -> None:
    """No shadow: an empty effect list and the style's effect reference set to none."""
    pptx_xml.no_effects(shape._element)


def _site_point(box: Box, side: str) -> tuple[float, float]:
    return box.anchor(side)  # type: ignore[arg-type]


def _connector(shape_id: int, con: Connector, drawn: dict[str, int], diagram: Diagram, X: Coord, Y: Coord,
               scale: float) -> str:
    """A connector glued at both ends; its route follows the layout's polyline where the ends allow."""
    src, dst = diagram.box(con.source), diagram.box(con.target)
    (bx, by), (ex, ey) = _site_point(src, con.source_side), _site_point(dst, con.target_side)
    bx, by, ex, ey = X(bx), Y(by), X(ex), Y(ey)
    vertical_start = con.source_side in ("top", "bottom")
    vertical_end = con.target_side in ("top", "bottom")
    dx, dy = ex - bx, ey - by
    pts = [(X(x), Y(y)) for x, y in con.points]

    if abs(dx) < 0.5 or abs(dy) < 0.5:
        prst, rot, adj = "straightConnector1", False, None
    elif vertical_start and vertical_end:
        prst, rot = "bentConnector3", True
        mids = [y for (_, y) in pts[1:-1]]
        mid = mids[0] if mids else (by + ey) / 2
        adj = min(max((mid - by) / dy, 0.0), 1.0)
    elif not vertical_start and not vertical_end:
        prst, rot = "bentConnector3", False
        mids = [x for (x, _) in pts[1:-1]]
        mid = mids[0] if mids else (bx + ex) / 2
        adj = min(max((mid - bx) / dx, 0.0), 1.0)
    else:
        prst, rot, adj = "bentConnector2", vertical_start, None

    ccx, ccy = (bx + ex) / 2, (by + ey) / 2
    if rot:
        # Rotated 90° clockwise: local x runs down the slide, local y runs leftwards.
        w, h = abs(dy), abs(dx)
        flip_h, flip_v = dy < 0, dx > 0
    else:
        w, h = abs(dx), abs(dy)
        flip_h, flip_v = dx < 0, dy < 0
    glue = ((drawn[con.source], SITE[con.source_side]), (drawn[con.target], SITE[con.target_side]))
    return pptx_xml.connector_xml(shape_id, f"Connector {con.id}", emu(ccx - w / 2), emu(ccy - h / 2), emu(w), emu(h),
                                  emu(max(theme.CONNECTOR_WIDTH, 1.25) * scale), theme.LINE, preset=prst, adjust=adj,
                                  rotate=rot, flip_h=flip_h, flip_v=flip_v, glue=glue, arrow=con.arrow)


# --- splitting a tall diagram over slides ------------------------------------------

def _label_height(label: Label) -> float:
    return sum(line.size * LINE_HEIGHT for line in label.lines)


def split_rows(diagram: Diagram, max_h: float) -> list[Diagram] | None:
    """``diagram`` cut between its rows of boxes into parts each at most ``max_h`` tall (each part's
    top at 0); a connector that crosses a cut is left out. None when one row alone is too tall."""
    cuts = row_cuts(diagram, max_h)
    return None if cuts is None else cut_at(diagram, cuts)


def row_cuts(diagram: Diagram, max_h: float) -> list[tuple[float, float]] | None:
    """Where ``split_rows`` cuts ``diagram``: the (top, bottom) of each part; None when one row alone is too
    tall."""
    # (top, bottom, heading): a row of labels only (a panel's heading) goes with the rows under it.
    # A forest's axis, its ticks and its "favours" line stay with the rows above them.
    spans = sorted([(b.y, b.y + b.h, False, False) for b in diagram.boxes] +
                   [(lb.y, lb.y + _label_height(lb), True, lb.role in ("tick", "favours")) for lb in diagram.labels] +
                   [(min(s.y1, s.y2), max(s.y1, s.y2), False, s.role in ("axis", "tick")) for s in diagram.segments])
    rows: list[list[Any]] = []
    for top, bottom, heading, attached in spans:
        if rows and (top < rows[-1][1] or attached):
            rows[-1][1] = max(rows[-1][1], bottom)
            rows[-1][2] = rows[-1][2] and heading
        else:
            rows.append([top, bottom, heading])
    if not rows or any(bottom - top > max_h for top, bottom, _ in rows):
        return None
    groups: list[list[list[Any]]] = []                   # the rows of each part
    for row in rows:
        if groups and row[1] - groups[-1][0][0] <= max_h:
            groups[-1].append(row)
        else:
            if groups and len(groups[-1]) > 1 and groups[-1][-1][2] and row[1] - groups[-1][-1][0] <= max_h:
                groups.append([groups[-1].pop(), row])
            else:
                groups.append([row])
    if len(groups) > 1:
        groups = _balanced(rows, len(groups), max_h) or groups    # as many parts, as even as the rows allow
    return [(g[0][0], g[-1][1]) for g in groups]


def cut_at(diagram: Diagram, cuts: list[tuple[float, float]]) -> list[Diagram]:
    """``diagram`` in the parts ``row_cuts`` found, each part's top at 0."""
    parts = []
    for k, (top, bottom) in enumerate(cuts):
        end = cuts[k + 1][0] if k + 1 < len(cuts) else float("inf")

        def inside(y: float, top: float = top, end: float = end) -> bool:
            return top - 0.01 <= y < end - 0.01

        boxes = tuple(replace(b, y=b.y - top) for b in diagram.boxes if inside(b.y))
        ids = {b.id for b in boxes}
        parts.append(replace(
            diagram, height=bottom - top, boxes=boxes,
            connectors=tuple(replace(c, points=tuple((x, y - top) for x, y in c.points))
                             for c in diagram.connectors if c.source in ids and c.target in ids),
            labels=tuple(replace(lb, y=lb.y - top) for lb in diagram.labels if inside(lb.y)),
            segments=tuple(replace(s, y1=s.y1 - top, y2=s.y2 - top) for s in diagram.segments
                           if inside(min(s.y1, s.y2))),
            markers=tuple(replace(m, y=m.y - top) for m in diagram.markers if inside(m.y)),
            polygons=tuple(replace(p, points=tuple((x, y - top) for x, y in p.points)) for p in diagram.polygons
                           if inside(min(y for _, y in p.points)))))
    return parts


def trailing_notes(diagram: Diagram) -> tuple[Diagram, list[str]]:
    """``diagram`` without the notes (labels of role "note") under everything else, and their text."""
    others = [b.y + b.h for b in diagram.boxes] + [max(s.y1, s.y2) for s in diagram.segments] + \
        [m.y + m.size / 2 for m in diagram.markers] + [max(y for _, y in p.points) for p in diagram.polygons] + \
        [lb.y + _label_height(lb) for lb in diagram.labels if lb.role != "note"]
    floor = max(others, default=0.0)
    under = [lb.role == "note" and lb.y >= floor - 0.01 for lb in diagram.labels]
    if not any(under):
        return diagram, []
    kept = tuple(lb for lb, out in zip(diagram.labels, under, strict=True) if not out)
    notes = [" ".join(line.text for line in lb.lines) for lb, out in zip(diagram.labels, under, strict=True) if out]
    return replace(diagram, labels=kept, height=floor), notes


def _balanced(rows: list[list[Any]], parts: int, max_h: float) -> list[list[list[Any]]] | None:
    """``rows`` ([top, bottom, heading]) in ``parts`` consecutive groups, the tallest as short as it can be,
    never cut just after a heading row (it goes with the rows under it); None when no such cut fits ``max_h``."""
    n = len(rows)
    inf = float("inf")
    # best[m][j]: the least tallest-group height for rows[:j] in m groups; back[m][j]: where the last one starts
    best = [[inf] * (n + 1) for _ in range(parts + 1)]
    back = [[0] * (n + 1) for _ in range(parts + 1)]
    best[0][0] = 0.0
    for m in range(1, parts + 1):
        for j in range(1, n + 1):
            for i in range(m - 1, j):
                if best[m - 1][i] == inf or (i and rows[i - 1][2]):
                    continue
                h = rows[j - 1][1] - rows[i][0]
                if h > max_h:
                    continue
                tallest = max(best[m - 1][i], h)
                if tallest < best[m][j] - 1e-9:
                    best[m][j], back[m][j] = tallest, i
    if best[parts][n] == inf:
        return None
    groups: list[list[list[Any]]] = []
    j = n
    for m in range(parts, 0, -1):
        i = back[m][j]
        groups.insert(0, rows[i:j])
        j = i
    return groups
