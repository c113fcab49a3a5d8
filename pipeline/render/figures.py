"""The figures (a trial's design, flow and forest; a review's PRISMA, forest plots and risk-of-bias grid)
as SVG and PNG, drawn with matplotlib from layout geometry.

In:  the record's diagrams as named ``layout.geometry.DiagramSource``s (``layout.figures``: the same the
     deck draws) and the formats wanted (svg, png).
Out: file bytes: ``render_figures`` lays each source marked ``figure`` out at figure size (``FIGURE_WIDTH``
     wide, at most ``FIGURE_HEIGHT`` tall or ``LONG_FIGURE_HEIGHT`` for a ``long`` one; text from
     ``FIGURE_SIZE`` down to ``FIGURE_MIN_SIZE``) and gives "<name>.svg" and/or "<name>.png" for each that
     has something to draw; ``draw_diagram_to_matplotlib`` one ``Diagram`` in one format.

This is the only module that imports matplotlib, and it uses the object API
(``Figure`` + the Agg/SVG canvases), never pyplot, so no GUI backend and no
global figure state. The geometry is laid out at the figure's own size in
points (7.5 in wide, as tall as the content), so one diagram point is one
figure point and text sizes are true. Text is DejaVu Sans — the font the
layout measured — kept as text in SVG (``svg.fonttype: none``). Output is
reproducible byte for byte: fixed SVG hash salt, no dates or software names in
the metadata. PNGs are 300 dpi (pHYs).

Drawing conventions (shared with the other renderers): a box's lines form one
block centred vertically in the box, each line's glyph box centred in its
line pitch (``text.line_height``); horizontal alignment is ``Box.align`` inside
``Box.padding``; a ``Label``'s first line starts at ``Label.y``. Connectors are
drawn through their points with a filled arrowhead whose tip is the last point.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

import matplotlib
import numpy as np
import numpy.typing as npt
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Polygon, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Affine2D

from .. import theme
from ..errors import RenderError
from ..fonts import FAMILY
from ..layout.geometry import Box, Connector, Diagram, DiagramSource, Marker, Segment, TextLine
from ..layout.geometry import Polygon as Shape
from ..layout.text import baseline_offset, line_height

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

FORMATS = ("svg", "png")
MARGIN = 4.0            # points of white around the geometry, so edge strokes are not clipped
DPI = 300
ARROW_LENGTH = 5.0
ARROW_HALF_WIDTH = 2.2
SVG_SALT = "evidence-brief"
FIGURE_WIDTH = 7.5 * 72 - 2 * MARGIN          # the figure is 7.5 in wide
FIGURE_HEIGHT = 9.0 * 72 - 2 * MARGIN         # at most 9 in tall
LONG_FIGURE_HEIGHT = 24.0 * 72 - 2 * MARGIN   # a forest or grid of many studies: up to 24 in
FIGURE_SIZE, FIGURE_MIN_SIZE = 9.0, 7.0

RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FAMILY],
    "svg.fonttype": "none",
    "text.parse_math": False,       # a record's "$50 then $25" is text, never mathtext
    "svg.hashsalt": SVG_SALT,
    "path.simplify": False,
    "text.antialiased": True,
    "lines.scale_dashes": False,
    "figure.dpi": 72,
    "savefig.dpi": DPI,
}

TEXT_COLOURS = {"tick": theme.MUTED, "favours": theme.INK, "note": theme.MUTED}


def render_figures(figures: Mapping[str, DiagramSource], formats: Sequence[str] = ("svg",)) -> dict[str, bytes]:
    """Each figure as "<name>.svg" and/or "<name>.png", as ``formats`` asks."""
    out: dict[str, bytes] = {}
    wanted = tuple(dict.fromkeys(formats))
    for name, diagram in figure_diagrams(figures).items():
        # One matplotlib figure per diagram, saved in each format (building the artists is a good part of the cost).
        for fmt, data in zip(wanted, _draw(diagram, wanted), strict=True):
            out[f"{name}.{fmt}"] = data
    return out


def figure_diagrams(figures: Mapping[str, DiagramSource]) -> dict[str, Diagram]:
    """The geometry of each figure, laid out at figure size; a source with nothing to draw is left out."""
    out: dict[str, Diagram] = {}
    for name, source in figures.items():
        if not source.figure:
            continue
        height = LONG_FIGURE_HEIGHT if source.long else FIGURE_HEIGHT
        diagram = source.make(FIGURE_WIDTH, height, FIGURE_SIZE, FIGURE_MIN_SIZE)
        if diagram is not None:
            out[name] = diagram
    return out


def draw_diagram_to_matplotlib(diagram: Diagram, fmt: str = "png", dpi: int = DPI) -> bytes:
    """``diagram`` drawn at its own size (1 unit = 1 pt) as SVG or PNG bytes."""
    return _draw(diagram, (fmt,), dpi)[0]


def _draw(diagram: Diagram, formats: Sequence[str], dpi: int = DPI) -> list[bytes]:
    """``diagram`` as one figure saved in each of ``formats`` (png, svg), in that order."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise RenderError(f"figures: unknown format {fmt!r} (png or svg)")
    out: list[bytes] = []
    with matplotlib.rc_context(RC):
        fig = _figure(diagram)
        try:
            for fmt in formats:
                buffer = io.BytesIO()
                if fmt == "svg":
                    FigureCanvasSVG(fig)
                    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
                else:
                    canvas = _PngCanvas(fig)
                    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
                    # Let go of the pixel buffer (tens of MB at 300 dpi) now, not when the garbage
                    # collector gets round to the figure's reference cycles.
                    canvas.renderer = None
                    canvas._lastKey = None
                out.append(buffer.getvalue())
        finally:
            fig.clear()
    return out


