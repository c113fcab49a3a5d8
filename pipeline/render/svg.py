"""One diagram as an SVG file, written directly (no drawing library).

In:  a ``layout.geometry.Diagram``.
Out: ``svg_bytes``: UTF-8 SVG 1.1, the page ``figure_shapes.page_size`` points wide and tall (``width``
     and ``height`` in pt, a ``viewBox`` in points, so 1 user unit = 1 pt), the shapes of
     ``figure_shapes.shapes`` painted in their order. Text stays text (``<text>``, DejaVu Sans, at its
     baseline anchor with its alignment as ``text-anchor``), so it can be selected, searched and edited.
     The diagram's title and text alternative are its ``<title>`` and ``<desc>``, what a screen reader
     says for the picture on a web page or in a document it is placed in. The same diagram gives the
     same bytes: no dates, ids or software names; numbers are written to 0.000001 pt (as matplotlib
     wrote them: rounder numbers move text by a fraction of a pixel).
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..fonts import FAMILY
from ..layout.geometry import Diagram
from .figure_shapes import Path, RoundedBox, Shape, Text, page_size, shapes

ANCHOR = {"left": "start", "center": "middle", "right": "end"}


def svg_bytes(diagram: Diagram) -> bytes:
    """``diagram`` as an SVG document (see the module docstring)."""
    w, h = page_size(diagram)
    out = ['<?xml version="1.0" encoding="utf-8"?>\n',
           f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_n(w)}pt" height="{_n(h)}pt" '
           f'viewBox="0 0 {_n(w)} {_n(h)}">\n']
    out += [f"<{tag}>{escape(text)}</{tag}>\n" for tag, text in (("title", diagram.title), ("desc", diagram.alt_text))
            if text]
    out.append(f'<rect width="{_n(w)}" height="{_n(h)}" fill="#ffffff"/>\n')
    out += [_shape(shape) for shape in shapes(diagram)]
    out.append("</svg>\n")
    return "".join(out).encode("utf-8")


def _shape(shape: Shape) -> str:
    if isinstance(shape, Text):
        return _text(shape)
    if isinstance(shape, RoundedBox):
        return _rounded(shape)
    return _path(shape)


def _text(t: Text) -> str:
    weight = ' font-weight="bold"' if t.line.bold else ""
    anchor = f' text-anchor="{ANCHOR[t.align]}"' if t.align != "left" else ""
    return (f'<text x="{_n(t.x)}" y="{_n(t.y)}" font-family={quoteattr(FAMILY)} font-size="{_n(t.line.size)}"'
            f'{weight}{anchor} fill="{_colour(t.colour)}">{escape(t.line.text)}</text>\n')


def _rounded(b: RoundedBox) -> str:
    """The outline matplotlib's "round" box style draws (each corner one quadratic curve through the corner
    point as its control), so the SVG and the PNG have the same corners."""
    x0, y0, x1, y1, r = b.x, b.y, b.x + b.w, b.y + b.h, b.radius
    d = (f"M{_n(x0 + r)} {_n(y0)}H{_n(x1 - r)}Q{_n(x1)} {_n(y0)} {_n(x1)} {_n(y0 + r)}"
         f"V{_n(y1 - r)}Q{_n(x1)} {_n(y1)} {_n(x1 - r)} {_n(y1)}"
         f"H{_n(x0 + r)}Q{_n(x0)} {_n(y1)} {_n(x0)} {_n(y1 - r)}"
         f"V{_n(y0 + r)}Q{_n(x0)} {_n(y0)} {_n(x0 + r)} {_n(y0)}Z")
    return (f'<path d="{d}" fill="{_colour(b.fill)}" stroke="{_colour(b.stroke)}" stroke-width="{_n(b.width)}" '
            'stroke-linejoin="round"/>\n')


def _path(p: Path) -> str:
    d = "M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in p.points) + ("Z" if p.closed else "")
    style = f' fill="{_colour(p.fill)}"' if p.fill is not None else ' fill="none"'
    if p.stroke is not None:
        style += f' stroke="{_colour(p.stroke)}" stroke-width="{_n(p.width)}"'
        if p.join != "miter":
            style += f' stroke-linejoin="{p.join}"'
        if p.dash:
            style += f' stroke-dasharray="{",".join(_n(v) for v in p.dash)}"'
    return f'<path d="{d}"{style}/>\n'


def _colour(hex_colour: str) -> str:
    return hex_colour.lower()


def _n(x: float) -> str:
    """A number to six decimals, without trailing zeros ("12.5", "4", never "-0")."""
    text = f"{x:f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
