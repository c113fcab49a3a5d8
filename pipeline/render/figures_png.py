"""One diagram as a PNG (300 dpi by default), drawn with matplotlib: the figures made only on request.

In:  a ``layout.geometry.Diagram`` and a resolution.
Out: ``png_bytes``: RGBA PNG bytes with a pHYs chunk for the resolution and no software name, the page
     ``figure_shapes.page_size`` points at that resolution, the shapes of ``figure_shapes.shapes``
     painted in their order; ``encode_png`` the PNG writer.

This is the only module that imports matplotlib (slow to import: a build that makes no PNG never loads
it), and it uses the object API (``Figure`` + the Agg canvas), never pyplot, so no GUI backend and no
global figure state. One figure point is one diagram point, so text sizes are true; text is DejaVu Sans,
the font the layout measured.
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import IO, TYPE_CHECKING, Any

import matplotlib
import numpy as np
import numpy.typing as npt
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Polygon
from matplotlib.text import Text as TextArtist
from matplotlib.transforms import Affine2D

from .. import theme
from ..fonts import FAMILY
from ..layout.geometry import Diagram
from .figure_shapes import Path, RoundedBox, Shape, Text, page_size, shapes

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FAMILY],
    "text.parse_math": False,       # a record's "$50 then $25" is text, never mathtext
    "path.simplify": False,
    "text.antialiased": True,
    "lines.scale_dashes": False,
    "figure.dpi": 72,
}


def png_bytes(diagram: Diagram, dpi: int) -> bytes:
    """``diagram`` drawn at its own size (1 unit = 1 pt) as PNG bytes at ``dpi``."""
    with matplotlib.rc_context(RC):
        fig = _figure(diagram)
        try:
            buffer = io.BytesIO()
            canvas = _PngCanvas(fig)
            fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
            # Let go of the pixel buffer (tens of MB at 300 dpi) now, not when the garbage
            # collector gets round to the figure's reference cycles.
            canvas.renderer = None
            canvas._lastKey = None
            return buffer.getvalue()
        finally:
            fig.clear()


def _figure(diagram: Diagram) -> Figure:
    """A figure the page's size with every shape on it, in painting order (one z-order for all, so
    matplotlib's stable sort keeps the order they are added in)."""
    w, h = page_size(diagram)
    fig = Figure(figsize=(w / 72, h / 72), dpi=72, facecolor=theme.PAPER)
    # Page coordinates are points from the top-left, y down; the figure's are inches from the bottom-left.
    transform = Affine2D().scale(1 / 72, -1 / 72).translate(0, h / 72) + fig.dpi_scale_trans
    for shape in shapes(diagram):
        artist = _artist(shape)
        artist.set_transform(transform)
        artist.set_zorder(1)
        fig.add_artist(artist)
    return fig


def _artist(shape: Shape) -> Artist:
    if isinstance(shape, Text):
        return TextArtist(shape.x, shape.y, shape.line.text, fontsize=shape.line.size, color=shape.colour,
                          fontweight="bold" if shape.line.bold else "normal", ha=shape.align, va="baseline",
                          fontfamily=FAMILY, parse_math=False)
    if isinstance(shape, RoundedBox):
        return FancyBboxPatch((shape.x, shape.y), shape.w, shape.h,
                              boxstyle=f"round,pad=0,rounding_size={shape.radius}", facecolor=shape.fill,
                              edgecolor=shape.stroke, linewidth=shape.width, joinstyle="round")
    return _path(shape)


def _path(path: Path) -> Artist:
    if path.closed:
        return Polygon(list(path.points), closed=True, facecolor=path.fill or "none",
                       edgecolor=path.stroke or "none", linewidth=path.width, joinstyle=path.join)
    xs, ys = zip(*path.points, strict=True)
    line = Line2D(xs, ys, color=path.stroke, linewidth=path.width, solid_joinstyle=path.join,
                  solid_capstyle="butt")
    if path.dash:
        line.set_dashes(path.dash)
    return line


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