class _PngCanvas(FigureCanvasAgg):
    """The Agg canvas with ``encode_png`` as its PNG writer (the same pixels, several times faster than PIL)."""

    def print_png(self, filename_or_obj: IO[bytes], *, metadata: dict[str, str | None] | None = None,
                  pil_kwargs: object = None, **_ignored: object) -> None:
        FigureCanvasAgg.draw(self)  # type: ignore[no-untyped-call]  # matplotlib's own method, untyped
        rgba = np.asarray(self.buffer_rgba())  # type: ignore[no-untyped-call]
        filename_or_obj.write(encode_png(rgba, self.figure.dpi, metadata))


PNG_STRIP = 128   # rows filtered and compressed at a time: bounded extra memory


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def encode_png(rgba: npt.NDArray[np.uint8], dpi: float, metadata: dict[str, str | None] | None = None,
               level: int = 1) -> bytes:
    """PNG bytes (RGBA, 8 bits) of an (h, w, 4) uint8 image, with a pHYs chunk for ``dpi``.

    Every row uses the "Up" filter (each byte minus the one above) and zlib ``level`` 1: for line art
    and text on white the filtered rows are mostly zeros, so this is about as small as PIL's adaptive
    filtering at a third of the time. Rows are filtered and compressed ``PNG_STRIP`` at a time.
    ``metadata`` entries that are not None become tEXt chunks (latin-1).
    """
    h, w, _ = rgba.shape
    flat = np.ascontiguousarray(rgba).reshape(h, w * 4)
    comp = zlib.compressobj(level)
    data = []
    raw = np.empty((min(PNG_STRIP, h), w * 4 + 1), np.uint8)
    raw[:, 0] = 2                                               # filter type Up on every row
    for y0 in range(0, h, PNG_STRIP):
        rows = flat[y0:y0 + PNG_STRIP]
        n = len(rows)
        out = raw[:n]
        np.subtract(rows[1:], rows[:-1], out=out[1:, 1:])       # uint8 arithmetic wraps modulo 256
        if y0 == 0:
            out[0, 1:] = rows[0]                                # above the first row: zeros
        else:
            np.subtract(rows[0], flat[y0 - 1], out=out[0, 1:])
        data.append(comp.compress(out.data))
    data.append(comp.flush())
    ppm = int(dpi / 0.0254 + 0.5)
    chunks = [b"\x89PNG\r\n\x1a\n",
              _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)),
              _chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))]
    for key, value in (metadata or {}).items():
        if value is not None:
            chunks.append(_chunk(b"tEXt", key.encode("latin-1") + b"\0" + str(value).encode("latin-1")))
    chunks += [_chunk(b"IDAT", b"".join(data)), _chunk(b"IEND", b"")]
    return b"".join(chunks)


