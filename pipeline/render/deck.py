"""The journal-club slide deck (python-pptx; the only module besides ``deck_diagram`` that imports it).

In:  the record's ``Content``, its diagrams as ``DiagramSource``s (``layout.figures``: laid out here at the
     slide's size) and optionally ``template``, a .pptx whose slide layouts, theme colours, fonts and
     slide size the deck is built on. The record itself is never read here.
Out: the .pptx as bytes (``build`` writes them atomically).

Slides, in order; a slide whose content the record lacks entirely is left out:

 1. Title: name, title, journal and year, a presenter line to fill in.
 2. The clinical question (PICO) and why it matters.
 3. Design: the design diagram as editable shapes and glued connectors.
 4. Participant flow (CONSORT), editable the same way.
 5. Primary outcomes: the results graphic (each arm's result as a bar or a mean, each effect with its
    interval, the line of no effect and any margin; ``layout.results``), a native table (per arm, then one line per effect naming its comparison:
    effect, CI, P; one "CI; P" column when no row reports either; "not reported" and recomputed
    values muted) and the forest plot; then one slide per outcome with subgroups (variable with
    its interaction P, each level's numbers and effect).
 6. Secondary outcomes and harms; a harm's recomputed values (per 1,000, NNTH, marked
    recomputed) on a line across the table under its row.
 7. Appraisal: risk of bias (RoB 2, symbol + word + support) with GRADE; then
    strengths and limitations.
 8. Checking the numbers: the audit's short reader notes (``Content.notes``) as bullets, each
    warning's message and detail in the speaker notes; no notes, no slide.
 9. Key conclusions and the bottom line.
10. Discussion questions.
11. Reference: citation, DOI and registry as hyperlinks, funding, interests.

Every slide has speaker notes (on the results, appraisal, conclusions and discussion slides
as talking points, from ``deck_notes``), a footer and a slide-number field.

Fitting (measured in ``deck_fit``). All text is measured with ``layout.text`` (DejaVu Sans
metrics); every box is as tall as its measured text. A slide's content is a list of sections
(paragraph lists, tables, tinted bands) stacked in the body area. One knob, the body size,
goes from 24 pt down to 18 pt (tables use three quarters of it, or 0.85 on a results slide
with at most four rows, at least 16 pt); the largest size at which everything fits on one
slide wins. A diagram is drawn at 18 down to 16 pt; too tall for a slide at 16 pt, it is cut
between its rows over "(cont.)" slides. If nothing fits, the content is paginated at the
smallest size that needs the fewest slides, onto continuation slides titled "… (cont.)":
between items, between table rows (the header repeats), and inside an item too long for a
whole slide (split between lines). At most six bullets go on one slide.

Reproducibility: the zip is rewritten with entries in a stable order and a
fixed timestamp, and the core properties are dated from ``SOURCE_DATE_EPOCH``
(or 2000-01-01 when it is unset), revision 1.
"""

from __future__ import annotations

import copy
import datetime as _dt
import functools
import io
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping

from pptx import Presentation
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.opc.serialized import PackageWriter
from pptx.parts.slide import NotesSlidePart
from pptx.util import Pt

from .. import theme
from ..content import ABSENT, FLOW_STAGES, NR, Content, ResultRow, source_date, split_shared_mark
from ..errors import LayoutError, RenderError
from ..layout.geometry import DiagramSource
from ..layout.text import LINE_HEIGHT, shorten, text_width
from ..template import load_template
from . import deck_notes, pptx_xml
from .deck_fit import (
    BAND_INSET, BODY_MIN, BODY_SIZES, CELL_MX, CELL_MY, Cell, MAX_BULLETS, P, Page, Para, Run,
    SPARSE_TABLE_RATIO, Section, TABLE_MIN, TABLE_RATIO, TEMPLATE_WIDTH_FACTOR, TEXT_INSET_X,
    TEXT_INSET_Y, TableSection, TextSection, _TABLE_MIN, _WIDTH_FACTOR, _cell_paras, choose,
    column_widths, fit_size, indent_for, is_line, paginate, paras_height, row_height, section_gap,
)
from .deck_diagram import Look, draw_diagram, emu, rgb, split_rows, trailing_notes

FONT = "DejaVu Sans"
SLIDE_W, SLIDE_H = 960.0, 540.0            # 13.333 in × 7.5 in, 16:9
TITLE_MAX, TITLE_MIN = 36.0, 28.0
DIAGRAM_BASE, DIAGRAM_MIN = 18.0, 16.0
RESULTS_BASE = 24.0                        # the results graphic has few rows: as large as its slide allows
TABLE_STYLE_NONE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"   # "No Style, No Grid"
# Risk-of-bias cell fills: none of the arm colours' hues, lighter to darker as the risk rises (the symbol
# and word in the cell carry the judgement in greyscale).
ROB_FILL = {"low": "#EEF3E2", "some concerns": "#F5EC8C", "high": "#E8A3A8", "no information": "#E6E6E6"}
FOOTER_SIZE = 16.0                         # footer and slide number
FIXED_DATE = _dt.datetime(2000, 1, 1, tzinfo=_dt.timezone.utc)


def render_deck(content: Content, figures: Mapping[str, DiagramSource], template: Path | None = None) -> bytes:
    """The deck of ``content`` (diagrams from ``figures``) as .pptx bytes, on ``template``'s layouts when given."""
    return render_with(_Deck, content, figures, template)


def render_with(deck_class, content, figures: Mapping[str, DiagramSource], template: Path | None = None) -> bytes:
    """Build and save a deck with ``deck_class`` (``_Deck`` or a subclass, e.g. the review deck's)."""
    token = _WIDTH_FACTOR.set(TEMPLATE_WIDTH_FACTOR if template is not None else 1.0)
    try:
        deck = deck_class(content, figures, template)
        # A slide is shown at screen size whatever its page size: a narrower template needs fewer points.
        minimum = _TABLE_MIN.set(TABLE_MIN * min(1.0, deck.W / SLIDE_W))
        try:
            deck.build()
            return deck.save()
        finally:
            _TABLE_MIN.reset(minimum)
    finally:
        _WIDTH_FACTOR.reset(token)


# =============================================================================
# Geometry helpers.

@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h


def _pt(value) -> float:
    return (value or 0) / 12700.0


def _rect_of(shape) -> Rect | None:
    try:
        if shape.left is None or shape.width is None:
            return None
        return Rect(_pt(shape.left), _pt(shape.top), _pt(shape.width), _pt(shape.height))
    except (AttributeError, KeyError):
        return None


