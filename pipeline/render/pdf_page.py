"""A one-page brief's page: sections stacked between the margins, checked against the page, drawn with
reportlab. Shared by the trial brief (``render.pdf``) and the review brief (``render.review_pdf``).

In:  the sections as measured ``Block``s and the footer, the paper size and the ``Style`` of the step; for
     output, the ``Page`` and its metadata (title, author, subject, keywords).
Out: a ``Page`` (how much height the content uses against what the page has: ``overflow``); ``too_long``'s
     ``LayoutError`` naming the fields taking the most height; the PDF as bytes, with DejaVu Sans embedded,
     reproducible when ``SOURCE_DATE_EPOCH`` is set.

This module and ``render.pdf_diagram`` (through the canvas it is handed) are the only ones that draw.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

from .. import __version__
from ..content import source_date
from ..errors import LayoutError
from ..fonts import font_path
from ..glyphs import missing_glyphs
from .pdf_blocks import STEPS, Block, Figure, Line, Link, Op, Rect, Style, Text, pitch
from .pdf_diagram import Fonts, draw_diagram

if TYPE_CHECKING:
    from .pdf_frame import Front

PAPERS: dict[str, tuple[float, float]] = {"a4": A4, "letter": LETTER}
LANG = "en"
FONT_NAMES = {"regular": "EBDejaVuSans", "bold": "EBDejaVuSans-Bold"}
# No oblique: DejaVu Sans Oblique lacks hundreds of the regular face's glyphs, and user text may use them.

CREATOR = f"evidence-brief {__version__}"
MARGIN_X = 30.0
MARGIN_TOP = 26.0
MARGIN_BOTTOM = 22.0


@dataclass
class Page:
    width: float
    height: float
    ops: list[Op]
    used: float
    available: float
    fields: list[tuple[str, float]]
    style: Style
    diagram: bool = True      # the step's diagram could be made (a step without one is tried later)

    @property
    def overflow(self) -> float:
        return self.used - self.available


def paper_size(paper: str) -> tuple[float, float]:
    if paper not in PAPERS:
        raise LayoutError(f"brief: unknown paper size {paper!r}; use one of {', '.join(PAPERS)}")
    return PAPERS[paper]


def text_width_of(paper: str) -> float:
    """The width between the side margins."""
    return paper_size(paper)[0] - 2 * MARGIN_X


def footer_room(paper: str, footer: Block, style: Style) -> float:
    """The height the sections above ``footer`` may use."""
    return paper_size(paper)[1] - MARGIN_TOP - MARGIN_BOTTOM - footer.height - style.gap


def compose(sections: Sequence[Block], footer: Block, paper: str, style: Style, diagram: bool = True) -> Page:
    """The sections stacked ``style.gap`` apart (spare height shared out between them, up to 1.2 gaps each),
    the footer at the foot of the page."""
    page_w, page_h = paper_size(paper)
    avail = footer_room(paper, footer, style)
    gaps = len(sections) - 1
    used = sum(s.height for s in sections) + gaps * style.gap
    spread = min(max(0.0, avail - used) / gaps, style.gap * 1.2) if gaps else 0.0
    body = Block()
    for i, s in enumerate(sections):
        if i:
            body.space(style.gap + spread)
        body.add(s)
    ops = [op.shift(MARGIN_X, MARGIN_TOP) for op in body.ops]
    ops += [op.shift(MARGIN_X, page_h - MARGIN_BOTTOM - footer.height) for op in footer.ops]
    return Page(page_w, page_h, ops, used, avail, body.fields + footer.fields, style, diagram)


def too_long(page: Page, paper: str) -> LayoutError:
    over = page.overflow
    lines = over / pitch(page.style.body, page.style)
    per_field: dict[str, float] = {}
    for name, h in page.fields:
        per_field[name] = per_field.get(name, 0.0) + h
    ranked = sorted(per_field.items(), key=lambda kv: kv[1], reverse=True)
    named: list[str] = []
    covered = 0.0
    for name, h in ranked:
        named.append(f"{name} ({h:.0f} pt)")
        covered += h
        if covered >= over * 1.5 or len(named) >= 5:
            break
    return LayoutError(
        f"brief: the content does not fit on one {paper} page even with {page.style.body:g} pt body text: "
        f"it is {over:.0f} pt (about {lines:.0f} lines) too tall. The longest fields, with the height they take: "
        + ", ".join(named) + f". Shorten them by about {over:.0f} pt in total.")


def refuse_missing_glyphs(texts: Iterable[str]) -> None:
    """``LayoutError`` naming the characters of ``texts`` DejaVu Sans cannot draw (the first eight)."""
    missing = sorted({ch for t in texts for ch in missing_glyphs(t)})
    if missing:
        shown = ", ".join(f"U+{ord(ch):04X}" for ch in missing[:8])
        raise LayoutError(f"brief: the font (DejaVu Sans) cannot draw {shown}; replace these characters")


def register_fonts() -> Fonts:
    for style, name in FONT_NAMES.items():
        try:
            pdfmetrics.getFont(name)
        except KeyError:
            pdfmetrics.registerFont(TTFont(name, str(font_path(style))))
    return Fonts(FONT_NAMES["regular"], FONT_NAMES["bold"])


def write_brief(page: Page, c: Front, keywords: Sequence[str]) -> bytes:
    """The page as a one-page PDF, its metadata from the brief's content."""
    return write_pdf(page, title=f"{c.name}: {c.title}" if c.name != c.title else c.title,
                     author=c.creators or CREATOR, subject=f"Evidence brief: {c.bottom_line}",
                     keywords=", ".join(dict.fromkeys(w for w in keywords if w)))


