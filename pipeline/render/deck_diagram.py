"""Draw a ``layout.geometry.Diagram`` on a slide as native, editable PowerPoint shapes.

In:  a python-pptx shape collection, a ``Diagram`` (points, origin top-left),
     where to put it on the slide (points) and a uniform scale, a ``Look``.
Out: one group shape whose ``descr`` (alt text) is the diagram's alt text.

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

Only this module and ``deck`` import python-pptx.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from .. import theme
from ..layout.geometry import Box, Connector, Diagram, Label, Marker, Polygon, Segment, TextLine
from ..layout.text import LINE_HEIGHT

SITE = {"top": 0, "left": 1, "bottom": 2, "right": 3}   # connection sites of a (rounded) rectangle
_ALIGN = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}


@dataclass(frozen=True)
class Look:
    """How to draw: ``font`` None means inherit the template's theme font."""

    font: str | None = "DejaVu Sans"


def emu(points: float) -> Emu:
    return Emu(int(round(points * 12700)))


def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#"))


def draw_diagram(shapes, diagram: Diagram, x0: float, y0: float, scale: float = 1.0, look: Look = Look(),
                 name: str | None = None):
    """Draw ``diagram`` with its top-left corner at (``x0``, ``y0``) points; return the group shape."""
    group = shapes.add_group_shape()
    group.name = name or f"{diagram.kind.capitalize()} diagram"
    gshapes = group.shapes
    # python-pptx recomputes the group's extents over all its children after every shape added
    # (quadratic in the number of shapes); the extents depend only on the final children, so
    # recompute them once at the end instead.
    gshapes._recalculate_extents = lambda: None

    def X(v: float) -> float:
        return x0 + v * scale

    def Y(v: float) -> float:
        return y0 + v * scale

    drawn: dict[str, object] = {}
    for seg in diagram.segments:
        _segment(gshapes, seg, X, Y, scale)
    for box in diagram.boxes:
        drawn[box.id] = _box(gshapes, box, X, Y, scale, look)
    for con in diagram.connectors:
        if con.source in drawn and con.target in drawn:
            _connector(gshapes, con, drawn, diagram, X, Y, scale)
    for marker in diagram.markers:
        _marker(gshapes, marker, X, Y, scale)
    for polygon in diagram.polygons:
        _polygon(gshapes, polygon, X, Y, scale)
    for label in diagram.labels:
        _label(gshapes, label, X, Y, scale, look)
    del gshapes._recalculate_extents
    group._element.recalculate_extents()

    alt = diagram.alt_text or diagram.title or f"{diagram.kind} diagram"
    c_nv_pr = group._element.nvGrpSpPr.cNvPr
    c_nv_pr.set("descr", alt)
    if diagram.title:
        c_nv_pr.set("title", diagram.title)
    return group


# --- boxes and labels -------------------------------------------------------

def _fill_lines(text_frame, lines: tuple[TextLine, ...], scale: float, align: str, look: Look,
                colour: str = theme.INK) -> None:
    text_frame.clear()
    for i, line in enumerate(lines):
        p = text_frame.paragraphs[0] if i == 0 else text_frame.add_paragraph()
        p.alignment = _ALIGN.get(align, PP_ALIGN.CENTER)
        size = line.size * scale
        p.line_spacing = Pt(round(size * LINE_HEIGHT, 2))
        run = p.add_run()
        run.text = line.text
        font = run.font
        font.size = Pt(round(size, 2))
        font.bold = line.bold
        if look.font:
            font.name = look.font
        font.color.rgb = rgb(colour)


def _frame_insets(text_frame, left: float, right: float, top: float, bottom: float) -> None:
    text_frame.margin_left, text_frame.margin_right = emu(left), emu(right)
    text_frame.margin_top, text_frame.margin_bottom = emu(top), emu(bottom)