BODY_TYPES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
CONTENT_TYPES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.CHART, PP_PLACEHOLDER.TABLE,
                 PP_PLACEHOLDER.PICTURE, PP_PLACEHOLDER.MEDIA_CLIP, PP_PLACEHOLDER.ORG_CHART, PP_PLACEHOLDER.BITMAP,
                 PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.VERTICAL_BODY, PP_PLACEHOLDER.VERTICAL_OBJECT)


def _ph_types(layout) -> list:
    out = []
    for ph in layout.placeholders:
        try:
            out.append(ph.placeholder_format.type)
        except ValueError:  # pragma: no cover - unknown placeholder type
            out.append(None)
    return out


def _find_ph(container, types) -> object | None:
    for ph in container.placeholders:
        try:
            if ph.placeholder_format.type in types:
                return ph
        except ValueError:  # pragma: no cover
            continue
    return None


def pick_layouts(prs) -> dict[str, object]:
    """The title, title+content and title-only layouts, found by their placeholders (then names)."""
    layouts = list(prs.slide_layouts)
    if not layouts:
        raise RenderError("the template has no slide layouts")
    read = {id(l): _ph_types(l) for l in layouts}     # each layout's placeholder types, read once (slow to read)

    def types(l) -> list:
        return read[id(l)]

    def has_title(l) -> bool:
        return any(t in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE) for t in types(l))

    def named(l, *words) -> bool:
        n = (l.name or "").lower()
        return any(w in n for w in words)

    title = next((l for l in layouts if PP_PLACEHOLDER.CENTER_TITLE in types(l)
                  and PP_PLACEHOLDER.SUBTITLE in types(l)), None) \
        or next((l for l in layouts if PP_PLACEHOLDER.CENTER_TITLE in types(l)), None) \
        or next((l for l in layouts if named(l, "title slide", "cover")), None)
    content = next((l for l in layouts if PP_PLACEHOLDER.TITLE in types(l)
                    and sum(t in BODY_TYPES for t in types(l)) == 1
                    and not any(t in CONTENT_TYPES and t not in BODY_TYPES for t in types(l))), None) \
        or next((l for l in layouts if has_title(l) and any(t in BODY_TYPES for t in types(l))), None)
    title_only = next((l for l in layouts if PP_PLACEHOLDER.TITLE in types(l)
                       and not any(t in CONTENT_TYPES for t in types(l))), None) \
        or next((l for l in layouts if named(l, "title only")), None)
    fallback = content or title_only or next((l for l in layouts if has_title(l)), layouts[0])
    return {"title": title or content or fallback, "content": content or title_only or fallback,
            "title_only": title_only or content or fallback}


@functools.cache
def _default_package() -> bytes:
    """python-pptx's default package, 16:9, with DejaVu Sans and the brief's colours in the theme and the
    layouts stretched to the new width; made once per process (every deck opens a copy)."""
    prs = Presentation()
    old_w = prs.slide_width
    prs.slide_width, prs.slide_height = emu(SLIDE_W), emu(SLIDE_H)
    factor = prs.slide_width / old_w
    master = prs.slide_master
    for holder in [master, *master.slide_layouts]:
        for shape in holder.shapes:
            pptx_xml.stretch_x(shape._element, factor)
    theme_part = master.part.part_related_by(RT.THEME)
    colours = {"dk2": theme.ACCENT, "lt2": theme.TINT, "accent1": theme.ACCENT,
               "accent2": theme.ARM_COLOURS[1], "accent3": theme.ARM_COLOURS[2],
               "accent4": theme.ARM_COLOURS[0], "accent5": theme.ARM_COLOURS[4],
               "accent6": theme.ARM_COLOURS[3]}
    theme_part._blob = pptx_xml.restyle_theme(theme_part.blob, FONT, colours, "evidence-brief")
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


# =============================================================================
# The deck.

