"""The one-page PDF brief of a trial (reportlab, through ``render.pdf_page``).

In:  the study's ``Content``, its figures as ``DiagramSource``s (``layout.brief_figures.trial_brief_figures``:
     the design schema, its compact band, the flow, and the marks drawn in the results table), the paper
     size (``"a4"`` or ``"letter"``). The brief never reads the record.
Out: the PDF as bytes, always exactly one page; or ``LayoutError`` when the content does not fit even at
     the smallest readable size, naming the record fields that are too long and by how much.

Reading order (what was studied → found → how sure → what it means), one module per part:

    header          acronym and title; citation with DOI and registry as links (``pdf_frame``)
    bottom line     tinted band, the most prominent text after the title (``pdf_frame``)
    the question    | PICO, setting, design | design diagram (or flow) |; or the PICO rows in two
                    balanced columns over the design schema as one short band across the page
                    (population → randomization → arms → follow-up → outcomes; the rows the band
                    shows are not repeated above it); or, without a diagram, the PICO rows in two
                    balanced columns and the design across (``pdf_question``)
    what was found  primary outcomes and harms, one line per effect, the results drawn in the cells,
                    absolute effects, subgroups, notes and GRADE certainty under their line (``pdf_table``)
    lower half      two flowing, balanced columns: how sure (RoB 2 with symbol + word, the "Checking the
                    numbers" box, strengths where they fit, limitations, GRADE of outcomes not in the
                    table), then what it means (key messages, the authors' conclusion) (``pdf_lower``,
                    poured by ``pdf_columns``)
    footer          funding, interests, appraiser; record id, tool version, build date (``pdf_frame``)

The grid is two equal columns with a 16 pt gutter inside 30 pt side margins; the header, the bottom-line
band, the design band, the table and the footer span both. Type shrinks in steps (``attempts()``): at body
9 → 8.5 → 8 pt, the full diagram beside the question, else the compact design band under it (``BAND_STEPS``);
then the band at 8 pt without what the page says twice (``LEAN``), at 8 pt with closer lines, at 7.5 pt
(then closer); then the full schema across the page; then without a diagram at 9 → 8.5 → 8 → 7.5 pt, then
7.5 pt with closer lines, then without the secondary-outcomes summary and the appraiser line. At each step
the "Checking the numbers" box is kept whole unless only a split fits; strengths are added where they still
fit. The first attempt that fits is used and spare height is shared out between the sections; when none
fits, ``LayoutError`` names the fields taking the most height and the overflow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache

from ..content import Content
from ..errors import LayoutError
from ..layout.fit import search
from ..layout.geometry import DiagramSource
from .pdf_blocks import BAND_STEPS, GUTTER, STEPS, Block, Style, definitions, label_width, two_columns
from .pdf_columns import flow_columns
from .pdf_frame import bottom_line_block, footer_block, header_block
from .pdf_lower import lower_pieces
from .pdf_page import Page, compose, paper_size, refuse_missing_glyphs, text_width_of, too_long, write_brief
from .pdf_question import question_above_band, question_beside_diagram, question_items
from .pdf_table import TooWide, results_section

LEAN = """Said twice, so left out first when space forces it (``Style.lean``), in this order: a limitation
whose words the "Checking the numbers" panel already says (``pdf_lower.said_in``); the article's title in the
citation (the brief's title names the trial and the DOI links to the article)."""

Figures = Mapping[str, DiagramSource]


@dataclass(frozen=True)
class Upper:
    """A step's sections above the lower half (header, bottom line, the question, the results) and its footer:
    what ``Style.strengths`` and ``Style.split_panel`` leave the same (only the lower half reads them)."""

    sections: tuple[Block, ...]
    footer: Block
    made: bool            # the step's diagram could be made


def layout_page(c: Content, figures: Figures, paper: str, style: Style, with_diagram: bool | str = True) -> Page:
    """The page at one shrink step laid out afresh, nothing shared with another step (the tests' oracle for
    ``fit_page``, which shares them); ``with_diagram``: True (beside the question), "band" (the compact
    design band under it), "wide" (the full schema under it) or False (none)."""
    return finish_page(c, paper, style, upper_sections(c, figures, paper, style, with_diagram,
                                                       results_tables(c, figures, paper)))


def results_tables(c: Content, figures: Figures, paper: str) -> Callable[[Style], Block]:
    """The results table of ``c`` on ``paper`` at a style, each laid out once: the table reads only the style
    (the steps beside the question and over the band share their type sizes)."""
    width = text_width_of(paper)

    @cache
    def table(style: Style) -> Block:
        return results_section(c, figures, width, style)

    return table


def upper_sections(c: Content, figures: Figures, paper: str, style: Style, with_diagram: bool | str,
                   results: Callable[[Style], Block]) -> Upper:
    """The sections above the lower half at one shrink step (``layout_page``), the results table from
    ``results`` (``results_tables``)."""
    width = text_width_of(paper)
    col = (width - GUTTER) / 2
    footer = footer_block(c, width, style)
    sections: list[Block] = [header_block(c, width, style, c.citation_short if style.lean else None),
                             bottom_line_block(c, width, style)]
    mode = "beside" if with_diagram is True else (with_diagram or None)
    row_a: Block | None = None
    if mode == "beside":
        row_a = question_beside_diagram(c, figures, col, style)
    elif mode in ("band", "wide"):
        row_a = question_above_band(c, figures, width, col, style, wide=mode == "wide")
    made = row_a is not None or mode is None
    if row_a is None:
        # Two balanced columns of PICO rows; the design summary (often long) spans the full width below.
        items = question_items(c)
        pico = [it for it in items if it[0] != "Design"]
        design = [it for it in items if it[0] == "Design"]
        lw = label_width([it[0] for it in items], col, style)
        row_a = two_columns("The question", pico, width, col, style, lw)
        if design:
            row_a.space(style.body * 0.35)
            row_a.add(definitions(design, width, style, lw))
    sections.append(row_a)
    sections.append(results(style))
    return Upper(tuple(sections), footer, made)


def finish_page(c: Content, paper: str, style: Style, upper: Upper) -> Page:
    """The page of ``upper`` (made at ``style`` but for its strengths and panel split) with the lower half at
    ``style``; the blocks of ``upper`` are only read, so one serves each variant of its step."""
    col = (text_width_of(paper) - GUTTER) / 2
    sections = [*upper.sections, flow_columns(lower_pieces(c, col, style), col)]
    return compose(sections, upper.footer, paper, style, upper.made)


def attempts() -> list[tuple[Style, bool | str]]:
    """The shrink steps, in order of preference: the larger type first, and at each type size down to 8 pt
    the full diagram beside the question before the compact design band under it (a tall schema beside a
    short question leaves a gap under the question; smaller type to keep it is no gain); then the band
    down to the minimum; then the full schema across the page under the question; then without a diagram
    (the question takes the full width), down to the minimum."""
    beside: list[tuple[Style, bool | str]] = [(s, True) for s in STEPS if s.body >= 8.0]
    band: list[tuple[Style, bool | str]] = [(s, "band") for s in BAND_STEPS]
    wide: list[tuple[Style, bool | str]] = [(s, "wide") for s in STEPS]
    # A stable sort: by type size, largest first; at one size, beside before the band, each in its order.
    return sorted(beside + band, key=lambda step: -step[0].body) + wide + [(s, False) for s in STEPS]


def fit_page(c: Content, figures: Figures, paper: str) -> Page:
    paper_size(paper)
    too_wide: list[TooWide] = []
    results = results_tables(c, figures, paper)

    def pages() -> Iterator[tuple[Style, Upper, Page]]:
        for style, with_diagram in attempts():
            try:
                upper = upper_sections(c, figures, paper, style, with_diagram, results)
            except TooWide as exc:     # the results table may fit at a smaller size
                too_wide.append(exc)
                continue
            page = finish_page(c, paper, style, upper)
            if page.overflow > 0 and c.notes_beside:   # the audit's box whole, else split at this step
                style = replace(style, split_panel=True)
                page = finish_page(c, paper, style, upper)
            yield style, upper, page

    def fits(step: tuple[Style, Upper, Page]) -> bool:
        return step[2].overflow <= 0 and bool(step[2].diagram)

    found = search(pages(), fits)     # (unpacked apart: mypy would read the step as optional)
    chosen, last = found
    if chosen is not None:
        style, upper, page = chosen
        if c.strengths:
            fuller = finish_page(c, paper, replace(style, strengths=True), upper)
            if fuller.overflow <= 0 and fuller.diagram:
                return fuller
        return page
    if last is None:
        raise LayoutError(f"brief: {too_wide[-1] if too_wide else None}")
    raise too_long(last[2], paper)


def _drawn_texts(c: Content) -> list[str]:
    """Every text the brief may draw (for the glyph check before any layout)."""
    texts = [c.title, c.name, c.citation or "", c.bottom_line, c.design_summary, c.footer, c.funding or "",
             c.interests or "", c.authors_conclusion or "", c.appraisal_by or "", c.outcomes_note or "",
             c.harms_note or ""]
    texts += [v for _, v in c.pico] + list(c.arm_names) + list(c.key_messages) + list(c.limitations)
    texts += list(c.notes_beside) + list(c.strengths)
    texts += [t for t, _ in c.registrations] + [t for fact in c.design_facts for t in fact] + list(c.shared_care or ())
    for r in c.primary_rows + c.harm_rows + c.secondary_rows:
        if r.grade is not None:
            texts += [r.label, *r.grade.statements, r.grade.why, r.grade.by or ""]
    for r in c.primary_rows + c.harm_rows:
        texts += [r.label, r.timepoint or "", r.note or "", *r.cells, *r.derived]
        effects = list(r.effects) + [e for sg in r.subgroups for _, _, es in sg.levels for e in es]
        for e in effects:
            texts += [e.sentence, *e.absolute]
        for sg in r.subgroups:
            texts += [sg.variable, sg.interaction_p] + [t for level, cells, _ in sg.levels for t in (level, *cells)]
    for rob in c.rob_rows + tuple(row for o in c.outcome_rob for row in o.rows):
        texts += [rob.domain, rob.word, rob.symbol, rob.support]
    texts += [o.outcome for o in c.outcome_rob]
    return texts


def render_brief(c: Content, figures: Figures, *, paper: str = "a4") -> bytes:
    """The one-page brief as PDF bytes (``paper``: "a4" or "letter")."""
    paper_size(paper)
    refuse_missing_glyphs(_drawn_texts(c))
    registry = c.registry.split()[-1] if c.registry else ""
    keywords = [c.name, "evidence brief", c.design_type + " trial", *c.arm_labels, registry, c.year or ""]
    return write_brief(fit_page(c, figures, paper), c, keywords)
