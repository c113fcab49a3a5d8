"""Drawing a deck's slides: text boxes, native tables, titles, diagrams, footers and speaker notes (python-pptx).

In:  ``Content`` (only its name, journal and footer are read here), the diagrams as ``DiagramSource``s and
     optionally a template; the slides' sections (``deck_fit``), already measured.
Out: ``Canvas``, the base of the trial and review decks: ``_sections_slides`` lays sections out over as few
     slides as fit (``deck_fit.choose``), ``_diagram_slide`` draws a diagram at 18 down to 16 pt (cut over
     "(cont.)" slides when too tall), ``save`` adds every slide's footer and slide number and returns the
     reproducible .pptx bytes (``deck_package``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Pt

from .. import theme
from ..content import Content
from ..errors import LayoutError
from ..layout.fit import sizes
from ..layout.geometry import Diagram, DiagramSource
from ..layout.text import LINE_HEIGHT, shorten, text_width
from . import deck_notes, pptx_xml
from .deck_diagram import Look, cut_at, draw_diagram, emu, row_cuts, split_rows, trailing_notes
from .deck_fit import (
    BAND_INSET,
    BODY_SIZES,
    CELL_MX,
    CELL_MY,
    TEXT_INSET_X,
    TEXT_INSET_Y,
    P,
    Page,
    Para,
    Section,
    TableSection,
    TextSection,
    _cell_paras,
    choose,
    choose_one,
    column_widths,
    fit_size,
    indent_for,
    is_line,
    paras_height,
    row_height,
    section_gap,
)
from .deck_package import BODY_TYPES, FONT, SLIDE_W, TITLE_TYPES, Rect, open_presentation, save
from .deck_slides import NotesMaker, SlideMaker

if TYPE_CHECKING:   # a trial's build imports no review module (test_speed_imports)
    from ..review.content import ReviewContent

TITLE_MAX, TITLE_MIN = 36.0, 28.0
DIAGRAM_BASE, DIAGRAM_MIN = 18.0, 16.0
DIAGRAM_LARGE = 24.0     # a diagram of few boxes (design, flow, results graphic) may grow to the body's largest size
TABLE_STYLE_NONE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"   # "No Style, No Grid"


class Canvas:
    """A deck being drawn: its presentation, frame and look; subclasses add the slides (``build``)."""

    def __init__(self, content: Content | ReviewContent, figures: Mapping[str, DiagramSource],
                 template: Path | None) -> None:
        self.c = content
        self.figures = figures
        self.templated = template is not None
        self.prs, frame = open_presentation(template)
        self.slides = SlideMaker(self.prs, frame.first_slides)
        self.notes_pages = NotesMaker(self.prs, frame.first_notes)
        self.frame = frame
        self.W, self.H = frame.W, frame.H
        self.layout_parts = frame.layout_parts
        self.title_rect, self.body_rect, self.diagram_rect = frame.title, frame.body, frame.diagram
        self.footer_rect, self.footer_size = frame.footer, frame.footer_size
        self.look = Look(font=None if self.templated else FONT)
        self.diagram_look = Look(font=FONT)   # diagram lines are pre-wrapped with DejaVu Sans metrics

    def build(self) -> None:
        raise NotImplementedError

    def _clamp(self, r: Rect) -> Rect:
        return self.frame.clamp(r)

    # --- primitives ---------------------------------------------------------------

    def _colour(self, hex_colour: str | None, theme_colour: str | None = None) -> tuple[str | None, str | None]:
        """A run's (#RRGGBB, theme colour name) for ``pptx_xml.run_xml``: ``hex_colour``, else ink on our own
        theme, else ``theme_colour`` (None: the template's)."""
        if hex_colour is not None:
            return hex_colour, None
        if not self.templated:
            return theme.INK, None
        return None, theme_colour

    def _write(self, text_frame: Any, paras: list[Para], size: float, *, bullets_explicit: bool = True,
               colour: str | None = None) -> None:
        """``paras`` into ``text_frame`` (of a shape on a slide, where its links relate)."""
        pptx_xml.set_paragraphs(text_frame._txBody, self._paragraphs(text_frame.part, paras, size,
                                                                     bullets_explicit=bullets_explicit, colour=colour))

    def _paragraphs(self, part: Any | None, paras: list[Para], size: float, *, bullets_explicit: bool = True,
                    colour: str | None = None) -> list[str]:
        """``paras`` as ``pptx_xml.paragraph_xml`` text for a body on the slide ``part`` (links relate there; None:
        text on no one slide, which may hold no link)."""
        written = []
        explicit = bullets_explicit or not self.templated
        for i, para in enumerate(paras):
            s = round(size * para.scale, 2)
            ind = indent_for(s)
            bullet = pptx_xml.bullet_xml(emu(ind if (para.bullet or para.hang) else 0.0), hanging=para.bullet,
                                         char="•" if para.bullet else None,
                                         font=(FONT if not self.templated else "Arial") if explicit else None,
                                         colour=None if self.templated else theme.ACCENT)
            runs = []
            for run_model in para.runs:
                link = None
                if run_model.link:
                    assert part is not None, f"a link ({run_model.link}) in text on no one slide: no part to relate"
                    link = part.relate_to(run_model.link, RT.HYPERLINK, is_external=True)
                    hex_colour, scheme = self._colour(run_model.colour or (None if self.templated else theme.ACCENT),
                                                      "hlink")
                else:
                    hex_colour, scheme = self._colour(run_model.colour or colour)
                runs.append(pptx_xml.run_xml(run_model.text, Pt(s), run_model.bold, self.look.font, hex_colour, scheme,
                                             link))
            written.append(pptx_xml.paragraph_xml(pptx_xml.ALIGN[para.align], Pt(round(s * LINE_HEIGHT, 2)),
                                                  Pt(0 if i == 0 else round(para.gap * s, 2)), Pt(0), "".join(runs),
                                                  bullet))
        return written

    def _frame(self, text_frame: Any, inset_x: float, inset_y: float, anchor: str = "t") -> None:
        """Wrapped, anchored ``anchor`` ("t", "ctr", "b") within the insets, not autofitted."""
        x, y = emu(inset_x), emu(inset_y)
        pptx_xml.frame_text(text_frame._txBody.bodyPr, anchor, (x, x, y, y))

    def _textbox(self, slide: Any, rect: Rect, paras: list[Para], size: float, *, band: bool = False,
                 name: str = "Text", colour: str | None = None, placeholder: Any = None) -> tuple[Any, float]:
        """``paras`` in ``placeholder`` or a new text box (a tinted ``band``) at the top of ``rect``, as tall as
        they are: (the shape's ``p:sp``, its height)."""
        inset_x = BAND_INSET if band else TEXT_INSET_X
        inset_y = BAND_INSET if band else TEXT_INSET_Y
        height = paras_height(paras, size, rect.w - 2 * inset_x) + 2 * inset_y
        if placeholder is not None:
            pptx_xml.place(placeholder._element, emu(rect.x), emu(rect.y), emu(rect.w), emu(height))
            self._frame(placeholder.text_frame, inset_x, inset_y)
            self._write(placeholder.text_frame, paras, size, bullets_explicit=False, colour=colour)
            shape = placeholder._element
        else:
            tree = slide.shapes._spTree
            x, y = emu(inset_x), emu(inset_y)
            shape_id = pptx_xml.next_shape_id(tree)
            body = "".join(self._paragraphs(slide.part, paras, size, colour=colour))
            shape = pptx_xml.add_shapes(tree, [pptx_xml.text_box_xml(
                shape_id, name, emu(rect.x), emu(rect.y), emu(rect.w), emu(height), "t", (x, x, y, y),
                paragraphs=body)])[0]
        if band:
            pptx_xml.band_fill(shape, None if self.templated else theme.TINT)
        return shape, height

    def _table(self, slide: Any, rect: Rect, sec: TableSection, size: float) -> tuple[Any, float]:
        """``sec`` as a native table at the top of ``rect``, composed as XML text and parsed at once (python-pptx's
        ``add_table`` and cell setters, as they leave it): (its ``p:graphicFrame``, its height)."""
        widths = column_widths(sec, size, rect.w)
        rows = ([sec.header] if sec.header else []) + sec.rows
        heights = [row_height(r, size, widths) for r in rows]
        margins = (emu(CELL_MX), emu(CELL_MY))
        part = slide.part
        grid: list[list[str]] = []
        for i, row in enumerate(rows):
            is_header = sec.header is not None and i == 0
            last = i == len(rows) - 1
            line = is_line(row)
            below_line = i + 1 < len(rows) and is_line(rows[i + 1])
            cells = []
            for cell_model in row:
                # A blank cell holds a no-break space: LibreOffice sizes an empty one at its default 18 pt.
                shown = cell_model if cell_model.text else replace(cell_model, text="\u00a0")
                paras = [replace(p, align=cell_model.align) for p in _cell_paras(shown)]
                rule: str | None = cell_model.rule or (theme.RULE if not (is_header or last) else theme.LINE)
                if below_line and not is_header:
                    rule = None       # the row and the line under it read as one
                cells.append(pptx_xml.cell_xml(
                    "".join(self._paragraphs(part, paras, size, colour=cell_model.colour)), margins,
                    "b" if is_header else "t", cell_model.fill, rule,
                    emu(2.0 if (is_header or last or cell_model.rule) else 0.75), span=len(widths) if line else 1))
            if line:
                cells += [pptx_xml.cell_xml("", None, None, None, rule, emu(2.0 if last else 0.75), merged=True)
                          for _ in range(1, len(widths))]
            grid.append(cells)
        tree = slide.shapes._spTree
        frame = pptx_xml.table_shape(tree, pptx_xml.next_shape_id(tree), sec.name, emu(rect.x), emu(rect.y),
                                     [emu(w) for w in widths], [emu(h) for h in heights], sec.header is not None,
                                     TABLE_STYLE_NONE, grid)
        return frame, sum(heights)

    def _new_slide(self, kind: str, title: str | None) -> Any:
        slide = self.slides.new(self.layout_parts[kind])
        if title is not None:
            self._title(slide, title)
        return slide

    def _title(self, slide: Any, title: str) -> None:
        ph = self.slides.placeholder(slide, TITLE_TYPES)
        rect = self.title_rect
        para = P(title, bold=not self.templated)
        inset_x = 7.2 if self.templated else 0.0     # own titles line up with the body's left edge
        sizes = tuple(float(s) for s in range(int(TITLE_MAX), int(TITLE_MIN) - 1, -2))
        size = fit_size([para], rect.w - 2 * inset_x, rect.h - 2 * 3.6, sizes)
        if size is None:
            size = TITLE_MIN
            need = paras_height([para], size, rect.w - 2 * inset_x) + 2 * 3.6
            rect = Rect(rect.x, rect.y, rect.w, need)
        if ph is None:
            shape = slide.shapes.add_textbox(emu(rect.x), emu(rect.y), emu(rect.w), emu(rect.h))
            shape.name = "Title"
        else:
            shape = ph
        if not self.templated or ph is None or rect != self.title_rect:
            pptx_xml.place(shape._element, emu(rect.x), emu(rect.y), emu(rect.w), emu(rect.h))
        self._frame(shape.text_frame, inset_x, 3.6, "b" if not self.templated else "ctr")
        self._write(shape.text_frame, [para], size, colour=None if self.templated else theme.ACCENT)
        if not self.templated:
            # A thin accent rule under the title.
            tree = slide.shapes._spTree
            pptx_xml.rule_shape(tree, pptx_xml.next_shape_id(tree), "Title rule", emu(rect.x), emu(rect.bottom + 4),
                                emu(64), emu(3), theme.ACCENT)

    def _tidy(self, slide: Any, keep: set[int]) -> None:
        """Remove placeholders the slide does not use (they would show 'Click to add text')."""
        self.slides.tidy(slide, keep)

    def _footer_text(self) -> str:
        return self.c.name + (f" · {self.c.journal}" if self.c.journal else "")

    def _furniture(self) -> None:
        """The footer (study and journal, left) and the slide number (right) on every slide, once."""
        r, size = self.footer_rect, self.footer_size
        number_w = text_width("999", size) + 4.0
        text_w = r.w - number_w - 12.0
        text = shorten(self._footer_text(), size, text_w)
        footer = "".join(self._paragraphs(None, [P(text, colour=theme.MUTED)], size))   # every slide's: no link
        for n, slide in enumerate(self.prs.slides, 1):
            tree = slide.shapes._spTree
            footer_id = pptx_xml.next_shape_id(tree)     # the slide number's is the next
            number = pptx_xml.slide_number_xml(n, int(size * 100), theme.MUTED, self.look.font)
            pptx_xml.add_shapes(tree, [
                pptx_xml.text_box_xml(footer_id, "Footer", emu(r.x), emu(r.y), emu(text_w), emu(r.h), "ctr",
                                      paragraphs=footer),
                pptx_xml.text_box_xml(footer_id + 1, "Slide number", emu(r.x + r.w - number_w), emu(r.y),
                                      emu(number_w), emu(r.h), "ctr", paragraphs=number)])

    def _notes(self, slide: Any, text: str) -> None:
        pptx_xml.set_text(self.notes_pages.new(slide), text.strip() or "No speaker notes.")

    # --- a body of sections, paginated ---------------------------------------------

    def _sections_slides(self, title: str, sections: Sequence[Section], notes: Callable[[int, Page], str],
                         body: Rect | None = None) -> list[Any]:
        body = body or self.body_rect
        size, pages = choose(sections, body.w, body.h)
        slides = []
        for i, page in enumerate(pages):
            kind = "content" if any(isinstance(b, TextSection) and not b.band for b in page.blocks) else "title_only"
            slide = self._new_slide(kind, title if i == 0 else f"{title} (cont.)")
            self._draw_page(slide, page, size, body)
            self._notes(slide, notes(i, page))
            slides.append(slide)
        return slides

    def _draw_page(self, slide: Any, page: Page, size: float, body: Rect, y: float | None = None) -> float:
        y = body.y if y is None else y
        placeholder = self.slides.placeholder(slide, BODY_TYPES)
        used_ph = False
        keep: set[int] = set()
        title_ph = self.slides.placeholder(slide, TITLE_TYPES)
        if title_ph is not None:
            keep.add(title_ph.shape_id)
        for k, block in enumerate(page.blocks):
            if k:
                y += section_gap(size)
            rect = Rect(body.x, y, body.w, body.bottom - y)
            if isinstance(block, TextSection):
                ph = None
                if placeholder is not None and not used_ph and not block.band:
                    ph, used_ph = placeholder, True
                    keep.add(ph.shape_id)
                _, h = self._textbox(slide, rect, block.paras, size, band=block.band, placeholder=ph,
                                     name="Band" if block.band else "Text")
            else:
                _, h = self._table(slide, rect, block, block.size(size))
            y += h
        self._tidy(slide, keep)
        return y

    def _diagram_above(self, title: str, figure: DiagramSource | None, sections: Sequence[Section], notes: str,
                       base: float = DIAGRAM_BASE) -> bool:
        """The diagram with ``sections`` under it on one slide, when the diagram fits in at most 60% of the body
        (at 16 pt or more) and the sections in the rest on one page; else nothing is drawn (False)."""
        if figure is None:
            return False
        body = self.body_rect
        minimum = DIAGRAM_MIN * min(1.0, self.W / SLIDE_W)
        for share in (0.6, 0.5, 0.4):
            try:
                diagram = figure.make(body.w, share * body.h, base, minimum)
            except LayoutError:
                return False
            if diagram is None:
                return False
            top = body.y + diagram.height + section_gap(BODY_SIZES[0])
            rest = Rect(body.x, top, body.w, body.bottom - top)
            try:
                one = choose_one(sections, rest.w, rest.h)
            except LayoutError:
                continue
            if one is not None:
                size, page = one
                slide = self._new_slide("title_only", title)
                draw_diagram(slide.shapes, diagram, body.x + (body.w - diagram.width) / 2, body.y, 1.0,
                             self.diagram_look, name=title)
                self._draw_page(slide, page, size, rest)
                self._notes(slide, notes)
                return True
        return False

    def _diagram_slide(self, title: str, figure: DiagramSource | None, notes: str,
                       fallback_sections: Sequence[Section] | None, base: float = DIAGRAM_BASE,
                       footnotes_said: bool = False) -> None:
        """The diagram on one slide at 18 down to 16 pt; too tall for one, cut between its rows over the
        fewest slides (found at 16 pt) at the largest size that needs no more, unless leaving its footnotes to
        the speaker notes keeps it on one (``notes`` add them unless ``footnotes_said``); a row too tall for a
        slide: the fallback tables and text instead."""
        body = self.diagram_rect
        parts: list[Diagram] | None = None
        # A slide is shown at screen size whatever its page size: on a template narrower than the
        # 13.33-inch default, the same apparent size needs proportionally fewer points.
        minimum = DIAGRAM_MIN * min(1.0, self.W / SLIDE_W)
        if figure is not None:
            try:
                whole = figure.make(body.w, body.h, base, minimum)
                parts = [whole] if whole is not None else None
            except LayoutError:
                try:
                    tall = figure.make(body.w, 4 * body.h, minimum, minimum)
                except LayoutError:
                    tall = None
                parts = split_rows(tall, body.h) if tall is not None else None
                if tall is not None and parts is not None and len(parts) > 1:
                    # The notes under a diagram go to the speaker notes when that keeps it on one slide.
                    core, below = trailing_notes(tall)
                    if below and core.height <= body.h:
                        parts = [core]
                        if not footnotes_said:
                            notes += "\nThe figure's footnote, left off this slide: " + " ".join(below)
                    else:
                        parts = self._larger_parts(figure, body, base, minimum, parts)
        if not parts:
            if fallback_sections:
                self._sections_slides(title, fallback_sections, lambda i, p: deck_notes.continued(i, notes))
            return
        keep_types = TITLE_TYPES
        for k, diagram in enumerate(parts):
            slide = self._new_slide("title_only", title if k == 0 else f"{title} (cont.)")
            x0 = body.x + (body.w - diagram.width) / 2
            # One slide: centred in the body; the parts of a cut diagram start at its top, as they continue.
            y0 = body.y + (max(0.0, (body.h - diagram.height) / 2) if len(parts) == 1 else 0.0)
            draw_diagram(slide.shapes, diagram, x0, y0, 1.0, self.diagram_look, name=title)
            self._tidy(slide, self.slides.placeholder_ids(slide, keep_types))
            self._notes(slide, deck_notes.continued(k, notes))


    def _larger_parts(self, figure: DiagramSource, body: Rect, base: float, minimum: float,
                      parts: list[Diagram]) -> list[Diagram]:
        """A diagram cut into ``parts`` at ``minimum``: cut instead at the largest size from ``base`` down that
        needs no more slides (the parts fill their slides with larger type)."""
        for size in sizes(max(base, minimum), minimum)[:-1]:
            try:
                tall = figure.make(body.w, 4 * body.h, size, size)
            except LayoutError:
                continue
            cuts = row_cuts(tall, body.h) if tall is not None else None     # the parts made only when kept
            if tall is not None and cuts is not None and len(cuts) <= len(parts):
                return cut_at(tall, cuts)
        return parts

    def save(self) -> bytes:
        """Every slide's footer and number, then the reproducible .pptx bytes."""
        self._furniture()
        return save(self.prs, f"{self.c.name}: journal club", self.c.title, self.c.footer)