class _Deck:
    def __init__(self, content: Content, figures: Mapping[str, DiagramSource], template: Path | None):
        self.c: Content = content
        self.figures = figures
        self.templated = template is not None
        if template is not None:
            self.prs = Presentation(load_template(template).open())
            self._delete_slides()
        else:
            self.prs = Presentation(io.BytesIO(_default_package()))
        self.W = _pt(self.prs.slide_width)
        self.H = _pt(self.prs.slide_height)
        self.look = Look(font=None if self.templated else FONT)
        self.diagram_look = Look(font=FONT)   # diagram lines are pre-wrapped with DejaVu Sans metrics
        self.layouts = pick_layouts(self.prs)
        self._blank_notes = None        # a new notes page, as python-pptx made the first (``_notes_page``)
        self._notes_made = 0            # the number in the last notes page's part name
        self._frames()

    # --- setup ------------------------------------------------------------------

    def _delete_slides(self) -> None:
        sld_ids = self.prs.slides._sldIdLst
        for sld_id in list(sld_ids):
            self.prs.part.drop_rel(sld_id.rId)
            sld_ids.remove(sld_id)

    def _frames(self) -> None:
        W, H = self.W, self.H
        mx = round(0.05 * W, 1)
        content = self.layouts["content"]
        title_ph = _find_ph(content, (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE))
        body_ph = _find_ph(content, BODY_TYPES)
        if self.templated and title_ph is not None and _rect_of(title_ph):
            self.title_rect = self._clamp(_rect_of(title_ph))
        else:
            self.title_rect = Rect(mx, 0.04 * H, W - 2 * mx, 0.095 * H)   # 36 pt fits; the diagrams get the rest
        if self.templated and body_ph is not None and _rect_of(body_ph):
            body = self._clamp(_rect_of(body_ph))
            top = max(body.y, self.title_rect.bottom + 0.02 * H)
            self.body_rect = Rect(body.x, top, body.w, body.bottom - top)
        else:
            top = self.title_rect.bottom + 0.03 * H
            self.body_rect = Rect(mx, top, W - 2 * mx, H * 0.92 - top)
        # A slide is shown at screen size whatever its page size: a narrower template needs fewer points.
        self.footer_size = FOOTER_SIZE * min(1.0, W / SLIDE_W)
        self.footer_rect = self._template_footer() if self.templated else None
        if self.footer_rect is None:
            self.footer_rect = Rect(mx, H * 0.935, W - 2 * mx, 0.045 * H)
        floor = self.footer_rect.y - 0.005 * H          # nothing of the body runs into the footer
        if self.body_rect.bottom > floor:
            self.body_rect = Rect(self.body_rect.x, self.body_rect.y, self.body_rect.w, floor - self.body_rect.y)
        top = self.body_rect.y
        self.diagram_rect = Rect(self.body_rect.x, top, self.body_rect.w,
                                 max(self.body_rect.h, min(0.93 * H, floor) - top) if not self.templated else
                                 max(self.body_rect.h, min(0.96 * H, self.body_rect.bottom + 0.05 * H, floor) - top))

    def _template_footer(self) -> Rect | None:
        """The band of the template master's footer, date and slide-number placeholders, across the body's
        width (the footer text left, the number right); None when the master has none."""
        types = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE)
        rects = []
        for ph in self.prs.slide_master.placeholders:
            try:
                kind = ph.placeholder_format.type
            except ValueError:  # pragma: no cover - unknown placeholder type
                continue
            rect = _rect_of(ph) if kind in types else None
            if rect is not None and rect.y > 0.5 * self.H:
                rects.append(self._clamp(rect))
        if not rects:
            return None
        need = self.footer_size * LINE_HEIGHT + 2.0
        bottom = min(max(r.bottom for r in rects), self.H)
        y = min(min(r.y for r in rects), bottom - need)
        x = min(self.body_rect.x, min(r.x for r in rects))
        right = max(self.body_rect.x + self.body_rect.w, max(r.x + r.w for r in rects))
        return Rect(x, y, right - x, bottom - y)

    def _clamp(self, r: Rect) -> Rect:
        x, y = max(r.x, 0.0), max(r.y, 0.0)
        return Rect(x, y, min(r.w, self.W - x), min(r.h, self.H - y))

    # --- primitives ---------------------------------------------------------------

    def _colour(self, hex_colour: str | None, theme_colour: str | None = None) -> tuple[str | None, str | None]:
        """A run's (#RRGGBB, theme colour name) for ``pptx_xml.add_run``: ``hex_colour``, else ink on our own
        theme, else ``theme_colour`` (None: the template's)."""
        if hex_colour is not None:
            return hex_colour, None
        if not self.templated:
            return theme.INK, None
        return None, theme_colour

    def _write(self, text_frame, paras: list[Para], size: float, *, bullets_explicit: bool = True,
               colour: str | None = None) -> None:
        tx_body = text_frame._txBody
        first = pptx_xml.clear_text(tx_body)
        for i, para in enumerate(paras):
            p = first if i == 0 else pptx_xml.add_paragraph(tx_body)
            s = round(size * para.scale, 2)
            p_pr = pptx_xml.paragraph_format(p, pptx_xml.ALIGN[para.align], Pt(round(s * LINE_HEIGHT, 2)),
                                             Pt(0 if i == 0 else round(para.gap * s, 2)), Pt(0))
            ind = indent_for(s)
            explicit = bullets_explicit or not self.templated
            pptx_xml.set_bullet(p_pr, emu(ind if (para.bullet or para.hang) else 0.0),
                                hanging=para.bullet, char="•" if para.bullet else None,
                                font=(FONT if not self.templated else "Arial") if explicit else None,
                                colour=None if self.templated else theme.ACCENT)
            for run_model in para.runs:
                link = None
                if run_model.link:
                    link = text_frame.part.relate_to(run_model.link, RT.HYPERLINK, is_external=True)
                    hex_colour, scheme = self._colour(run_model.colour or (None if self.templated else theme.ACCENT),
                                                      "hlink")
                else:
                    hex_colour, scheme = self._colour(run_model.colour or colour)
                pptx_xml.add_run(p, run_model.text, Pt(s), run_model.bold, self.look.font, hex_colour, scheme, link)

    def _frame(self, text_frame, inset_x: float, inset_y: float, anchor=MSO_ANCHOR.TOP) -> None:
        text_frame.word_wrap = True
        text_frame.vertical_anchor = anchor
        text_frame.margin_left = text_frame.margin_right = emu(inset_x)
        text_frame.margin_top = text_frame.margin_bottom = emu(inset_y)
        pptx_xml.no_autofit(text_frame._txBody.bodyPr)

    def _textbox(self, slide, rect: Rect, paras: list[Para], size: float, *, band: bool = False,
                 name: str = "Text", colour: str | None = None, placeholder=None):
        inset_x = BAND_INSET if band else TEXT_INSET_X
        inset_y = BAND_INSET if band else TEXT_INSET_Y
        height = paras_height(paras, size, rect.w - 2 * inset_x) + 2 * inset_y
        if placeholder is not None:
            shape = placeholder
            shape.left, shape.top, shape.width, shape.height = emu(rect.x), emu(rect.y), emu(rect.w), emu(height)
        else:
            shape = slide.shapes.add_textbox(emu(rect.x), emu(rect.y), emu(rect.w), emu(height))
            shape.name = name
        self._frame(shape.text_frame, inset_x, inset_y)
        self._write(shape.text_frame, paras, size, bullets_explicit=placeholder is None, colour=colour)
        if band:
            shape.fill.solid()
            if self.templated:
                shape.fill.fore_color.theme_color = MSO_THEME_COLOR.ACCENT_1
                shape.fill.fore_color.brightness = 0.85
            else:
                shape.fill.fore_color.rgb = rgb(theme.TINT)
            line = shape.line
            if self.templated:
                line.fill.background()
            else:
                line.fill.background()
        return shape, height

    def _table(self, slide, rect: Rect, sec: TableSection, size: float):
        widths = column_widths(sec, size, rect.w)
        rows = ([sec.header] if sec.header else []) + sec.rows
        heights = [row_height(r, size, widths) for r in rows]
        total_h = sum(heights)
        frame = slide.shapes.add_table(len(rows), len(widths), emu(rect.x), emu(rect.y), emu(sum(widths)),
                                       emu(total_h))
        frame.name = sec.name
        table = frame.table
        pptx_xml.table_style(table._tbl.tblPr, TABLE_STYLE_NONE)
        table.first_row = sec.header is not None
        table.horz_banding = False
        for j, w in enumerate(widths):
            table.columns[j].width = emu(w)
        for i, (row, h) in enumerate(zip(rows, heights)):
            table.rows[i].height = emu(h)
            is_header = sec.header is not None and i == 0
            last = i == len(rows) - 1
            if is_line(row):
                table.cell(i, 0).merge(table.cell(i, len(widths) - 1))
            below_line = i + 1 < len(rows) and is_line(rows[i + 1])
            for j, cell_model in enumerate(row):
                cell = table.cell(i, j)
                cell.margin_left = cell.margin_right = emu(CELL_MX)
                cell.margin_top = cell.margin_bottom = emu(CELL_MY)
                cell.vertical_anchor = MSO_ANCHOR.TOP if not is_header else MSO_ANCHOR.BOTTOM
                # A blank cell holds a no-break space: LibreOffice sizes an empty one at its default 18 pt.
                shown = cell_model if cell_model.text else replace(cell_model, text="\u00a0")
                paras = [replace(p, align=cell_model.align) for p in _cell_paras(shown)]
                self._write(cell.text_frame, paras, size, colour=cell_model.colour)
                rule = cell_model.rule or (theme.LINE if is_header else (theme.RULE if not last else theme.LINE))
                if below_line and not is_header:
                    rule = None       # the row and the line under it read as one
                self._cell_style(cell, cell_model.fill, rule, 2.0 if (is_header or last or cell_model.rule) else 0.75)
            if is_line(row):
                for j in range(1, len(widths)):
                    self._cell_style(table.cell(i, j), None, rule, 2.0 if last else 0.75)
        return frame, total_h

    @staticmethod
    def _cell_style(cell, fill: str | None, rule: str | None, rule_w: float) -> None:
        pptx_xml.cell_style(cell._tc.get_or_add_tcPr(), fill, rule, emu(rule_w))

    def _new_slide(self, kind: str, title: str | None):
        slide = self.prs.slides.add_slide(self.layouts[kind])
        if title is not None:
            self._title(slide, title)
        return slide

    def _title(self, slide, title: str) -> None:
        ph = _find_ph(slide, (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE))
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
            shape.left, shape.top, shape.width, shape.height = emu(rect.x), emu(rect.y), emu(rect.w), emu(rect.h)
        self._frame(shape.text_frame, inset_x, 3.6, MSO_ANCHOR.BOTTOM if not self.templated else MSO_ANCHOR.MIDDLE)
        self._write(shape.text_frame, [para], size, colour=None if self.templated else theme.ACCENT)
        if not self.templated:
            # A thin accent rule under the title.
            y = rect.bottom + 4
            bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, emu(rect.x), emu(y), emu(64), emu(3))
            bar.name = "Title rule"
            bar.fill.solid()
            bar.fill.fore_color.rgb = rgb(theme.ACCENT)
            bar.line.fill.background()
            bar.shadow.inherit = False

    def _tidy(self, slide, keep: set[int]) -> None:
        """Remove placeholders the slide does not use (they would show 'Click to add text')."""
        for ph in list(slide.placeholders):
            if ph.shape_id not in keep:
                ph._element.getparent().remove(ph._element)

    def _footer_text(self) -> str:
        return self.c.name + (f" · {self.c.journal}" if self.c.journal else "")

    def _furniture(self) -> None:
        """The footer (study and journal, left) and the slide number (right) on every slide, once."""
        r, size = self.footer_rect, self.footer_size
        number_w = text_width("999", size) + 4.0
        text_w = r.w - number_w - 12.0
        text = shorten(self._footer_text(), size, text_w)
        for n, slide in enumerate(self.prs.slides, 1):
            shape = slide.shapes.add_textbox(emu(r.x), emu(r.y), emu(text_w), emu(r.h))
            shape.name = "Footer"
            self._frame(shape.text_frame, 0, 0, MSO_ANCHOR.MIDDLE)
            self._write(shape.text_frame, [P(text, colour=theme.MUTED)], size)
            box = slide.shapes.add_textbox(emu(r.x + r.w - number_w), emu(r.y), emu(number_w), emu(r.h))
            box.name = "Slide number"
            self._frame(box.text_frame, 0, 0, MSO_ANCHOR.MIDDLE)
            p = box.text_frame.paragraphs[0]
            p.alignment = PP_ALIGN.RIGHT
            r_pr = pptx_xml.add_slide_number(p._p, n)
            pptx_xml.style_run(r_pr, int(size * 100), theme.MUTED, self.look.font)

    def _notes(self, slide, text: str) -> None:
        tf = self._notes_page(slide).notes_text_frame
        tf.text = text.strip() or "No speaker notes."

    def _notes_page(self, slide):
        """The slide's new notes page. python-pptx makes the first one (cloning the notes master's placeholders,
        slow); the others start as copies of it, related as python-pptx relates them."""
        if self._blank_notes is None:
            notes = slide.notes_slide
            self._blank_notes = copy.deepcopy(notes._element)
            self._notes_made = notes.part.partname.idx
            return notes
        # Numbered on from the first, as python-pptx's next_partname would (it searches every part for it).
        self._notes_made += 1
        partname = PackURI(f"/ppt/notesSlides/notesSlide{self._notes_made}.xml")
        package = self.prs.part.package
        part = NotesSlidePart(partname, CT.PML_NOTES_SLIDE, package, copy.deepcopy(self._blank_notes))
        part.relate_to(self.prs.part.notes_master_part, RT.NOTES_MASTER)
        part.relate_to(slide.part, RT.SLIDE)
        slide.part.relate_to(part, RT.NOTES_SLIDE)
        return part.notes_slide

    # --- a body of sections, paginated ---------------------------------------------

    def _sections_slides(self, title: str, sections: list[Section], notes: Callable[[int, Page], str],
                         body: Rect | None = None) -> list:
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

    def _draw_page(self, slide, page: Page, size: float, body: Rect, y: float | None = None) -> float:
        y = body.y if y is None else y
        placeholder = _find_ph(slide, BODY_TYPES)
        used_ph = False
        keep: set[int] = set()
        title_ph = _find_ph(slide, (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE))
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

    # =========================================================================
    # The slides.

    def build(self) -> None:
        self.slide_title()
        self.slide_question()
        self.slide_design()
        self.slide_flow()
        self.slide_primary()
        self.slide_subgroups()
        self.slide_secondary()
        self.slide_appraisal()
        self.slide_checks()
        self.slide_conclusions()
        self.slide_discussion()
        self.slide_reference()

    # 1 ----------------------------------------------------------------------
    def slide_title(self) -> None:
        c = self.c
        slide = self.prs.slides.add_slide(self.layouts["title"])
        W, H = self.W, self.H
        title_ph = _find_ph(slide, (PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.TITLE))
        sub_ph = _find_ph(slide, (PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT))
        mx = 0.08 * W
        if self.templated and title_ph is not None and _rect_of(title_ph):
            t_rect = self._clamp(_rect_of(title_ph))
        else:
            t_rect = Rect(mx, 0.20 * H, W - 2 * mx, 0.22 * H)
        if self.templated and sub_ph is not None and _rect_of(sub_ph):
            s_rect = self._clamp(_rect_of(sub_ph))
        else:
            s_rect = Rect(mx, t_rect.bottom + 0.04 * H, W - 2 * mx, 0.88 * H - t_rect.bottom - 0.04 * H)
        journal = c.journal
        show_title = c.title if c.name != c.title else None
        # The name.
        name_para = P(c.name, bold=True, align="left" if not self.templated else "center")
        t_sizes = (54.0, 48.0, 44.0, 40.0, 36.0, 32.0, 28.0)
        t_size = fit_size([name_para], t_rect.w - 14.4, t_rect.h - 7.2, t_sizes)
        if t_size is None:
            t_size = TITLE_MIN
            need = paras_height([name_para], t_size, t_rect.w - 14.4) + 7.2
            t_rect = Rect(t_rect.x, t_rect.y, t_rect.w, need)
            s_rect = Rect(s_rect.x, max(s_rect.y, t_rect.bottom + 6), s_rect.w,
                          max(s_rect.bottom - max(s_rect.y, t_rect.bottom + 6), 40.0))
        shape = title_ph or slide.shapes.add_textbox(0, 0, 0, 0)
        shape.left, shape.top, shape.width, shape.height = emu(t_rect.x), emu(t_rect.y), emu(t_rect.w), emu(t_rect.h)
        self._frame(shape.text_frame, 7.2, 3.6, MSO_ANCHOR.BOTTOM)
        self._write(shape.text_frame, [name_para], t_size, colour=None if self.templated else theme.ACCENT)
        # Title, journal, presenter line.
        align = "left" if not self.templated else "center"
        muted = None if self.templated else theme.MUTED
        paras = []
        if show_title:
            paras.append(P(show_title, align=align, gap=0.0))
        if journal:
            paras.append(P(journal, bold=True, align=align, gap=0.6))
        paras.append(P("Presented by: [presenter name] · [date]", colour=muted, align=align, gap=1.2, scale=0.85))
        sizes = (28.0, 26.0, 24.0, 22.0, 20.0, 18.0, 16.0)
        inner_w = s_rect.w - 14.4
        size = fit_size(paras, inner_w, s_rect.h - 7.2, sizes) or BODY_MIN
        height = paras_height(paras, size, inner_w) + 7.2
        if sub_ph is None:
            sub = slide.shapes.add_textbox(0, 0, 0, 0)
            sub.name = "Subtitle"
        else:
            sub = sub_ph
        if height > s_rect.h:
            # The template's subtitle box is too small: use the room down to the bottom margin.
            s_rect = Rect(s_rect.x, s_rect.y, s_rect.w, max(s_rect.h, 0.95 * H - s_rect.y))
            size = fit_size(paras, inner_w, s_rect.h - 7.2, sizes) or BODY_MIN
            height = paras_height(paras, size, inner_w) + 7.2
            while height > s_rect.h and len(paras) > 1:
                paras = paras[1:]     # a title of thousands of characters: the name and journal stay
                height = paras_height(paras, size, inner_w) + 7.2
        sub.left, sub.top, sub.width, sub.height = emu(s_rect.x), emu(s_rect.y), emu(s_rect.w), emu(height)
        self._frame(sub.text_frame, 7.2, 3.6)
        self._write(sub.text_frame, paras, size)
        if not self.templated:
            bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, emu(t_rect.x + 7.2), emu(t_rect.bottom + 0.02 * H),
                                         emu(96), emu(4))
            bar.name = "Title rule"
            bar.fill.solid()
            bar.fill.fore_color.rgb = rgb(theme.ACCENT)
            bar.line.fill.background()
            bar.shadow.inherit = False
        keep = {s.shape_id for s in (title_ph, sub_ph) if s is not None}
        self._tidy(slide, keep)
        self._notes(slide, deck_notes.title_notes(c, show_title is not None))

    # 2 ----------------------------------------------------------------------
    def slide_question(self) -> None:
        c = self.c
        have_design = "design" in self.figures
        baseline = dict(c.pico).get("Participants")
        keep_labels = {"Population", "Intervention", "Comparator", "Outcomes"}
        if not have_design:
            keep_labels |= {"Eligibility", "Setting"}
        rows = []
        for label, value in c.pico:
            if label not in keep_labels:
                continue
            if label == "Population" and baseline:
                value = f"{value}\n{baseline}"
            rows.append([Cell(label, bold=True, colour=None if self.templated else theme.ACCENT), Cell(value)])
        sections: list[Section] = [TableSection(None, rows, caps=[0.22, 1.0], flex=1, body_size=True, name="PICO")]
        rationale = c.rationale
        if rationale:
            sections.append(TextSection([P("Why it matters", bold=True, gap=0.0), P(rationale, gap=0.3)], band=True))

        said = deck_notes.question_notes(c)
        self._sections_slides("The clinical question", sections, lambda i, p: deck_notes.continued(i, said))

    # 3 ----------------------------------------------------------------------
    def _diagram_slide(self, title: str, figure: DiagramSource | None, notes: str,
                       fallback_sections: list[Section] | None, base: float = DIAGRAM_BASE,
                       footnotes_said: bool = False) -> None:
        """The diagram on one slide at 18 down to 16 pt; too tall for one, at 16 pt cut between its rows
        over consecutive slides, unless leaving its footnotes to the speaker notes keeps it on one (``notes``
        add them unless ``footnotes_said``); a row too tall for a slide: the fallback tables and text instead."""
        body = self.diagram_rect
        parts: list | None = None
        # A slide is shown at screen size whatever its page size: on a template narrower than the
        # 13.33-inch default, the same apparent size needs proportionally fewer points.
        minimum = DIAGRAM_MIN * min(1.0, self.W / SLIDE_W)
        if figure is not None:
            try:
                parts = [figure.make(body.w, body.h, base, minimum)]
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
        if not parts or parts[0] is None:
            if fallback_sections:
                self._sections_slides(title, fallback_sections, lambda i, p: deck_notes.continued(i, notes))
            return
        keep_types = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
        for k, diagram in enumerate(parts):
            slide = self._new_slide("title_only", title if k == 0 else f"{title} (cont.)")
            x0 = body.x + (body.w - diagram.width) / 2
            # One slide: centred in the body; the parts of a cut diagram start at its top, as they continue.
            y0 = body.y + (max(0.0, (body.h - diagram.height) / 2) if len(parts) == 1 else 0.0)
            draw_diagram(slide.shapes, diagram, x0, y0, 1.0, self.diagram_look, name=title)
            self._tidy(slide, {ph.shape_id for ph in slide.placeholders if ph.placeholder_format.type in keep_types})
            self._notes(slide, deck_notes.continued(k, notes))

    def slide_design(self) -> None:
        c = self.c
        fallback = [TextSection([P(c.design_summary, gap=0.0)] +
                                [P(a.label + (f": {a.description}" if a.description else ""), bullet=True)
                                 for a in c.arms][:MAX_BULLETS])]
        self._diagram_slide("Design", self.figures.get("design"), deck_notes.design_notes(c), fallback)

    # 4 ----------------------------------------------------------------------
    def slide_flow(self) -> None:
        c = self.c
        flow = c.flow
        if flow is None:
            return
        with_flow = [(label, counts) for label, _, counts in flow.arms if counts is not None]
        at = {s: k for k, s in enumerate(FLOW_STAGES)}
        completed = [f"{label}: {counts[at['completed']]} completed of {counts[at['allocated']]} allocated"
                     for label, counts in with_flow]
        fallback: list[Section] = []
        if with_flow:
            header = [Cell("")] + [Cell(short, bold=True, fill=theme.arm_fill(i), rule=theme.arm_colour(i))
                                   for i, (_, short, _) in enumerate(flow.arms)]
            body_rows = [[Cell(stage.capitalize(), bold=True)] +
                         [Cell(counts[k] if counts is not None else NR, align="right") for _, _, counts in flow.arms]
                         for k, stage in enumerate(FLOW_STAGES)]
            reasons = "; ".join(f"{reason} ({n})" for reason, n in flow.reasons)
            top = (f"Assessed for eligibility: {flow.assessed}; excluded: {flow.excluded}"
                   + (f" ({reasons})" if reasons else "") + f"; randomized: {flow.randomized}.")
            fallback = [TextSection([P(top, gap=0.0)]),
                        TableSection(header, body_rows, caps=[0.3] + [0.3] * len(flow.arms), flex=0, name="Flow")]
        self._diagram_slide("Participant flow", self.figures.get("flow"), deck_notes.flow_notes(c, completed), fallback)

    # 5 ----------------------------------------------------------------------
    def _column_heads(self) -> list[Cell]:
        """The per-arm column headings, in the arm's colours (factorial levels, which are no arm, in none)."""
        c = self.c
        if not c.arm_columns:
            return [Cell(n, bold=True, align="right") for n in c.arm_names]
        return [Cell(n, bold=True, fill=theme.arm_fill(i), rule=theme.arm_colour(i), align="right")
                for i, n in enumerate(c.arm_names)]

    def _results_table(self, rows: tuple[ResultRow, ...], name: str, with_effect: bool = True,
                       label: str = "Outcome", ratio: float = TABLE_RATIO) -> TableSection:
        """Per arm, then effect, interval and P; one line per effect naming its comparison (on the outcome's
        own line when the record makes one comparison); "not reported" is muted, and CI and P share one
        column when no row reports either. Absolute effects go under their effect (muted), recomputed values
        under the last effect, or, in a table without effects (harms), on a line across under their row."""
        c = self.c

        value = _muted_value

        header = [Cell(label, bold=True)]
        header += self._column_heads()
        effects = [e for r in rows for e in r.effects]
        merge_ci_p = all(e.range in ABSENT and e.p in ABSENT for e in effects)
        # Three arms or more leave no room for an interval on one line: CI over P in one column.
        stack = not merge_ci_p and len(c.arm_names) >= 3
        levels = {e.level for e in effects if e.range not in ABSENT}
        one_level = len(levels) <= 1
        ci_head = f"{levels.pop()}% CI" if len(levels) == 1 else "95% CI" if not levels else "CI"
        if with_effect:
            # The record's one comparison is named once, in the effect column's heading.
            header += [Cell(f"Effect\n{c.comparison}" if c.comparison else "Effect", bold=True,
                            mute_from=1 if c.comparison else None)]
            header += ([Cell(f"{ci_head}; P", bold=True)] if merge_ci_p else [Cell(f"{ci_head}\nP", bold=True)]
                       if stack else [Cell(ci_head, bold=True), Cell("P", bold=True)])

        def effect_cells(e, derived: tuple[str, ...] = ()) -> list[Cell]:
            cells = _effect_cells(e, merge_ci_p, one_level, derived)
            if not stack:
                return cells
            ci, p = cells[1].text, cells[2].text
            both = Cell(f"{ci}\n{p}", colour=theme.MUTED if ci in ABSENT and p in ABSENT else None,
                        mute_from=1 if p in ABSENT and ci not in ABSENT else None)
            return [cells[0], both]

        blank = [Cell("")] * (2 if merge_ci_p or stack else 3)
        body = []
        for r in rows:
            title = r.label + (f"\n{r.timepoint}" if r.timepoint else "")
            inline = len(r.effects) == 1 and c.comparison is not None and not r.effects[0].label
            arm_cells = [value(v, align="right") for v in r.cells]
            if not with_effect:
                body.append([Cell(title, mute_from=1 if r.timepoint else None)] + arm_cells)
            elif inline or not r.effects:
                e = r.first
                qual = list(e.qualifiers) if e else []
                lines = [r.label] + ([r.timepoint] if r.timepoint else []) + qual
                cells = effect_cells(e, r.derived) if e else [value(NR)] + blank[1:]
                if e is None and r.derived:
                    cells[0] = Cell("\n".join([NR] + list(r.derived)), mute_from=0)
                body.append([Cell("\n".join(lines), mute_from=1 if len(lines) > 1 else None)] + arm_cells + cells)
            else:
                body.append([Cell(title, mute_from=1 if r.timepoint else None)] + arm_cells + blank)
                for k, e in enumerate(r.effects):
                    name = ", ".join(x for x in ((e.comparison if c.comparison is None else ""), e.label or "") if x)
                    lines = [name] + list(e.qualifiers)
                    last = k == len(r.effects) - 1
                    body.append([Cell("\n".join(lines), mute_from=1 if len(lines) > 1 else None)]
                                + [Cell("")] * len(r.cells) + effect_cells(e, r.derived if last else ()))
            if r.derived and not with_effect:
                values, mark = split_shared_mark(r.derived)
                text = "; ".join(values) + (f"\n{mark}" if mark else "")
                body.append([Cell(text, span=len(body[-1]), mute_from=1 if mark else None)])
        n_arms = len(c.arm_names)
        caps = [1.0] + [0.16] * n_arms
        if with_effect:
            caps += [0.24] + ([0.18] if merge_ci_p or stack else [0.18, 0.13])
        return TableSection(header, body, caps=caps, flex=0, name=name, ratio=ratio)

    def slide_primary(self) -> None:
        c = self.c
        rows = c.primary_rows
        if not rows:
            return
        self._diagram_slide("Primary outcomes at a glance", self.figures.get("results"),
                            deck_notes.graphic_notes(rows), None, base=RESULTS_BASE)
        table = self._results_table(rows, "Primary outcomes")
        notes = deck_notes.results_notes(c, rows, "Read across each row: each arm's result, then each comparison's "
                                         "effect with its interval and P value.")
        self._sections_slides("Primary outcomes", [table], lambda i, p: deck_notes.continued(i, notes))
        self._diagram_slide("Forest plot", self.figures.get("forest"), deck_notes.results_notes(
            c, rows, "One row per effect: the square is the estimate, the line its interval, the dashed line no "
            "effect; a hollow square has no interval reported."), None)

    def slide_subgroups(self) -> None:
        """One table per outcome with subgroups: the variable with its interaction P, then each level's
        per-arm numbers and effect (one line per comparison)."""
        c = self.c
        for r in c.primary_rows + c.secondary_rows:
            if not r.subgroups:
                continue
            effects = [e for sg in r.subgroups for _, _, es in sg.levels for e in es]
            merge_ci_p = all(e.range in ABSENT and e.p in ABSENT for e in effects)
            levels = {e.level for e in effects if e.range not in ABSENT}
            ci_head = f"{levels.pop()}% CI" if len(levels) == 1 else "95% CI" if not levels else "CI"
            header = [Cell("Subgroup", bold=True)]
            header += self._column_heads()
            header += [Cell("Effect", bold=True)] + ([Cell(f"{ci_head}; P", bold=True)] if merge_ci_p else
                                                     [Cell(ci_head, bold=True), Cell("P", bold=True)])
            blank = [Cell("")] * (len(c.arm_names) + (2 if merge_ci_p else 3))
            body: list[list[Cell]] = []
            for sg in r.subgroups:
                interaction = sg.interaction_p if sg.interaction_p not in ABSENT else \
                    f"P for interaction {sg.interaction_p}"
                body.append([Cell(f"{sg.variable}\n{interaction}", bold=True, mute_from=1)] + blank)
                for level, cells, level_effects in sg.levels:
                    arm_cells = [_muted_value(v, align="right") for v in cells]
                    first = level_effects[0] if level_effects else None
                    many = c.comparison is None and len(level_effects) > 1
                    label = level + (f"\n{first.comparison}" if first and many else "")
                    body.append([Cell(label, mute_from=1 if first and many else None)] + arm_cells +
                                (_effect_cells(first, merge_ci_p, len(levels) <= 1) if first else blank[len(cells):]))
                    for e in level_effects[1:]:
                        body.append([Cell(e.comparison)] + [Cell("")] * len(cells) +
                                     _effect_cells(e, merge_ci_p, len(levels) <= 1))
            caps = [1.0] + [0.16] * len(c.arm_names) + [0.24] + ([0.18] if merge_ci_p else [0.18, 0.13])
            table = TableSection(header, body, caps=caps, flex=0, name="Subgroups")
            self._sections_slides(f"Subgroups: {r.label}", [table],
                                  lambda i, p, r=r: deck_notes.continued(i, deck_notes.subgroup_notes(r)))

    # 6 ----------------------------------------------------------------------
    def slide_secondary(self) -> None:
        c = self.c
        sections: list[Section] = []
        if c.outcomes_note:
            sections.append(TextSection([P(c.outcomes_note, gap=0.0)]))
        # Few rows: the tables may be nearly as large as the text around them.
        n_rows = len(c.secondary_rows) + len(c.harm_rows)
        ratio = SPARSE_TABLE_RATIO if n_rows <= 4 else TABLE_RATIO
        if c.secondary_rows:
            sections.append(self._results_table(c.secondary_rows, "Secondary outcomes", ratio=ratio))
        if c.harm_rows:
            sections.append(self._results_table(c.harm_rows, "Harms", label="Harm", ratio=ratio,
                                                with_effect=any(r.effects for r in c.harm_rows)))
        if not sections:
            return
        title = ("Secondary outcomes and harms" if (c.secondary_rows or c.outcomes_note) and c.harm_rows
                 else "Harms" if c.harm_rows else "Secondary outcomes")
        notes = deck_notes.secondary_notes(c)
        self._sections_slides(title, sections, lambda i, p: deck_notes.continued(i, notes))

    # 7 ----------------------------------------------------------------------
    def slide_appraisal(self) -> None:
        c = self.c
        if c.rob_rows:
            header = [Cell("Domain", bold=True), Cell("Judgement", bold=True), Cell("Support", bold=True)]
            rows = []
            for r in c.rob_rows:
                rows.append([Cell(r.domain, bold=r.domain == "Overall"),
                             Cell(f"{r.symbol} {r.word}", bold=True, fill=ROB_FILL[r.judgement]),
                             Cell(r.support)])
            # A result judged apart from the study: the domains whose judgement differs (all in the notes).
            for o in c.outcome_rob:
                for r in o.differing(c.rob_rows):
                    rows.append([Cell(f"{r.domain}\nfor {o.outcome}", bold=r.domain == "Overall", mute_from=1),
                                 Cell(f"{r.symbol} {r.word}", bold=True, fill=ROB_FILL[r.judgement]),
                                 Cell(r.support)])
            sections: list[Section] = [TableSection(header, rows, caps=[0.28, 0.2, 1.0], flex=2, name="Risk of bias")]
            if c.grade:
                sections.append(TextSection([P(c.grade, gap=0.0)], band=True))
            notes = deck_notes.rob_notes(c)
            self._sections_slides("Appraisal: risk of bias (RoB 2)", sections,
                                  lambda i, p: deck_notes.continued(i, notes))
        if c.strengths or c.limitations:
            self._strengths_slides()
        elif c.grade and not c.rob_rows:
            self._sections_slides("Appraisal", [TextSection([P(c.grade, gap=0.0)], band=True)],
                                  lambda i, p: c.grade or "")

    def _strengths_slides(self) -> None:
        """Strengths and limitations side by side, each column at most six bullets a slide."""
        c = self.c
        body = self.body_rect
        gutter = 0.04 * body.w
        col_w = (body.w - gutter) / 2 if c.strengths and c.limitations else body.w
        columns = []
        for head, items in (("Strengths", c.strengths), ("Limitations", c.limitations)):
            if items:
                columns.append((head, [TextSection([P(head, bold=True, gap=0.0,
                                                      colour=None if self.templated else theme.ACCENT)]
                                                   + [P(x, bullet=True) for x in items])]))
        grade = [TextSection([P(c.grade, gap=0.0)], band=True)] if c.grade and not c.rob_rows else []
        best = None
        for s in BODY_SIZES:
            try:
                laid = [paginate(secs, s, col_w, body.h) for _, secs in columns]
            except LayoutError:
                continue
            n = max(len(p) for p in laid)
            if best is None or n < best[0]:
                best = (n, s, laid)
            if n == 1:
                break
        if best is None:
            raise LayoutError("deck: strengths and limitations cannot be laid out")
        n, s, laid = best
        for i in range(n):
            slide = self._new_slide("title_only", "Strengths and limitations" + (" (cont.)" if i else ""))
            for k, pages in enumerate(laid):
                if i < len(pages):
                    rect = Rect(body.x + k * (col_w + gutter), body.y, col_w, body.h)
                    self._draw_page(slide, pages[i], s, rect)
            self._notes(slide, deck_notes.continued(i, deck_notes.strengths_notes(c)))
        if grade:
            self._sections_slides("GRADE certainty", grade, lambda i, p: c.grade or "")

    # 8 ----------------------------------------------------------------------
    def slide_checks(self) -> None:
        """The audit's short reader notes as bullets; every warning in full (message and detail) in the
        speaker notes. No notes, no slide."""
        c = self.c
        items = [_lead_in(" ".join(n.split())) for n in c.notes if n.strip()]
        if not items:
            return
        notes = deck_notes.checks_notes(c, items[0].runs[0].text if len(items[0].runs) > 1 else items[0].text)
        self._sections_slides("Checking the numbers", [TextSection(items)],
                              lambda i, p: deck_notes.continued(i, notes))

    # 9 ----------------------------------------------------------------------
    def slide_conclusions(self) -> None:
        c = self.c
        sections: list[Section] = [TextSection([P("Bottom line", bold=True, gap=0.0,
                                                  colour=None if self.templated else theme.ACCENT),
                                                P(c.bottom_line, gap=0.3)], band=True)]
        if c.key_messages:
            sections.append(TextSection([P(m, bullet=True) for m in c.key_messages]))
        notes = deck_notes.conclusions_notes(c)
        self._sections_slides("Key conclusions", sections, lambda i, p: deck_notes.continued(i, notes))

    # 10 ---------------------------------------------------------------------
    def slide_discussion(self) -> None:
        c = self.c
        questions = c.discussion_questions or c.open_questions
        if not questions:
            return
        items = [P(q, bullet=True, gap=0.6) for q in questions]
        notes = deck_notes.discussion_notes(questions, c.discussion_answers if c.discussion_questions else (),
                                            c.open_questions if c.discussion_questions else ())
        self._sections_slides("Discussion", [TextSection(items)],
                              lambda i, p: ("Continued from the previous slide.\n" if i else "") + notes)

    # 11 ---------------------------------------------------------------------
    def slide_reference(self) -> None:
        c = self.c
        paras: list[Para] = []
        if c.citation:
            paras.append(P(c.citation, gap=0.0))
        if c.doi_url:
            paras.append(Para((Run("DOI: ", bold=True), Run(c.doi_url, link=c.doi_url))))
        if c.registrations:
            runs: list[Run] = [Run("Registration: " if len(c.registrations) == 1 else "Registrations: ", bold=True)]
            for k, (text, url) in enumerate(c.registrations):
                if k:
                    runs.append(Run("; "))
                runs.append(Run(text, link=url) if url else Run(text))
            paras.append(Para(tuple(runs)))
        if c.link_url:
            paras.append(Para((Run("Link: ", bold=True), Run(c.link_url, link=c.link_url))))
        if c.protocol:
            paras.append(Para((Run("Protocol: ", bold=True), Run(c.protocol))))
        if c.funding:
            paras.append(Para((Run("Funding: ", bold=True), Run(c.funding))))
        if c.interests:
            paras.append(Para((Run("Interests: ", bold=True), Run(c.interests))))
        if not paras:
            return
        paras[0] = replace(paras[0], gap=0.0)
        notes = deck_notes.reference_notes(c)
        self._sections_slides("Reference", [TextSection(paras)], lambda i, p: deck_notes.continued(i, notes))

    # =========================================================================
    # Saving.

    def save(self) -> bytes:
        self._furniture()
        moment = _epoch()
        props = self.prs.core_properties
        props.title = f"{self.c.name}: journal club"
        props.subject = self.c.title[:255]
        props.author = "evidence-brief"
        props.last_modified_by = "evidence-brief"
        props.keywords = "journal club"
        props.comments = self.c.footer
        props.revision = 1
        naive = moment.replace(tzinfo=None)
        props.created = naive
        props.modified = naive
        props.last_printed = naive
        return normalise_zip(_Members(self.prs.part.package).collect(), moment)