# ---------------------------------------------------------------------------

def _figure(diagram: Diagram) -> Figure:
    w, h = diagram.width + 2 * MARGIN, diagram.height + 2 * MARGIN
    fig = Figure(figsize=(w / 72, h / 72), dpi=72, facecolor=theme.PAPER)
    ax = _Page(fig, h)
    for seg in diagram.segments:
        _segment(ax, seg)
    for box in diagram.boxes:
        _box(ax, box)
    for conn in diagram.connectors:
        _connector(ax, conn)
    for marker in diagram.markers:
        _marker(ax, marker)
    for shape in diagram.polygons:
        _polygon(ax, shape)
    for label in diagram.labels:
        _text_block(ax, label.lines, label.x, label.y, label.w, label.align, TEXT_COLOURS.get(label.role, theme.INK))
    return fig


class _Page:
    """Draws on the figure itself in the diagram's coordinates (points, y down, ``MARGIN`` in from the
    edges). No Axes: its spines, ticks, limits and clipping draw nothing here and cost about a quarter
    of an SVG figure."""

    def __init__(self, fig: Figure, height: float):
        self.fig = fig
        self.transform = (Affine2D().translate(MARGIN, MARGIN).scale(1 / 72, -1 / 72).translate(0, height / 72)
                          + fig.dpi_scale_trans)

    def add_artist(self, artist: Artist) -> None:
        artist.set_transform(self.transform)
        self.fig.add_artist(artist)

    def text(self, x: float, y: float, text: str, **style: Any) -> None:
        artist = _Line(x, y, text, transform=self.transform, **style)
        artist.set_figure(self.fig)
        self.fig.texts.append(artist)


class _Line(Text):
    """One line of text at a baseline anchor. In SVG it is written at its anchor with its alignment as
    ``text-anchor``, so matplotlib's text layout (measuring every string with FreeType, about half of
    an SVG figure's time) is skipped; the SVG is the same. PNG draws it as any ``Text``."""

    def draw(self, renderer: Any) -> None:
        inner = getattr(renderer, "_renderer", renderer)   # savefig wraps the SVG renderer in a MixedModeRenderer
        if not isinstance(inner, RendererSVG) or not self.get_visible() or "\n" in self.get_text():
            super().draw(renderer)
            return
        if not self.get_text():
            return
        renderer.open_group("text", self.get_gid())
        x, y = self.get_transform().transform(self.get_unitless_position())
        gc = renderer.new_gc()
        gc.set_foreground(to_rgba(self.get_color()), isRGBA=True)
        gc.set_alpha(self.get_alpha())
        gc.set_url(self.get_url())
        gc.set_antialiased(self.get_antialiased())
        gc.set_snap(self.get_snap())
        renderer.draw_text(gc, x, renderer.get_canvas_width_height()[1] - y, self.get_text(),
                           self.get_fontproperties(), self.get_rotation(), ismath=False, mtext=self)
        gc.restore()
        renderer.close_group("text")
        self.stale = False


