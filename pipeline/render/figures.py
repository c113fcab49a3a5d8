"""The figures (a trial's design, flow and forest; a review's PRISMA, forest plots and risk-of-bias grid)
as SVG and, on request, PNG, drawn from layout geometry.

In:  the record's diagrams as named ``layout.geometry.DiagramSource``s (``layout.figures``: the same the
     deck draws) and the formats wanted (svg, png).
Out: file bytes: ``render_figures`` lays each source marked ``figure`` out at figure size (``FIGURE_WIDTH``
     wide, at most ``FIGURE_HEIGHT`` tall or ``LONG_FIGURE_HEIGHT`` for a ``long`` one; text from
     ``FIGURE_SIZE`` down to ``FIGURE_MIN_SIZE``) and gives "<name>.svg" and/or "<name>.png" for each that
     has something to draw; ``draw_diagram`` one ``Diagram`` in one format.

The geometry is laid out at the figure's own size in points (7.5 in wide, as tall as the content), so
one diagram point is one figure point and text sizes are true. Both formats draw the same shapes
(``figure_shapes``): the SVG is written directly (``svg``), the 300-dpi PNG with matplotlib
(``figures_png``), which is imported only when a PNG is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..errors import RenderError
from ..layout.geometry import Diagram, DiagramSource
from .figure_shapes import MARGIN
from .svg import svg_bytes

FORMATS = ("svg", "png")
DPI = 300
FIGURE_WIDTH = 7.5 * 72 - 2 * MARGIN          # the figure is 7.5 in wide
FIGURE_HEIGHT = 9.0 * 72 - 2 * MARGIN         # at most 9 in tall
LONG_FIGURE_HEIGHT = 24.0 * 72 - 2 * MARGIN   # a forest or grid of many studies: up to 24 in
FIGURE_SIZE, FIGURE_MIN_SIZE = 9.0, 7.0


def render_figures(figures: Mapping[str, DiagramSource], formats: Sequence[str] = ("svg",)) -> dict[str, bytes]:
    """Each figure as "<name>.svg" and/or "<name>.png", as ``formats`` asks."""
    wanted = tuple(dict.fromkeys(formats))
    _check(wanted)
    out: dict[str, bytes] = {}
    for name, diagram in figure_diagrams(figures).items():
        for fmt in wanted:
            out[f"{name}.{fmt}"] = draw_diagram(diagram, fmt)
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


def draw_diagram(diagram: Diagram, fmt: str = "svg", dpi: int = DPI) -> bytes:
    """``diagram`` drawn at its own size (1 unit = 1 pt) as SVG or PNG (at ``dpi``) bytes."""
    _check((fmt,))
    if fmt == "svg":
        return svg_bytes(diagram)
    from .figures_png import png_bytes  # matplotlib: slow to import, so only when a PNG is made
    return png_bytes(diagram, dpi)


def _check(formats: Sequence[str]) -> None:
    for fmt in formats:
        if fmt not in FORMATS:
            raise RenderError(f"figures: unknown format {fmt!r} (png or svg)")