def _epoch() -> _dt.datetime:
    return source_date() or FIXED_DATE


class _Members(PackageWriter):
    """python-pptx's package writer (``Presentation.save``) handing it each member's bytes instead of zipping them:
    ``normalise_zip`` zips them once, in a stable order."""

    def __init__(self, package) -> None:
        super().__init__("", package._rels, tuple(package.iter_parts()))
        self.members: dict[str, bytes] = {}

    def write(self, pack_uri, blob: bytes) -> None:     # the physical writer's one method
        self.members[pack_uri.membername] = blob

    def collect(self) -> dict[str, bytes]:
        self._write_content_types_stream(self)
        self._write_pkg_rels(self)
        self._write_parts(self)
        return self.members


def normalise_zip(members: Mapping[str, bytes], moment: _dt.datetime) -> bytes:
    """The package as a zip with a stable entry order and fixed timestamps."""
    when = max(moment, _dt.datetime(1980, 1, 1, tzinfo=_dt.timezone.utc)).timetuple()[:6]
    names = list(members)
    order = [n for n in names if n == "[Content_Types].xml"] + sorted(n for n in names if n != "[Content_Types].xml")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, members[name])
    return out.getvalue()


def _muted_value(text: str, **kw) -> Cell:
    return Cell(text, colour=theme.MUTED if text in ABSENT else None, **kw)