def _box(ax: _Page, box: Box) -> None:
    fill = theme.role_fill(box.role, box.arm)
    edge = theme.arm_colour(box.arm) if box.arm is not None else theme.RULE
    width = 1.2 if box.arm is not None else theme.LINE_WIDTH
    radius = min(theme.CORNER_RADIUS, box.w / 2, box.h / 2)
    ax.add_artist(FancyBboxPatch((box.x, box.y), box.w, box.h, boxstyle=f"round,pad=0,rounding_size={radius}",
                                facecolor=fill, edgecolor=edge, linewidth=width, joinstyle="round"))
    colour = theme.PAPER if box.role == "phase" else theme.INK
    text_h = sum(line_height(line.size) for line in box.lines)
    top = box.y + (box.h - text_h) / 2
    _text_block(ax, box.lines, box.x + box.padding, top, box.w - 2 * box.padding, box.align, colour)


def _text_block(ax: _Page, lines: tuple[TextLine, ...], x: float, top: float, w: float, align: str,
                colour: str) -> None:
    y = top
    for line in lines:
        if line.text:
            tx = {"left": x, "center": x + w / 2, "right": x + w}[align]
            ax.text(tx, y + baseline_offset(line.size, line_height(line.size)), line.text, fontsize=line.size,
                    fontweight="bold" if line.bold else "normal", color=colour, ha=align, va="baseline",
                    fontfamily=FAMILY, parse_math=False)
        y += line_height(line.size)


def _connector(ax: _Page, conn: Connector) -> None:
    points = list(conn.points)
    if len(points) < 2:
        return
    if conn.arrow:
        (x0, y0), (x1, y1) = points[-2], points[-1]
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        if length > 0:
            ux, uy = (x1 - x0) / length, (y1 - y0) / length
            head = min(ARROW_LENGTH, length * 0.8)
            bx, by = x1 - ux * head * 0.9, y1 - uy * head * 0.9
            points[-1] = (bx, by)
            hw = ARROW_HALF_WIDTH * head / ARROW_LENGTH
            tail_x, tail_y = x1 - ux * head, y1 - uy * head
            head_points = [(x1, y1), (tail_x - uy * hw, tail_y + ux * hw), (tail_x + uy * hw, tail_y - ux * hw)]
            ax.add_artist(Polygon(head_points, closed=True, facecolor=theme.LINE, edgecolor="none", zorder=3))
    xs, ys = zip(*points, strict=True)
    ax.add_artist(Line2D(xs, ys, color=theme.LINE, linewidth=theme.CONNECTOR_WIDTH, solid_joinstyle="miter",
                       solid_capstyle="butt", zorder=2))


SEGMENT_COLOURS = {"ci": theme.INK, "null": theme.MUTED, "axis": theme.LINE, "tick": theme.LINE, "grid": "#D0D0D0",
                   "margin": theme.INK}


def _segment(ax: _Page, seg: Segment) -> None:
    colour = theme.arm_colour(seg.arm) if seg.arm is not None else SEGMENT_COLOURS.get(seg.role, theme.LINE)
    line = Line2D((seg.x1, seg.x2), (seg.y1, seg.y2), color=colour, linewidth=seg.width, solid_capstyle="butt",
                  zorder=1)
    if seg.dash:
        line.set_dashes(seg.dash)
    ax.add_artist(line)


def _marker(ax: _Page, marker: Marker) -> None:
    colour = theme.arm_colour(marker.arm) if marker.arm is not None else theme.INK
    half = marker.size / 2
    ax.add_artist(Rectangle((marker.x - half, marker.y - half), marker.size, marker.size,
                           facecolor=colour if marker.filled else theme.PAPER,
                           edgecolor="none" if marker.filled else colour, linewidth=1.0, zorder=4))


def _polygon(ax: _Page, shape: Shape) -> None:
    filled = shape.role == "pooled"
    ax.add_artist(Polygon(list(shape.points), closed=True, facecolor=theme.INK if filled else "none",
                          edgecolor=theme.INK, linewidth=0.6, zorder=4))