def write_pdf(page: Page, *, title: str, author: str, subject: str, keywords: str) -> bytes:
    """The page as a one-page PDF with its metadata."""
    fonts = register_fonts()
    epoch = source_date()
    buffer = io.BytesIO()
    cv = _Canvas(buffer, pagesize=(page.width, page.height), invariant=1 if epoch is not None else 0,
                          pageCompression=1, lang=LANG, initialFontName=fonts.regular,
                          initialFontSize=STEPS[-1].body)
    cv.setTitle(title)
    cv.setAuthor(author)
    cv.setSubject(subject)
    cv.setKeywords(keywords)
    cv.setCreator(CREATOR)
    draw(cv, page, fonts)
    cv.showPage()
    cv.save()
    return buffer.getvalue()


@cache
def _colour(hex_colour: str) -> Color:
    return HexColor(hex_colour)


class _Canvas(rl_canvas.Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """A canvas that takes the theme's colours (hex strings) as colour objects made once: reportlab parses a
    string on every use, several thousand times a brief."""

    def setFillColor(self, aColor: Any, alpha: float | None = None) -> None:
        super().setFillColor(_colour(aColor) if isinstance(aColor, str) else aColor, alpha)

    def setStrokeColor(self, aColor: Any, alpha: float | None = None) -> None:
        super().setStrokeColor(_colour(aColor) if isinstance(aColor, str) else aColor, alpha)


def draw(cv: Any, page: Page, fonts: Fonts) -> None:
    names = {"regular": fonts.regular, "bold": fonts.bold}
    h = page.height

    def flip(y: float) -> float:
        return h - y

    for op in page.ops:
        if isinstance(op, Rect):
            cv.setLineWidth(op.width)
            if op.fill:
                cv.setFillColor(op.fill)
            if op.stroke:
                cv.setStrokeColor(op.stroke)
            if op.radius:
                cv.roundRect(op.x, flip(op.y + op.h), op.w, op.h, op.radius, stroke=1 if op.stroke else 0,
                             fill=1 if op.fill else 0)
            else:
                cv.rect(op.x, flip(op.y + op.h), op.w, op.h, stroke=1 if op.stroke else 0, fill=1 if op.fill else 0)
        elif isinstance(op, Line):
            cv.setStrokeColor(op.colour)
            cv.setLineWidth(op.width)
            cv.line(op.x1, flip(op.y1), op.x2, flip(op.y2))
        elif isinstance(op, Text):
            cv.setFillColor(op.colour)
            cv.setFont(names[op.style], op.size)
            if op.align == "right":
                cv.drawRightString(op.x, flip(op.y), op.text)
            elif op.align == "centre":
                cv.drawCentredString(op.x, flip(op.y), op.text)
            else:
                cv.drawString(op.x, flip(op.y), op.text)
        elif isinstance(op, Link):
            cv.linkURL(op.url, (op.x, flip(op.y + op.h), op.x + op.w, flip(op.y)), relative=0, thickness=0)
        elif isinstance(op, Figure):
            draw_diagram(cv, op.diagram, op.x, flip(op.y), op.scale, fonts)