def _effect_cells(e, merge_ci_p: bool, one_level: bool, derived: tuple[str, ...] = ()) -> list[Cell]:
    """Effect (with significance, absolute effects and ``derived`` muted under it), CI (the level left to the
    header when ``one_level``), P; or "CI; P" in one cell when ``merge_ci_p``."""
    parts = [e.estimate] + ([e.significance] if e.significance else [])
    extra = list(e.absolute_short) + list(derived)     # the methods in full are in the speaker notes
    if e.value in ABSENT and not e.significance and not extra:
        cells = [_muted_value(e.estimate)]
    else:
        cells = [Cell("\n".join(parts + extra), mute_from=len(parts) if extra else None)]
    ci = e.range if one_level or e.range in ABSENT else e.ci
    return cells + ([_muted_value(e.p if e.range in ABSENT else ci)] if merge_ci_p else
                    [_muted_value(ci), _muted_value(e.p)])


def _lead_in(text: str) -> Para:
    """A bullet whose opening clause (up to the first ": " or " (", when that comes early) is bold."""
    cut = min((i for i in (text.find(": "), text.find(" (")) if i > 0), default=-1)
    if 0 < cut <= 110 and cut < len(text) - 20:
        return Para((Run(text[:cut], bold=True), Run(text[cut:])), bullet=True, gap=0.9)
    return Para((Run(text),), bullet=True, gap=0.9)