def _no_autofit(text_frame) -> None:
    body_pr = text_frame._txBody.bodyPr
    for tag in ("a:spAutoFit", "a:normAutofit", "a:noAutofit"):
        for el in body_pr.findall(qn(tag)):
            body_pr.remove(el)
    etree.SubElement(body_pr, qn("a:noAutofit"))


def _box(shapes, box: Box, X, Y, scale: float, look: Look):
    shape = shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, emu(X(box.x)), emu(Y(box.y)),
                             emu(box.w * scale), emu(box.h * scale))
    shape.name = f"Box {box.id}"
    # Corner radius: a few points whatever the box size.
    short = max(min(box.w, box.h) * scale, 1.0)
    shape.adjustments[0] = min(0.5, theme.CORNER_RADIUS * 2 * scale / short)
    fill_hex = theme.role_fill(box.role, box.arm)
    shape.fill.solid()
    shape.fill.fore_color.rgb = rgb(fill_hex)
    line = shape.line
    if box.arm is not None:
        line.color.rgb = rgb(theme.arm_colour(box.arm))
        line.width = Pt(1.75 * scale)
    else:
        line.color.rgb = rgb(theme.RULE)
        line.width = Pt(max(theme.LINE_WIDTH, 1.0) * scale)
    _no_effects(shape)
    tf = shape.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.MIDDLE
    pad = box.padding * scale
    # One point of slack each side: the lines were wrapped to w − 2·padding with the same font.
    _frame_insets(tf, max(pad - 1.0, 0.0), max(pad - 1.0, 0.0), 0.0, 0.0)
    _no_autofit(tf)
    colour = "#FFFFFF" if fill_hex == theme.ACCENT else theme.INK
    _fill_lines(tf, box.lines, scale, box.align, look, colour)
    return shape


def _label(shapes, label: Label, X, Y, scale: float, look: Look):
    height = sum(line.size * LINE_HEIGHT for line in label.lines) * scale
    # Text boxes get a point of slack on each side (the layout measured the lines exactly).
    shape = shapes.add_textbox(emu(X(label.x) - 1.0), emu(Y(label.y)), emu(label.w * scale + 2.0),
                               emu(max(height, 1.0)))
    shape.name = f"Label {label.id}"
    tf = shape.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.TOP
    _frame_insets(tf, 0.0, 0.0, 0.0, 0.0)
    _no_autofit(tf)
    colour = theme.MUTED if label.role in ("note", "tick", "favours") else theme.INK
    _fill_lines(tf, label.lines, scale, label.align, look, colour)
    return shape


# --- lines ---------------------------------------------------------------------

def _line_style(ln_parent, width: float, colour: str, dash: tuple[float, ...] = (), arrow: bool = False) -> None:
    """Write ``a:ln`` on a connector's spPr: width, colour, dash, optional triangle arrowhead at the end."""
    sp_pr = ln_parent.spPr
    for el in sp_pr.findall(qn("a:ln")):
        sp_pr.remove(el)
    ln = etree.SubElement(sp_pr, qn("a:ln"), w=str(int(round(width * 12700))))
    fill = etree.SubElement(ln, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=colour.lstrip("#").upper())
    if dash:
        etree.SubElement(ln, qn("a:prstDash"), val="dash" if dash[0] >= 2 else "sysDot")
    etree.SubElement(ln, qn("a:round"))
    if arrow:
        etree.SubElement(ln, qn("a:tailEnd"), type="triangle", w="med", len="med")


def _segment(shapes, seg: Segment, X, Y, scale: float):
    line = shapes.add_connector(MSO_CONNECTOR.STRAIGHT, emu(X(seg.x1)), emu(Y(seg.y1)), emu(X(seg.x2)), emu(Y(seg.y2)))
    line.name = f"Line {seg.role}"
    colour = theme.arm_colour(seg.arm) if seg.arm is not None else (theme.RULE if seg.role in ("null", "grid")
                                                                     else theme.LINE)
    width = seg.width * scale * (1.6 if seg.role == "ci" else 1.0)
    _line_style(line._element, width, colour, seg.dash)
    return line


def _marker(shapes, marker: Marker, X, Y, scale: float):
    s = marker.size * scale
    shape = shapes.add_shape(MSO_SHAPE.RECTANGLE, emu(X(marker.x) - s / 2), emu(Y(marker.y) - s / 2), emu(s), emu(s))
    shape.name = f"Marker {marker.role}"
    colour = rgb(theme.arm_colour(marker.arm) if marker.arm is not None else theme.ACCENT)
    shape.fill.solid()
    if marker.filled:
        shape.fill.fore_color.rgb = colour
        shape.line.fill.background()
    else:   # an estimate without its interval: hollow
        shape.fill.fore_color.rgb = rgb(theme.PAPER)
        shape.line.color.rgb = colour
        shape.line.width = Pt(1.5 * scale)
    _no_effects(shape)
    return shape


def _polygon(shapes, polygon: Polygon, X, Y, scale: float):
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


def _no_effects(shape) -> None:
    """No shadow: an empty effect list and the style's effect reference set to none."""
    shape.shadow.inherit = False
    style = shape._element.find(qn("p:style"))
    if style is not None:
        ref = style.find(qn("a:effectRef"))
        if ref is not None:
            ref.set("idx", "0")


def _site_point(box: Box, side: str) -> tuple[float, float]:
    return box.anchor(side)  # type: ignore[arg-type]


def _connector(shapes, con: Connector, drawn: dict, diagram: Diagram, X, Y, scale: float):
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

    cx = shapes.add_connector(MSO_CONNECTOR.STRAIGHT, emu(bx), emu(by), emu(ex), emu(ey))
    cx.name = f"Connector {con.id}"
    el = cx._element
    # Geometry: preset, flips, rotation, adjust value.
    geom = el.spPr.find(qn("a:prstGeom"))
    geom.set("prst", prst)
    for child in list(geom):
        geom.remove(child)
    av = etree.SubElement(geom, qn("a:avLst"))
    if adj is not None and abs(adj - 0.5) > 1e-6:
        etree.SubElement(av, qn("a:gd"), name="adj1", fmla=f"val {int(round(adj * 100000))}")
    xfrm = el.spPr.find(qn("a:xfrm"))
    for attr in ("rot", "flipH", "flipV"):
        if attr in xfrm.attrib:
            del xfrm.attrib[attr]
    ccx, ccy = (bx + ex) / 2, (by + ey) / 2
    if rot:
        # Rotated 90° clockwise: local x runs down the slide, local y runs leftwards.
        w, h = abs(dy), abs(dx)
        xfrm.set("rot", "5400000")
        if dy < 0:
            xfrm.set("flipH", "1")
        if dx > 0:
            xfrm.set("flipV", "1")
    else:
        w, h = abs(dx), abs(dy)
        if dx < 0:
            xfrm.set("flipH", "1")
        if dy < 0:
            xfrm.set("flipV", "1")
    off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
    off.set("x", str(int(round((ccx - w / 2) * 12700))))
    off.set("y", str(int(round((ccy - h / 2) * 12700))))
    ext.set("cx", str(int(round(w * 12700))))
    ext.set("cy", str(int(round(h * 12700))))
    # Glue both ends to the boxes.
    c_nv = el.nvCxnSpPr.cNvCxnSpPr
    for tag in ("a:stCxn", "a:endCxn"):
        for old in c_nv.findall(qn(tag)):
            c_nv.remove(old)
    etree.SubElement(c_nv, qn("a:stCxn"), id=str(drawn[con.source].shape_id), idx=str(SITE[con.source_side]))
    etree.SubElement(c_nv, qn("a:endCxn"), id=str(drawn[con.target].shape_id), idx=str(SITE[con.target_side]))
    _line_style(el, max(theme.CONNECTOR_WIDTH, 1.25) * scale, theme.LINE, arrow=con.arrow)
    return cx
