"""The one-page PDF brief (reportlab).

In:  a prepared ``Report`` (study + formatted ``Content``), the paper size
     (``"a4"`` or ``"letter"``).
Out: the PDF as bytes, always exactly one page; or ``LayoutError`` when the
     content does not fit even at the smallest readable size, naming the
     record fields that are too long and by how much.

Reading order (what was studied → found → how sure → what it means):

    header          acronym and title; citation with DOI and registry as links
    bottom line     tinted band, the most prominent text after the title
    the question    | PICO, setting, design | design diagram (or flow) |; or the PICO rows in two
                    balanced columns over the design schema as one short band across the page
                    (population → randomization → arms → follow-up → outcomes; the rows the band
                    shows are not repeated above it); or, without a diagram, the PICO rows in two
                    balanced columns and the design across
    what was found  primary outcomes table (arms, or factorial levels, right-aligned; the shared
                    measure, unit, CI level and time point in the header; one line per effect naming
                    its comparison, with its hypothesis and margin, adjustment and population),
                    absolute effects under their effect, subgroups by variable with the interaction P,
                    harms like outcomes; each primary outcome's results drawn in its cells (the results
                    graphic of ``layout.results``, without numbers: a bar in a 0–100 % track under each
                    arm's percentage, a strip under each interval with the line of no effect and the
                    margin, hollow without an interval; the cells state every number once); under an
                    outcome rated with GRADE, its certainty, GRADE's statement of what it means and why
                    (``content.CertaintyText``), the rater said once under the table when shared
    lower half      two flowing, balanced columns: how sure (RoB 2 with symbol + word,
                    "Checking the numbers" panel, strengths where they fit, limitations, GRADE of
                    outcomes not in the table), then what it means
                    (key conclusions, the authors' conclusion)
    footer          funding, interests, appraiser; record id, tool version, build date

The grid is two equal columns with a 16 pt gutter inside 30 pt side margins; the
header, the bottom-line band, the design band, the table and the footer span both. Type shrinks in steps
(``attempts()``): with the full diagram beside the question at body 9 → 8.5 → 8 pt; then with
the compact design band (``BAND_STEPS``) at 9 → 8.5 → 8 pt, at 8 pt without what the page says
twice (``LEAN``), at 8 pt with closer lines, at 7.5 pt (then closer); then without a diagram at
9 → 8.5 → 8 → 7.5 pt, then 7.5 pt with closer lines, then without the secondary-outcomes
summary and the appraiser line. The first attempt that fits
is used and spare height is shared out between the sections; when none fits,
``LayoutError`` names the fields taking the most height and the overflow.
Text is measured with the DejaVu Sans metrics the PDF embeds (``layout.text``)
and drawn line by line with ``drawString``: record text is never parsed as
markup, and no line is ever wider than its column.

This is the only module of evidence-brief that imports reportlab.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from typing import Callable

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

from .. import __version__, theme
from ..content import (ABSENT, NR, Content, MEASURE_SHORT, ResultRow, centres_text, citation_text, fact_phrases,
                       lower_first, result_columns, source_date, split_shared_mark)
from ..errors import LayoutError, RenderError
from ..fonts import font_path
from ..layout.geometry import Diagram
from ..layout.results import Strip, cell_bar, cell_percents, cell_strips
from ..glyphs import missing_glyphs
from ..layout.text import text_width, wrap
from ..report import Report
from .pdf_diagram import Fonts, baseline_offset, draw_diagram

PAPERS = {"a4": A4, "letter": LETTER}
LANG = "en"

FONT_NAMES = {"regular": "EBDejaVuSans", "bold": "EBDejaVuSans-Bold"}
# No oblique: DejaVu Sans Oblique lacks hundreds of the regular face's glyphs, and user text may use them.
MIN_BODY = 7.5

# Which figure goes beside the question; the other is the fallback.
DIAGRAM_PREFERENCE = ("design", "flow")


@dataclass(frozen=True)
class Style:
    """Type sizes (pt) and spacing at one shrink step."""

    body: float
    small: float
    title: float
    head: float
    bottom: float
    gap: float          # between sections
    leading: float = 1.25
    extras: bool = True  # the secondary-outcomes summary and who appraised (not essential; dropped last)
    lean: bool = False   # leave out what the page says twice (see ``LEAN``), when space forces it
    strengths: bool = False  # the appraisal's strengths, added only where the page fits them at its step
    split_panel: bool = False  # the "Checking the numbers" box may break between the columns (space forcing it)


STEPS = (
    Style(body=9.0, small=8.0, title=17.0, head=10.0, bottom=12.0, gap=12.0, leading=1.25),
    Style(body=8.5, small=8.0, title=16.0, head=9.5, bottom=11.5, gap=10.0, leading=1.23),
    Style(body=8.0, small=7.5, title=15.0, head=9.0, bottom=11.0, gap=9.0, leading=1.21),
    Style(body=7.5, small=7.5, title=14.0, head=9.0, bottom=10.0, gap=7.0, leading=1.19),
    # The last resort: the same sizes, lines set a little closer (glyph boxes still do not touch).
    Style(body=7.5, small=7.5, title=14.0, head=9.0, bottom=10.0, gap=6.0, leading=1.17),
    Style(body=7.5, small=7.5, title=14.0, head=9.0, bottom=10.0, gap=6.0, leading=1.17, extras=False),
)
assert all(s.body >= MIN_BODY and s.small >= MIN_BODY for s in STEPS)

# With the compact design band: the same sizes, then (space forcing it) without what is said twice, then
# with lines a little closer, at 8 pt before 7.5 pt.
BAND_STEPS = (
    STEPS[0], STEPS[1], STEPS[2],
    replace(STEPS[2], lean=True),
    replace(STEPS[2], lean=True, leading=1.17, gap=8.0),
    replace(STEPS[2], lean=True, leading=1.15, gap=7.0),
    replace(STEPS[3], lean=True),
    replace(STEPS[4], lean=True),
)
LEAN = """Said twice, so left out first when space forces it (``Style.lean``), in this order: a limitation
whose words the "Checking the numbers" panel already says (``_said_in``); the article's title in the
citation (the brief's title names the trial and the DOI links to the article)."""

GUTTER = 16.0
MARGIN_X = 30.0
MARGIN_TOP = 26.0
MARGIN_BOTTOM = 22.0


# ---------------------------------------------------------------------------
# Drawing operations, recorded relative to a block's top-left (y down), so a
# block can be measured first and placed after.

@dataclass
class Text:
    x: float
    y: float            # baseline
    text: str
    style: str          # regular, bold, italic
    size: float
    colour: str = theme.INK
    align: str = "left"  # left: x is the start; right: x is the end

    def shift(self, dx: float, dy: float) -> "Text":
        return replace(self, x=self.x + dx, y=self.y + dy)


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str | None = None
    stroke: str | None = None
    width: float = 0.6
    radius: float = 0.0

    def shift(self, dx: float, dy: float) -> "Rect":
        return replace(self, x=self.x + dx, y=self.y + dy)


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str = theme.RULE
    width: float = 0.5

    def shift(self, dx: float, dy: float) -> "Line":
        return replace(self, x1=self.x1 + dx, y1=self.y1 + dy, x2=self.x2 + dx, y2=self.y2 + dy)


@dataclass
class Link:
    url: str
    x: float
    y: float
    w: float
    h: float

    def shift(self, dx: float, dy: float) -> "Link":
        return replace(self, x=self.x + dx, y=self.y + dy)


@dataclass
class Figure:
    diagram: Diagram
    x: float
    y: float
    scale: float = 1.0

    def shift(self, dx: float, dy: float) -> "Figure":
        return replace(self, x=self.x + dx, y=self.y + dy)


@dataclass
class Block:
    """Measured content: its height, what to draw, and which record fields took how much height."""

    height: float = 0.0
    ops: list = field(default_factory=list)
    fields: list[tuple[str, float]] = field(default_factory=list)

    def add(self, other: "Block", dx: float = 0.0, dy: float | None = None) -> float:
        """Place ``other`` at (dx, dy) (default: below everything so far); return its top."""
        top = self.height if dy is None else dy
        self.ops.extend(op.shift(dx, top) for op in other.ops)
        self.fields.extend(other.fields)
        self.height = max(self.height, top + other.height)
        return top

    def space(self, h: float) -> None:
        self.height += h


def pitch(size: float, style: Style) -> float:
    return size * style.leading


def text_lines(lines: list[str], x: float, size: float, style: Style, font: str = "regular",
               colour: str = theme.INK, align: str = "left", width: float = 0.0) -> Block:
    p = pitch(size, style)
    block = Block()
    for i, line in enumerate(lines):
        if line:
            ax = x + width if align == "right" else x
            block.ops.append(Text(ax, i * p + baseline_offset(size, p), line, font, size, colour, align))
    block.height = len(lines) * p
    return block


def paragraph(text: str, width: float, size: float, style: Style, font: str = "regular",
              colour: str = theme.INK, source: str | None = None, align: str = "left") -> Block:
    lines = wrap(text, size, width, font == "bold")
    block = text_lines(lines, 0.0, size, style, font, colour, align, width)
    if source:
        block.fields.append((source, block.height))
    return block


def heading(text: str, width: float, style: Style, rule: bool = True) -> Block:
    block = Block()
    if rule:
        block.ops.append(Line(0, 0.4, width, 0.4, theme.ACCENT, 0.8))
        block.space(4.0)
    block.add(paragraph(text, width, style.head, style, "bold", theme.ACCENT))
    block.space(2.5)
    return block


def subheading(text: str, width: float, style: Style) -> Block:
    return paragraph(text, width, style.body, style, "bold", theme.INK)


# ---------------------------------------------------------------------------
# Sections


def _field_of_pico(label: str) -> str:
    return {"Population": "question.population", "Eligibility": "question.eligibility",
            "Participants": "question.baseline", "Intervention": "question.intervention",
            "Comparator": "question.comparator", "Outcomes": "question.outcomes",
            "Setting": "question.setting", "Design": "design"}.get(label, label.lower())


def header_block(c: Content, width: float, style: Style, citation: str | None = None) -> Block:
    block = Block()
    title = f"{c.name}: {c.title}" if c.name and c.name != c.title else c.title
    size = style.title
    lines = wrap(title, size, width, True)
    while len(lines) > 2 and size > 14.0:      # a shorter title block beats a bigger one
        size -= 0.5
        lines = wrap(title, size, width, True)
    p = size * 1.18
    top = block.height
    for i, line in enumerate(lines):
        base = top + i * p + baseline_offset(size, p)
        prefix = f"{c.name}:"
        if i == 0 and c.name != c.title and line.startswith(prefix):
            block.ops.append(Text(0.0, base, prefix, "bold", size, theme.ACCENT))
            rest = line[len(prefix):]
            block.ops.append(Text(text_width(prefix, size, True), base, rest, "bold", size, theme.INK))
        else:
            block.ops.append(Text(0.0, base, line, "bold", size, theme.INK))
    block.height = top + len(lines) * p
    block.fields.append(("title" if c.name == c.title else "acronym, title", len(lines) * p))
    block.space(3.0)
    citation = citation or c.citation
    doi = c.doi_url.split("doi.org/", 1)[1] if c.doi_url and "doi.org/" in c.doi_url else None
    if citation and doi and citation.endswith(f" doi:{doi}"):
        citation = citation[: -len(f" doi:{doi}")]
    parts: list[tuple] = []
    if citation:
        parts.append((citation, "regular", theme.MUTED))
    if doi:
        parts += [("DOI", "regular", theme.MUTED), (doi, "regular", theme.ACCENT, c.doi_url)]
    for k, (text, url) in enumerate(c.registrations):
        lead = [("·" if doi else "", "regular", theme.MUTED), ("Registered", "regular", theme.MUTED)] if k == 0 \
            else [("·", "regular", theme.MUTED)]
        parts += lead + [(text, "regular", theme.ACCENT if url else theme.INK, url)]
    if parts:
        block.add(runs(parts, width, style.small, style, theme.MUTED, "citation"))
    return block


def bottom_line_block(c: Content, width: float, style: Style) -> Block:
    pad_x, pad_y, bar = 12.0, 3.0 + style.gap * 0.45, 4.0
    inner = width - 2 * pad_x - bar
    body = runs([("Bottom line", "bold", theme.ACCENT), (c.bottom_line, "bold", theme.INK)], inner,
                style.bottom, style, theme.INK, "conclusions.bottom_line")
    block = Block()
    h = body.height + 2 * pad_y
    block.ops.append(Rect(0, 0, width, h, fill=theme.TINT))
    block.ops.append(Rect(0, 0, bar, h, fill=theme.ACCENT))
    block.add(body, bar + pad_x, pad_y)
    block.height = h
    return block


def label_width(labels: list[str], width: float, style: Style) -> float:
    return min(max(text_width(label, style.body, True) for label in labels) + style.body * 0.9, width * 0.32)


def definitions(items: list[tuple[str, str, str]], width: float, style: Style, label_w: float | None = None) -> Block:
    """Label | value rows; labels in bold in a column as wide as the widest label."""
    size = style.body
    if label_w is None:
        label_w = label_width([label for label, _, _ in items], width, style)
    block = Block()
    for i, (label, value, source) in enumerate(items):
        if i:
            block.space(size * 0.35)
        top = block.height
        lab = paragraph(label, label_w - size * 0.6, size, style, "bold", theme.MUTED)
        val = paragraph(value, width - label_w, size, style, source=source)
        block.add(lab, 0.0, top)
        block.add(val, label_w, top)
    return block


def question_items(c: Content) -> list[tuple[str, str, str]]:
    items = [(label, value, _field_of_pico(label)) for label, value in c.pico]
    if c.shared_care:
        items.append((c.shared_care[0], c.shared_care[1], "design.co_interventions"))
    if c.design_summary:
        items.append(("Design", c.design_summary, "design"))
    return items


def question_block(c: Content, width: float, style: Style, items: list | None = None, title: str = "The question"
                   ) -> Block:
    block = heading(title, width, style)
    block.add(definitions(items if items is not None else question_items(c), width, style))
    return block


# --- results table -----------------------------------------------------------

@dataclass
class Cell:
    lines: list[tuple[str, str, float, str]] = field(default_factory=list)   # (text, font, size, colour)
    mark: Callable[[float], Diagram] | None = None   # a picture under the text, made for the cell's width

    def natural(self) -> float:
        return max((text_width(t, s, f == "bold") for t, f, s, _ in self.lines), default=0.0)

    def minimum(self) -> float:
        return max((text_width(w, s, f == "bold") for t, f, s, _ in self.lines for w in t.split()), default=0.0)


def _strip_p(p: str) -> str:
    if p.startswith("P = "):
        return p[4:]
    if p.startswith("P ") and len(p) > 2 and p[2] in "<>≤≥":
        return p[2:].replace(" ", "")
    return p


def _effect_header(rows: tuple[ResultRow, ...]) -> tuple[str, tuple[str, str] | None]:
    """A shared measure and unit move into the header: ("Risk difference, percentage points", (prefix, suffix))."""
    known_effects = [e for r in rows for e in r.effects if e.value not in ABSENT]
    if not known_effects:
        return "Effect", None
    kinds = {(e.measure, e.short, e.unit, bool(e.adjusted and e.adjusted != "unadjusted")) for e in known_effects}
    if len(kinds) != 1:
        return "Effect", None
    measure, short, unit, adjusted = kinds.pop()
    if adjusted:
        return "Effect", None
    head = measure[0].upper() + measure[1:] + (f", {unit}" if unit else "")
    return head, (short + " ", f" {unit}" if unit else "")


def _ci_header(rows: tuple[ResultRow, ...]) -> tuple[str, bool]:
    """The CI column's heading, and whether the cells may leave the level out (one level for all)."""
    levels = {e.level for r in rows for e in r.effects if e.range not in ABSENT}
    if len(levels) == 1:
        return f"{levels.pop()}% CI", True
    if not levels:
        return "95% CI", True
    return "CI", False


def _muted(text: str) -> str:
    return theme.MUTED if text in ABSENT else theme.INK


@dataclass
class TableRow:
    """One line of the results table: its cells, the record fields it shows, what goes under it."""

    cells: list[Cell]
    sources: list[str]
    extra: list[tuple[str, str, str]] = field(default_factory=list)   # ``_extra_parts`` under the line
    rule: bool = False            # a thin rule above (a new outcome)
    indent_label: bool = False


@dataclass(frozen=True)
class Marks:
    """The results graphic of one primary outcome, in its table cells (``layout.results``): a bar under each
    arm's percentage ({column: percent}) and a strip under each effect's interval ({effect index: strip})."""

    percents: dict[int, float]
    strips: dict[int, Strip]   # by the outcome's effect index
    coloured: bool     # the columns are arms (False: factorial levels, drawn without arm colours)


def _bar(percent: float, arm: int | None) -> Callable[[float], Diagram]:
    return lambda width: cell_bar(percent, arm, width)


def _effect_cells(e, strip: tuple[str, str] | None, level_in_head: bool, size: float, small: float,
                  mark: Strip | None = None) -> list[Cell]:
    est = e.estimate
    if strip and e.value not in ABSENT and est.startswith(strip[0]) and est.endswith(strip[1]):
        est = est[len(strip[0]): len(est) - len(strip[1])] if strip[1] else est[len(strip[0]):]
    eff = Cell([(est, "regular", size, _muted(est))])
    if e.significance:
        eff.lines.append((e.significance, "regular", small, theme.MUTED))
    ci = e.range if e.range in ABSENT or level_in_head else e.ci
    return [eff, Cell([(ci, "regular", size, _muted(ci))], mark.diagram if mark is not None else None),
            Cell([(_strip_p(e.p), "regular", size, _muted(e.p))])]


def _outcome_lines(c: Content, r: ResultRow, source: str, width: float, style: Style, strip, level_in_head: bool,
                   label_text: str, method: str | None, marks: Marks | None = None, rater_said: bool = False
                   ) -> list[TableRow]:
    """An outcome's table lines: its label and per-arm cells, then one line per effect naming its comparison
    (on the outcome's own line when the record has one comparison and this outcome one effect); ``marks``
    draw a primary outcome's results under its numbers."""
    size, small = style.body, style.small
    label = Cell([(label_text, "regular", size, theme.INK)])
    percents = marks.percents if marks is not None else {}
    arms = [Cell([(cell, "regular", size, _muted(cell))],
                 _bar(percents[j], j if marks is not None and marks.coloured else None) if j in percents else None)
            for j, cell in enumerate(r.cells)]
    strips = marks.strips if marks is not None else {}
    inline = len(r.effects) == 1 and c.comparison is not None and not r.effects[0].label
    lines: list[TableRow] = []
    if inline or not r.effects:
        e = r.first
        if e is not None:
            for q in e.qualifiers:
                label.lines.append((q, "regular", small, theme.MUTED))
            effect = _effect_cells(e, strip, level_in_head, size, small, strips.get(0))
        elif source.startswith("harms"):      # a harm without a reported effect: per-arm counts only
            effect = [Cell(), Cell(), Cell()]
        else:
            effect = [Cell([(NR, "regular", size, theme.MUTED)]), Cell(), Cell()]
        lines.append(TableRow([label] + arms + effect, [f"{source}.label"], _extra_parts(r, method, rater_said)))
        return lines
    lines.append(TableRow([label] + arms + [Cell(), Cell(), Cell()], [f"{source}.label"]))
    for k, e in enumerate(r.effects):
        name = e.comparison if c.comparison is None else ""
        name = ", ".join(x for x in (name, e.label or "") if x)
        sub = Cell([(name, "regular", size, theme.INK)]) if name else Cell()
        for q in e.qualifiers:
            sub.lines.append((q, "regular", small, theme.MUTED))
        lines.append(TableRow([sub] + [Cell() for _ in r.cells] +
                              _effect_cells(e, strip, level_in_head, size, small, strips.get(k)),
                              [f"{source}.effects[{k}]"], indent_label=True))
    lines[-1].extra = _extra_parts(r, method, rater_said)
    return lines


def results_block(report: Report, width: float, style: Style) -> Block:
    c = report.content
    rows = c.primary_rows
    size, small = style.body, style.small
    n_arms = len(c.arm_names)
    effect_head, strip = _effect_header(rows + c.harm_rows)
    method = shared_method(rows + c.harm_rows)
    rater_said, rater = shared_rater(rows + c.harm_rows)
    ci_head, level_in_head = _ci_header(rows + c.harm_rows)
    times = {r.timepoint for r in rows}
    common_time = times.pop() if len(times) == 1 and rows else None
    index = {o.id: i for i, o in enumerate(report.study.outcomes)}
    harm_index = {h.id: i for i, h in enumerate(report.study.harms)}

    def head(text: str) -> Cell:
        return Cell([(text, "bold", small, theme.INK)])

    label_head = Cell([("Primary outcome" + ("s" if len(rows) > 1 else "") +
                        (f" at {common_time}" if common_time else ""), "bold", small, theme.INK)])
    if c.comparison:
        label_head.lines.append((f"Effects: {c.comparison}", "regular", small, theme.MUTED))
    header = [label_head] + [head(name) for name in c.arm_names] + [head(effect_head), head(ci_head),
                                                                    head("P value")]
    if not rows:     # only harms below the header: no outcome, effect, CI or P columns to name
        header = [Cell()] + header[1:1 + n_arms] + [Cell(), Cell(), Cell()]
    body_rows: list[TableRow] = []
    columns = [key for key, _, _ in result_columns(report.study)]
    primary = [report.study.outcomes[index[r.id]] for r in rows if r.id in index]
    strips = cell_strips(report.study, primary)
    for r in rows:
        text = r.label + (f" at {r.timepoint}" if r.timepoint and not common_time else "")
        outcome = report.study.outcomes[index[r.id]] if r.id in index else None
        marks = None if outcome is None else Marks(
            cell_percents(outcome, columns), {k: s for (oid, k), s in strips.items() if oid == outcome.id},
            c.arm_columns)
        lines = _outcome_lines(c, r, f"outcomes[{index.get(r.id, 0)}]", width, style, strip, level_in_head, text,
                               method, marks, rater_said)
        lines[0].rule = bool(body_rows)
        body_rows.extend(lines)
    harm_rows: list[TableRow] = []
    for h in c.harm_rows:
        text = h.label + (f" at {h.timepoint}" if h.timepoint else "")
        lines = _outcome_lines(c, h, f"harms[{harm_index.get(h.id, 0)}]", width, style, strip, level_in_head, text,
                               method, rater_said=rater_said)
        harm_rows.extend(lines)

    ncols = 1 + n_arms + 3
    pad = 5.0
    all_rows = [header] + [r.cells for r in body_rows] + [r.cells for r in harm_rows]
    # Header cells wrap between words: they ask for no more width than their body cells or longest word.
    body_only = all_rows[1:]
    swatch = small * 0.75 + 3.0
    indent = EXTRA_INDENT
    # Arm names are short labels: ask for them on one line; the squeeze below wraps them only if it must.
    naturals = [max([row[j].natural() for row in body_only if j < len(row)] +
                    [(header[j].natural() + swatch) if 1 <= j <= n_arms else header[j].minimum()]) + pad
                for j in range(ncols)]
    minimums = [max(row[j].minimum() for row in all_rows if j < len(row)) + pad +
                (swatch if 1 <= j <= n_arms else 0.0) for j in range(ncols)]
    naturals[0] = max(naturals[0] + indent, width * 0.3)
    minimums[0] = max(minimums[0] + indent, min(width * 0.22, naturals[0]))
    # Column widths: every numeric column at its natural width if possible, the label column takes the rest.
    widths = list(naturals)
    rest = width - sum(widths[1:])
    if rest >= minimums[0]:
        widths[0] = rest
    else:
        # Squeeze the arm columns (they wrap between words), then the label, before the effect, CI and P
        # columns, whose numbers read best on one line.
        need = sum(naturals) - width
        for squeezable in (range(1, 1 + n_arms), range(1 + n_arms), range(ncols)):
            slack = [naturals[j] - minimums[j] if j in squeezable else 0.0 for j in range(ncols)]
            total_slack = sum(slack)
            if total_slack >= need:
                break
        if total_slack < need:
            raise _TooWide(f"the results table needs {sum(minimums) - width:.0f} pt more width than the page has "
                           f"even at {size:g} pt; shorten arms[].short_label or the outcome labels")
        widths = [naturals[j] - slack[j] * need / total_slack for j in range(ncols)]
    xs = [sum(widths[:j]) for j in range(ncols)]

    def layout_row(cells: list[Cell], is_header: bool = False, indent_label: bool = False) -> Block:
        block = Block()
        texts: dict[int, tuple[Block, float, float]] = {}
        for j, cell in enumerate(cells):
            if not cell.lines:
                continue
            col = Block()
            w = widths[j] - pad - (swatch if is_header and 1 <= j <= n_arms else 0.0) - \
                (indent if j == 0 and indent_label else 0.0)
            for text, font, sz, colour in cell.lines:
                align = "left" if j == 0 else "right"
                col.add(paragraph(text, w, sz, style, font, colour, align=align))
            texts[j] = col, w, xs[j] + (indent if indent_label else 0.0) if j == 0 else xs[j] + widths[j] - w
        # The arms' bars on one line, under the tallest of their numbers.
        bar_top = max((texts[j][0].height for j in texts if 1 <= j <= n_arms and cells[j].mark), default=0.0)
        for j, (col, w, x) in texts.items():
            mark = cells[j].mark
            if mark is not None and w >= MARK_MIN_WIDTH:
                picture = mark(w)
                top = bar_top if 1 <= j <= n_arms else col.height
                col.ops.append(Figure(picture, 0.0, top + 0.5))
                col.height = top + picture.height + 1.5
            block.add(col, x, 0.0)
        return block

    block = Block()
    cell_pad = min(3.5, style.gap * 0.4)
    if not body_rows:
        block.add(paragraph("Primary outcomes: none is marked primary in the record.", width, size, style,
                            colour=theme.MUTED))
        if not harm_rows:
            return block
        block.space(cell_pad * 2)
    # Header row with arm swatches.
    hdr = layout_row(header, is_header=True)
    for j, name in enumerate(c.arm_names if c.arm_columns else ()):
        first = wrap(name, small, widths[1 + j] - pad - swatch, True)[0]
        sw = small * 0.75
        x_text = xs[1 + j] + widths[1 + j] - text_width(first, small, True)
        hdr.ops.append(Rect(x_text - sw - 3.0, baseline_offset(small, pitch(small, style)) - sw * 0.95, sw, sw,
                            fill=theme.arm_colour(j)))
    block.add(hdr)
    block.space(3.0)
    block.ops.append(Line(0, block.height, width, block.height, theme.INK, 0.8))

    def place(lines: list[TableRow], gap: float) -> None:
        for i, line in enumerate(lines):
            if line.rule:
                block.space(cell_pad)
                block.ops.append(Line(0, block.height, width, block.height, theme.RULE, 0.4))
            block.space(cell_pad if (i == 0 or line.rule) else gap)
            row = layout_row(line.cells, indent_label=line.indent_label)
            source = line.sources[0].rsplit(".", 1)[0]
            extra = _parts_block(line.extra, width - EXTRA_INDENT, style, source)
            if extra is not None:
                # Under the label when that costs no more height than a line across the table.
                label = layout_row(line.cells[:1], indent_label=line.indent_label)
                inside = _parts_block(line.extra, widths[0] - pad - EXTRA_INDENT, style, source)
                one_line = inside is not None and inside.height <= pitch(style.small, style) + 0.01
                if one_line and max(row.height, label.height + 1.5 + inside.height) <= \
                        row.height + 1.5 + extra.height:
                    row.add(inside, EXTRA_INDENT, label.height + 1.5)
                    extra = None
            block.add(row)
            block.fields.extend((f, row.height) for f in line.sources)
            if extra is not None:
                block.space(1.5)
                block.add(extra, EXTRA_INDENT)

    place(body_rows, 1.5)
    if body_rows:
        block.space(cell_pad)
        block.ops.append(Line(0, block.height, width, block.height, theme.INK, 0.6))
    if harm_rows:
        block.space(cell_pad)
        block.add(paragraph("Harms", widths[0] - pad, small, style, "bold", theme.INK))
        place(harm_rows, 1.0)
        block.space(cell_pad)
        block.ops.append(Line(0, block.height, width, block.height, theme.INK, 0.6))
    else:
        block.space(cell_pad)
        block.add(paragraph("Harms: not reported in the record.", width, small, style, colour=theme.MUTED))
    said = ([("Absolute effects per 1,000:", "bold"), (f"{method}.", "regular")] if method else []) + \
        ([("Certainty (GRADE):", "bold"), (f"rated by {lower_first(rater)}.", "regular")] if rater else [])
    if said:
        block.space(1.5)
        block.add(runs(said, width, small, style, theme.MUTED, "audit: absolute effects; certainty"))
    return block


EXTRA_INDENT = 10.0
MARK_MIN_WIDTH = 24.0   # a cell narrower than this gets no bar or strip


def _parts_block(parts: list[tuple[str, str, str]], width: float, style: Style, source: str) -> Block | None:
    """Absolute effects, recomputed values, subgroups and the outcome's note (``_extra_parts``), in small
    type across ``width``."""
    block = Block()
    for lead, text, field_name, *tail in parts:
        ink = theme.INK if tail else theme.MUTED      # a part with a tail (the certainty) leads in ink
        said = ([(lead, "bold", ink)] if lead else []) + ([(text, "regular", ink)] if text else [])
        block.add(runs(said + [(t, "regular", theme.MUTED) for t in tail if t], width, style.small, style,
                       theme.MUTED, f"{source}.{field_name}"))
    return block if block.ops else None


def shared_rater(rows: tuple[ResultRow, ...]) -> tuple[bool, str | None]:
    """Whether the table's certainty ratings share one rater (then said once, under the table), and who."""
    raters = {r.grade.by for r in rows if r.grade is not None}
    if len(raters) > 1:
        return False, None
    return True, (raters.pop() if raters else None)


def shared_method(rows: tuple[ResultRow, ...]) -> str | None:
    """The one method every absolute effect of the table used, when there is one (then said once)."""
    methods = {m for r in rows for e in r.effects for _, m in e.absolute_parts}
    return methods.pop() if len(methods) == 1 else None


def _extra_parts(row: ResultRow, method: str | None = None, rater_said: bool = False) -> list[tuple[str, ...]]:
    """(bold lead, text, record field[, muted tail]) for each small line under a row; absolute effects without
    their method when the table says ``method`` once; the GRADE certainty (lead and statement in ink, why in
    the tail) without its rater when the table says ``rater_said`` once."""
    parts: list[tuple[str, ...]] = []
    many = len(row.effects) > 1
    for e in row.effects:
        if e.absolute_parts:
            lead = f"{e.comparison}: " if many else ""
            said = [words if method else f"{words} ({m})" for words, m in e.absolute_parts]
            parts.append((lead, "; ".join(said), "effects"))
    if row.derived:
        values, mark = split_shared_mark(row.derived)
        parts.append(((mark + ": ") if mark else "", "; ".join(values), "results"))
    for sg in row.subgroups:
        levels = []
        for level, _cells, effects in sg.levels:
            shown = "; ".join((f"{e.comparison} " if many else "") + e.headline for e in effects)
            levels.append(f"{level} {shown}" if shown else level)
        ip = f" ({sg.interaction_p})" if sg.interaction_p not in ABSENT else ""
        parts.append((f"By {sg.variable[0].lower() + sg.variable[1:]}{ip}: ", "; ".join(levels), "subgroups"))
    if row.note:
        parts.append(("", row.note, "note"))
    if row.grade is not None:
        g = row.grade
        said = " ".join(g.statements)
        why = g.why + (f" Rated by {lower_first(g.by)}." if g.by and not rater_said else "")
        parts.append((f"Certainty {g.symbols} {g.level} (GRADE): ", said, "certainty", why.strip()))
    return parts


class _TooWide(Exception):
    pass


def results_section(report: Report, width: float, style: Style) -> Block:
    c = report.content
    block = heading("What was found", width, style)
    block.add(results_block(report, width, style))
    if c.outcomes_note and style.extras:
        block.space(4.0)
        block.add(_lead_paragraph("Secondary outcomes: ", c.outcomes_note, width, style.small, style,
                                  "outcomes_note"))
    return block


def runs(parts: list[tuple], width: float, size: float, style: Style, colour: str = theme.MUTED,
         source: str | None = None) -> Block:
    """One paragraph of (text, font[, colour[, url]]) runs, e.g. a bold lead-in then regular text, wrapped
    word by word; runs with a url are underlined and clickable."""
    words: list[tuple[str, tuple]] = []
    for part in parts:
        text, font = part[0], part[1]
        key = (font, part[2] if len(part) > 2 else colour, part[3] if len(part) > 3 else None)
        for w in text.split():
            # A word wider than the line is broken into pieces that fit.
            words.extend((piece, key) for piece in (wrap(w, size, width, font == "bold") or [w]))
    space = text_width(" ", size)
    lines: list[list[tuple[str, tuple]]] = [[]]
    x = 0.0
    for w, key in words:
        ww = text_width(w, size, key[0] == "bold")
        if lines[-1] and x + space + ww > width:
            lines.append([])
            x = 0.0
        x += (space if lines[-1] else 0.0) + ww
        lines[-1].append((w, key))
    p = pitch(size, style)
    block = Block()
    for i, line in enumerate(lines):
        base = i * p + baseline_offset(size, p)
        x = 0.0
        j = 0
        while j < len(line):
            key = line[j][1]
            k = j
            while k < len(line) and line[k][1] == key:
                k += 1
            text = " ".join(w for w, _ in line[j:k])
            if j:
                x += space
            font, tint, url = key
            w = text_width(text, size, font == "bold")
            block.ops.append(Text(x, base, text, font, size, tint))
            if url:
                block.ops.append(Line(x, base + size * 0.14, x + w, base + size * 0.14, tint, 0.4))
                block.ops.append(Link(url, x, i * p, w, p))
            x += w
            j = k
    block.height = len(lines) * p if words else 0.0
    if source:
        block.fields.append((source, block.height))
    return block


def _lead_paragraph(lead: str, text: str, width: float, size: float, style: Style, source: str,
                    colour: str = theme.MUTED) -> Block:
    """A paragraph whose first words are bold."""
    return runs([(lead, "bold"), (text, "regular")], width, size, style, colour, source)


# --- the lower half: checking the numbers, appraisal, conclusions, in two flowing columns

@dataclass
class Piece:
    """An unbreakable part of the two-column flow."""

    block: Block
    before: float = 0.0       # space above it, unless it starts a column
    panel: bool = False       # part of the grey "Checking the numbers" box
    keep_with_next: bool = False


PANEL_PAD = 6.0


def bullet_pieces(text: str, source: str | None, width: float, size: float, style: Style, before: float,
                  lead: Block | None = None, panel: bool = False, colour: str = theme.INK) -> list[Piece]:
    """A bullet as one piece per line, so a column may break inside it (never after its first line or
    before its last); ``lead`` (a heading) stays with the first line."""
    marker = "•"
    indent = text_width(marker, size) + size * 0.6
    lines = wrap(text, size, width - indent)
    p = pitch(size, style)
    pieces: list[Piece] = []
    for j, line in enumerate(lines):
        block = Block()
        if j == 0 and lead is not None:
            block.add(lead)
        top = block.height
        if j == 0:
            block.ops.append(Text(0.0, top + baseline_offset(size, p), marker, "regular", size, theme.ACCENT))
        block.ops.append(Text(indent, top + baseline_offset(size, p), line, "regular", size, colour))
        if j == 0:
            if source:
                block.fields.append((source, len(lines) * p))
        block.height = top + p
        keep = j == 0 or j == len(lines) - 2
        pieces.append(Piece(block, before if j == 0 else 0.0, panel=panel, keep_with_next=keep))
    return pieces


def lower_pieces(c: Content, width: float, style: Style) -> list[Piece]:
    """How sure (RoB 2, then the audit's notes in their panel, strengths, limitations, GRADE), then what it
    means."""
    if style.lean and c.notes_beside:
        c = replace(c, limitations=tuple(t for t in c.limitations if not _said_in(t, c.notes_beside)))
    appraisal = appraisal_pieces(c, width, style, 0.0)
    pieces = appraisal[:1]
    if c.notes_beside:
        inner = width - 2 * PANEL_PAD
        head = paragraph("Checking the numbers", inner, style.small, style, "bold", theme.INK)
        head.space(2.0)
        panel: list[Piece] = []
        for i, note in enumerate(c.notes_beside):
            panel.extend(bullet_pieces(note, "audit notes", inner, style.small, style, 2.0 if i else 6.0,
                                       head if i == 0 else None, panel=True))
        for piece in panel[:-1] if not style.split_panel else ():    # one box, unless space forces a split
            piece.keep_with_next = True
        pieces.extend(panel)
    pieces.extend(appraisal[1:])
    pieces.extend(meaning_pieces(c, width, style, style.gap))
    return pieces


_STOP = {"about", "after", "before", "between", "could", "every", "their", "there", "these", "those", "which",
         "while", "where", "would", "other"}


def _said_in(text: str, notes: tuple[str, ...]) -> bool:
    """Whether ``notes`` already say ``text``: at least two of its longer words, and three in four of them,
    appear in the notes (e.g. a limitation about unstated denominators beside the audit's note on them)."""
    def words(t: str) -> set[str]:
        return {w for w in "".join(ch.lower() if ch.isalpha() else " " for ch in t).split()
                if len(w) >= 5 and w not in _STOP}
    own, said = words(text), words(" ".join(notes))
    return len(own & said) >= 2 and len(own & said) >= 0.75 * len(own)


def flow_columns(pieces: list[Piece], col: float, style: Style) -> Block:
    """Pour ``pieces`` into two columns, breaking where the taller column is lowest.

    Every candidate break is judged by the two columns' heights alone (``split_heights``, linear in
    the pieces), and only the chosen columns are built: building both columns' drawing operations for
    every break made this quadratic in the content and took tens of seconds for a long record."""
    best: tuple[float, int] | None = None
    for k, (left, right) in enumerate(split_heights(pieces)):
        if 0 < k < len(pieces) and pieces[k - 1].keep_with_next:
            continue
        h = max(left, right)
        if best is None or h < best[0] - 0.01:
            best = (h, k)
    assert best is not None
    k = best[1]
    block = Block()
    block.add(_column(pieces[:k], col), 0.0, 0.0)
    block.add(_column(pieces[k:], col), col + GUTTER, 0.0)
    return block


def split_heights(pieces: list[Piece]) -> list[tuple[float, float]]:
    """For each break k, the heights ``_column_layout`` gives ``pieces[:k]`` and ``pieces[k:]``, in one pass.

    A column's height is the sum of its pieces' heights, the space before every piece but its first,
    and a ``PANEL_PAD`` above and below each run of panel pieces; prefix sums give each in O(1)."""
    n = len(pieces)
    heights, befores, runs = [0.0], [0.0], [0]
    for i, p in enumerate(pieces):
        heights.append(heights[-1] + p.block.height)
        befores.append(befores[-1] + p.before)
        runs.append(runs[-1] + (p.panel and (i == 0 or not pieces[i - 1].panel)))

    def height(a: int, b: int) -> float:
        if a >= b:
            return 0.0
        run_count = runs[b] - runs[a] + (pieces[a].panel and a > 0 and pieces[a - 1].panel)
        return heights[b] - heights[a] + befores[b] - befores[a + 1] + 2 * PANEL_PAD * run_count

    return [(height(0, k), height(k, n)) for k in range(n + 1)]


def _column_layout(pieces: list[Piece]) -> tuple[list[float], list[tuple[float, float]], float]:
    """Where each piece of a column goes: its top, the grey panels (top, height), the column's height."""
    tops: list[float] = []
    panels: list[tuple[float, float]] = []
    height = 0.0
    panel_top: float | None = None
    for i, piece in enumerate(pieces):
        if piece.panel and panel_top is None:
            height += piece.before if i else 0.0
            panel_top = height
            height += PANEL_PAD
        elif i:
            height += piece.before
        tops.append(height)
        height += piece.block.height
        ends_panel = piece.panel and (i + 1 == len(pieces) or not pieces[i + 1].panel)
        if ends_panel and panel_top is not None:
            height += PANEL_PAD
            panels.append((panel_top, height - panel_top))
            panel_top = None
    return tops, panels, height


def _column(pieces: list[Piece], width: float) -> Block:
    tops, panels, height = _column_layout(pieces)
    block = Block()
    block.ops.extend(Rect(0, top, width, h, fill=theme.PANEL, stroke=theme.RULE, width=0.5,
                          radius=theme.CORNER_RADIUS) for top, h in reversed(panels))
    for piece, top in zip(pieces, tops):
        block.add(piece.block, PANEL_PAD if piece.panel else 0.0, top)
    block.height = height
    return block


def appraisal_pieces(c: Content, width: float, style: Style, before: float) -> list[Piece]:
    size = style.body
    pieces: list[Piece] = []
    block = heading("How sure can we be?", width, style)
    if c.rob_rows:
        block.add(paragraph("Risk of bias (RoB 2)", width, size, style, "bold"))
        block.space(2.0)
        block.add(rob_table(c, width, style))
        # A result judged apart from the study: the domains whose judgement differs (the brief shows no
        # supports but the overall one; the deck shows them all).
        for o in c.outcome_rob:
            rows = o.differing(c.rob_rows)
            if not rows:
                continue
            block.space(2.0)
            said = "; ".join(f"{r.domain[0].lower() + r.domain[1:]} {r.symbol} {r.word.lower()}" for r in rows)
            block.add(runs([(f"For {o.outcome}:", "bold"), (said, "regular")], width, style.small, style,
                           theme.MUTED, "outcomes[].risk_of_bias"))
    else:
        block.add(paragraph("Risk of bias: not assessed in this record.", width, size, style, colour=theme.MUTED))
    pieces.append(Piece(block, before))
    if c.strengths and style.strengths:    # one paragraph: they are added only where they fit
        said = "; ".join(t.rstrip(".") for t in c.strengths) + "."
        pieces.append(Piece(_lead_paragraph("Main strengths: ", said, width, size, style, "appraisal.strengths",
                                            theme.INK), 5.0))
    if c.limitations:
        head = subheading("Main limitations", width, style)
        head.space(1.5)
        for i, text in enumerate(c.limitations):
            pieces.extend(bullet_pieces(text, f"appraisal.limitations[{i}]", width, size, style,
                                        5.0 if i == 0 else 1.5, head if i == 0 else None))
    # The table shows the certainty of its outcomes beside their results; here only that of the others.
    rated = [r for r in c.secondary_rows if r.grade is not None]
    if rated:
        said = "; ".join(f"{r.label}: {r.grade.rating}" + (f" ({r.grade.why.rstrip('.')})" if r.grade.why else "")
                         + "".join(f" {s}" for s in r.grade.statements)
                         + (f" Rated by {lower_first(r.grade.by)}." if r.grade.by and r.grade.by != c.appraisal_by
                            else "")
                         for r in rated if r.grade is not None)
        pieces.append(Piece(runs([("GRADE certainty of other outcomes:", "bold"), (said, "regular")], width, size,
                                 style, theme.INK, "outcomes[].certainty"), 5.0))
    return pieces


def rob_table(c: Content, width: float, style: Style) -> Block:
    """One line per RoB 2 domain: a badge with the symbol, the domain, the judgement in words."""
    block = Block()
    size = style.small
    p = pitch(size, style)
    badge = size * 1.3
    word_w = max(text_width(r.word, size, True) for r in c.rob_rows)
    name_x = badge + 5.0
    name_w = width - name_x - word_w - 8.0
    for r in c.rob_rows:
        overall = r.domain == "Overall"
        if overall:
            block.space(1.5)
            block.ops.append(Line(0, block.height, width, block.height, theme.RULE, 0.4))
            block.space(2.5)
        top = block.height
        block.add(paragraph(r.domain, name_w, size, style, "bold" if overall else "regular"), name_x, top)
        cy = top + p / 2
        block.ops.append(Rect(0, cy - badge / 2, badge, badge, fill=theme.ROB_COLOUR.get(r.judgement, theme.RULE),
                              radius=badge / 2))
        block.ops.append(Text(badge / 2, cy + size * 0.36, r.symbol, "bold", size, "#FFFFFF", "centre"))
        block.ops.append(Text(width, top + baseline_offset(size, p), r.word, "bold", size, theme.INK, "right"))
        block.space(1.2)
        if overall and r.support and not _said_in(r.support, c.limitations):   # said once: by the limitations
            block.add(paragraph(r.support, width - name_x, size, style, colour=theme.MUTED,
                                source="appraisal.rob2.overall.support"), name_x)
    return block


def meaning_pieces(c: Content, width: float, style: Style, before: float) -> list[Piece]:
    size = style.body
    pieces: list[Piece] = []
    head = heading("What it means", width, style)
    for i, m in enumerate(c.key_messages):
        pieces.extend(bullet_pieces(m, f"conclusions.key_messages[{i}]", width, size, style,
                                    before if i == 0 else 2.5, head if i == 0 else None))
    if c.authors_conclusion:
        block = subheading("The authors’ conclusion", width, style)
        block.space(1.5)
        top = block.height
        quote = paragraph(c.authors_conclusion, width - 9.0, size, style, "regular", theme.INK,
                          source="conclusions.authors")
        block.add(quote, 9.0)
        block.ops.append(Line(1.0, top, 1.0, top + quote.height, theme.RULE, 1.6))
        pieces.append(Piece(block, 6.0))
    return pieces


# --- footer ---------------------------------------------------------------------

def footer_block(c: Content, width: float, style: Style) -> Block:
    size = style.small
    parts = [("Funding:", "bold"), ((c.funding or NR) + "  ", "regular"),
             ("Competing interests:", "bold"), ((c.interests or NR) + "  ", "regular")]
    if c.appraisal_by and style.extras:
        parts += [("Appraisal by:", "bold"), (c.appraisal_by, "regular")]
    block = Block()
    block.ops.append(Line(0, 0, width, 0, theme.RULE, 0.5))
    block.space(3.5)
    top = block.height
    body = runs(parts, width, size, style, theme.MUTED)
    block.add(body)
    block.fields.append(("funding, interests", body.height))
    _ = top
    # The record line shares the last line of the funding text when there is room, else gets its own.
    last = [op for op in body.ops if isinstance(op, Text) and abs(op.y - max(o.y for o in body.ops)) < 0.01]
    end = max((op.x + text_width(op.text, size, op.style == "bold") for op in last), default=0.0)
    if end + 24.0 + text_width(c.footer, size) <= width:
        block.ops.append(Text(width, top + last[0].y, c.footer, "regular", size, theme.MUTED, "right"))
    else:
        block.space(1.5)
        block.add(paragraph(c.footer, width, size, style, colour=theme.MUTED))
    return block


# ---------------------------------------------------------------------------
# Diagram choice


def _diagram_makers() -> dict[str, Callable]:
    from ..layout.design import design_diagram
    from ..layout.flow import flow_diagram
    return {"design": design_diagram, "flow": flow_diagram}


def choose_diagram(report: Report, width: float, heights: list[float], style: Style) -> Diagram | None:
    """The first diagram, in ``DIAGRAM_PREFERENCE`` order, that fits ``width`` × one of ``heights`` (tried
    in order) with its text no smaller than the minimum size; None when none fits."""
    makers = _diagram_makers()
    for kind in DIAGRAM_PREFERENCE:
        make = makers.get(kind)
        if make is None:
            continue
        for height in heights:
            try:
                diagram = make(report.study, width, height, base_size=max(MIN_BODY, style.body - 1.0),
                               min_size=MIN_BODY)
            except LayoutError:
                continue
            if diagram is not None and diagram.height <= height + 0.01 and diagram.width <= width + 0.01:
                return diagram
    return None


# ---------------------------------------------------------------------------
# The page


@dataclass
class Page:
    width: float
    height: float
    ops: list
    used: float
    available: float
    fields: list[tuple[str, float]]
    style: Style
    diagram: bool = True      # the step's diagram could be made (a step without one is tried later)

    @property
    def overflow(self) -> float:
        return self.used - self.available


def layout_page(report: Report, paper: str, style: Style, with_diagram: bool | str = True) -> Page:
    """The page at one shrink step; ``with_diagram``: True (beside the question), "band" (the compact
    design band under it), "wide" (the full schema under it) or False (none)."""
    c = report.content
    page_w, page_h = PAPERS[paper]
    width = page_w - 2 * MARGIN_X
    col = (width - GUTTER) / 2

    footer = footer_block(c, width, style)
    avail = page_h - MARGIN_TOP - MARGIN_BOTTOM - footer.height - style.gap

    sections: list[Block] = [header_block(c, width, style, _short_citation(report) if style.lean else None),
                             bottom_line_block(c, width, style)]

    items = question_items(c)
    mode = "beside" if with_diagram is True else (with_diagram or None)
    row_a: Block | None = None
    if mode == "beside":
        row_a = _question_beside_diagram(report, col, style)
    elif mode in ("band", "wide"):
        row_a = _question_above_band(report, width, col, style, wide=mode == "wide")
    made = row_a is not None or mode is None
    if row_a is None:
        # Two balanced columns of PICO rows; the design summary (often long) spans the full width below.
        pico = [it for it in items if it[0] != "Design"]
        design = [it for it in items if it[0] == "Design"]
        lw = label_width([it[0] for it in items], col, style)
        row_a = _two_columns("The question", pico, width, col, style, lw)
        if design:
            row_a.space(style.body * 0.35)
            row_a.add(definitions(design, width, style, lw))
    sections.append(row_a)

    sections.append(results_section(report, width, style))

    sections.append(flow_columns(lower_pieces(c, col, style), col, style))

    gaps = len(sections) - 1
    used = sum(s.height for s in sections) + gaps * style.gap
    extra = max(0.0, avail - used)
    spread = min(extra / gaps, style.gap * 1.2) if gaps else 0.0

    body = Block()
    for i, s in enumerate(sections):
        if i:
            body.space(style.gap + spread)
        body.add(s)
    ops = [op.shift(MARGIN_X, MARGIN_TOP) for op in body.ops]
    ops += [op.shift(MARGIN_X, page_h - MARGIN_BOTTOM - footer.height) for op in footer.ops]
    return Page(page_w, page_h, ops, used, avail, body.fields + footer.fields, style, made)



def _two_columns(title: str, items: list, width: float, col: float, style: Style, lw: float) -> Block:
    """A full-width heading over definition rows split into two balanced columns."""
    left_items, right_items = _balance(items, col, style, lw)
    block = heading(title, width, style)
    top = block.height
    block.add(definitions(left_items, col, style, lw), 0.0, top)
    if right_items:
        block.add(definitions(right_items, col, style, lw), col + GUTTER, top)
    return block


def _question_beside_diagram(report: Report, col: float, style: Style) -> Block | None:
    """The question in the left column, the full design diagram (or the flow) in the right."""
    c = report.content
    items = question_items(c)
    # The design schema shows eligibility and setting in its population box; say them once.
    compact = [it for it in items if it[0] not in ("Eligibility", "Setting") and it[2] != "design.co_interventions"]
    question = question_block(c, col, style, compact)
    diag_head = heading("Trial design", col, style)
    # As tall as the question beside it if it can be, else somewhat taller.
    diagram = choose_diagram(report, col, [max(question.height, 180.0) - diag_head.height,
                                           max(question_block(c, col, style).height, 240.0) * 1.3], style)
    if diagram is None:
        return None
    if diagram.kind != "design":
        question = question_block(c, col, style, items)
    else:   # the schema shows the hypothesis, clusters, factorial structure, analysis and stopping: not again
        rest = design_rest(report.study, c.design_facts, shows=FULL_SHOWS)
        shown = [it if it[0] != "Design" else ("Design", rest, "design") for it in compact]
        if c.shared_care and not diagram.extra.get("shared_care"):
            shown = [it if it[0] != "Design" else ("Design", rest, "design")
                     for it in items if it[0] not in ("Eligibility", "Setting")]
        question = question_block(c, col, style, shown)
    title = {"design": "Trial design", "flow": "Participant flow"}.get(diagram.kind, "Design")
    right = heading(title, col, style)
    right.ops.append(Figure(diagram, 0.0, right.height))
    right.height += diagram.height
    row = Block()
    row.add(question, 0.0, 0.0)
    row.add(right, col + GUTTER, 0.0)
    return row


BAND_MAX_HEIGHT = 110.0   # the compact design band: never taller than this (else it is not a band)


def _question_above_band(report: Report, width: float, col: float, style: Style, wide: bool = False
                         ) -> Block | None:
    """The question in two balanced columns, then the design as one short band across the page (``wide``:
    the full schema across the page, for a design the band cannot show, such as a factorial one).

    What the band shows is not said again above it: the outcomes row goes when the band lists the same
    outcomes, and the design row keeps only what the band does not show (the kind of trial, centres when
    no setting is given, masking)."""
    c, study = report.content, report.study
    diagram = choose_wide(report, width, style) if wide else choose_band(report, width, style)
    if diagram is None:
        return None
    items = [it for it in question_items(c) if it[0] != "Design"]
    if _outcomes_in_band(study):
        items = [it for it in items if it[0] != "Outcomes"]
    if wide:    # the full schema's population box shows eligibility and setting, its follow-up box the care
        shown = ("Eligibility", "Setting") + ((c.shared_care[0],) if c.shared_care and
                                              diagram.extra.get("shared_care") else ())
        items = [it for it in items if it[0] not in shown]
    rest = design_rest(study, c.design_facts, shows=FULL_SHOWS if wide else BAND_SHOWS)
    if rest:
        items.append(("Design", rest, "design"))
    lw = label_width([it[0] for it in items], col, style)
    block = _two_columns("The question and the trial design", items, width, col, style, lw)
    block.space(style.gap * 0.8)
    block.ops.append(Figure(diagram, 0.0, block.height))
    block.height += diagram.height
    # The caption is the figure's alt text for participant flow, less what the band shows.
    from ..layout.alt import flow_caption
    caption = flow_caption(study, beside_band=not wide)
    if caption:
        block.add(paragraph("Participants: " + caption, width, style.small, style, colour=theme.MUTED,
                            source="flow"))
    return block


def _short_citation(report: Report) -> str | None:
    """The citation without the article's title (``LEAN``)."""
    cit = report.study.citation
    if cit is None or not cit.title:
        return None
    return citation_text(report.study, with_title=False)


def choose_band(report: Report, width: float, style: Style) -> Diagram | None:
    """The compact design diagram, one band across ``width``, text 1 pt under the body (≥ the minimum)."""
    make = _diagram_makers().get("design")
    if make is None:
        return None
    try:
        diagram = make(report.study, width, BAND_MAX_HEIGHT, base_size=max(MIN_BODY, style.body - 1.0),
                       min_size=MIN_BODY, compact=True)
    except LayoutError:
        return None
    if diagram is None or diagram.height > BAND_MAX_HEIGHT + 0.01 or diagram.width > width + 0.01:
        return None
    return diagram


WIDE_MAX_HEIGHT = 240.0   # the full schema across the page: at most this tall


def choose_wide(report: Report, width: float, style: Style) -> Diagram | None:
    """The full design diagram across ``width``, at most ``WIDE_MAX_HEIGHT`` tall."""
    make = _diagram_makers().get("design")
    if make is None:
        return None
    try:
        diagram = make(report.study, width, WIDE_MAX_HEIGHT, base_size=max(MIN_BODY, style.body - 1.0),
                       min_size=MIN_BODY)
    except LayoutError:
        return None
    return diagram if diagram.height <= WIDE_MAX_HEIGHT + 0.01 and diagram.width <= width + 0.01 else None


def _outcomes_in_band(study) -> bool:
    """Whether the band's outcomes box says everything the question's outcomes row would."""
    primary = study.primary_outcomes
    if not primary:
        return bool(study.question.outcomes)      # the box then lists the question's outcomes
    shown = set()
    for o in primary:
        label = " ".join(o.label.split())
        shown.add(label)
        if o.timepoint:
            shown.add(f"{label} at {' '.join(o.timepoint.split())}")
    return all(" ".join(q.split()) in shown for q in study.question.outcomes)


def design_rest(study, design_facts: tuple[tuple[str, str], ...], shows: tuple[str, ...] = ()) -> str:
    """The design facts the band does not show: the kind of trial, where (without a setting), masking, then
    those of ``Content.design_facts`` the diagram does not show (``shows``)."""
    d = study.design
    kind = {"parallel": "Parallel-group", "single-group": "Single-group", "crossover": "Crossover",
            "cluster": "Cluster-randomized", "factorial": "Factorial"}[d.type]
    parts = [f"{kind} {'trial' if d.randomized else 'study'}" + (f" (phase {' '.join(d.phase.split())})"
                                                                 if d.phase else "")]
    if not study.question.setting:
        where = centres_text(d.centres, d.countries)
        if where:
            parts.append(where)
    if d.masking:
        parts.append("masking: " + " ".join(d.masking.split()))
    parts += fact_phrases(tuple((label, text) for label, text in design_facts if label not in shows))
    return "; ".join(parts)


BAND_SHOWS = ("Hypothesis", "Clusters", "Analysis", "Estimand", "Stopped early")   # see ``layout.design``
FULL_SHOWS = BAND_SHOWS + ("Factorial",)


def _balance(items: list, width: float, style: Style, label_w: float) -> tuple[list, list]:
    """Split definition rows into two columns of about equal height, keeping their order."""
    if len(items) < 2:
        return items, []
    heights = [definitions([it], width, style, label_w).height for it in items]
    total = sum(heights)
    best, best_k = None, len(items)
    for k in range(1, len(items)):
        left = sum(heights[:k])
        diff = abs(left - (total - left))
        if best is None or diff < best:
            best, best_k = diff, k
    return items[:best_k], items[best_k:]


def _too_long(page: Page, paper: str) -> LayoutError:
    over = page.overflow
    lines = over / pitch(page.style.body, page.style)
    per_field: dict[str, float] = {}
    for name, h in page.fields:
        per_field[name] = per_field.get(name, 0.0) + h
    ranked = sorted(per_field.items(), key=lambda kv: kv[1], reverse=True)
    named, covered = [], 0.0
    for name, h in ranked:
        named.append(f"{name} ({h:.0f} pt)")
        covered += h
        if covered >= over * 1.5 and len(named) >= 1 or len(named) >= 5:
            break
    return LayoutError(
        f"brief: the content does not fit on one {paper} page even with {page.style.body:g} pt body text: "
        f"it is {over:.0f} pt (about {lines:.0f} lines) too tall. The longest fields, with the height they take: "
        + ", ".join(named) + f". Shorten them by about {over:.0f} pt in total.")


def attempts() -> list[tuple[Style, bool | str]]:
    """The shrink steps, in order of preference: the full diagram beside the question at each type size
    down to 8 pt; then the compact design band under the question, down to the minimum; then the full
    schema across the page under the question; then without a diagram (the question takes the full
    width), down to the minimum."""
    beside = [(s, True) for s in STEPS if s.body >= 8.0]
    band = [(s, "band") for s in BAND_STEPS]
    wide = [(s, "wide") for s in STEPS]
    return beside + band + wide + [(s, False) for s in STEPS]


def fit_page(report: Report, paper: str) -> Page:
    last: Page | None = None
    too_wide: _TooWide | None = None
    for style, with_diagram in attempts():
        try:
            page = layout_page(report, paper, style, with_diagram)
            if page.overflow > 0 and report.content.notes_beside:   # the audit's box whole, else split at this step
                style = replace(style, split_panel=True)
                page = layout_page(report, paper, style, with_diagram)
        except _TooWide as exc:     # the results table may fit at a smaller size
            too_wide = exc
            continue
        if page.overflow <= 0 and page.diagram:
            if report.content.strengths:
                fuller = layout_page(report, paper, replace(style, strengths=True), with_diagram)
                if fuller.overflow <= 0 and fuller.diagram:
                    return fuller
            return page
        last = page
    if last is None:
        raise LayoutError(f"brief: {too_wide}")
    raise _too_long(last, paper)


# ---------------------------------------------------------------------------
# Fonts, metadata, output


def _register_fonts() -> Fonts:
    for style, name in FONT_NAMES.items():
        try:
            pdfmetrics.getFont(name)
        except KeyError:
            pdfmetrics.registerFont(TTFont(name, str(font_path(style))))
    return Fonts(FONT_NAMES["regular"], FONT_NAMES["bold"])


def _check_glyphs(c: Content) -> None:
    texts = [c.title, c.name, c.citation or "", c.bottom_line, c.design_summary, c.footer, c.funding or "",
             c.interests or "", c.authors_conclusion or "", c.grade or "", c.appraisal_by or "", c.outcomes_note or ""]
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
    for r in c.rob_rows + tuple(row for o in c.outcome_rob for row in o.rows):
        texts += [r.domain, r.word, r.symbol, r.support]
    texts += [o.outcome for o in c.outcome_rob]
    missing = sorted({ch for t in texts for ch in missing_glyphs(t)})
    if missing:
        shown = ", ".join(f"U+{ord(ch):04X}" for ch in missing[:8])
        raise LayoutError(f"brief: the font (DejaVu Sans) cannot draw {shown}; replace these characters")


def _keywords(report: Report) -> str:
    c = report.content
    words = [c.name, "evidence brief", report.study.design.type + " trial"]
    words += list(c.arm_labels)
    if c.registry:
        words.append(c.registry.split()[-1])
    if report.study.citation:
        words.append(str(report.study.citation.year))
    seen: list[str] = []
    for w in words:
        if w and w not in seen:
            seen.append(w)
    return ", ".join(seen)


def _author(report: Report) -> str:
    cit = report.study.citation
    if cit is None or not (cit.authors or cit.group):
        return f"evidence-brief {__version__}"
    return "; ".join(x for x in (", ".join(cit.authors) + (", et al" if cit.et_al and cit.authors else ""),
                                 " ".join((cit.group or "").split())) if x)


def render_brief(report: Report, *, paper: str = "a4") -> bytes:
    """The one-page brief of ``report`` as PDF bytes (``paper``: "a4" or "letter")."""
    if paper not in PAPERS:
        raise LayoutError(f"brief: unknown paper size {paper!r}; use one of {', '.join(PAPERS)}")
    c = report.content
    _check_glyphs(c)
    fonts = _register_fonts()
    page = fit_page(report, paper)

    epoch = source_date()
    buffer = io.BytesIO()
    cv = rl_canvas.Canvas(buffer, pagesize=(page.width, page.height), invariant=1 if epoch is not None else 0,
                          pageCompression=1, lang=LANG, initialFontName=fonts.regular,
                          initialFontSize=STEPS[-1].body)
    cv.setTitle(f"{c.name}: {c.title}" if c.name != c.title else c.title)
    cv.setAuthor(_author(report))
    cv.setSubject(f"Evidence brief: {c.bottom_line}")
    cv.setKeywords(_keywords(report))
    cv.setCreator(f"evidence-brief {__version__}")
    _draw(cv, page, fonts)
    cv.showPage()
    cv.save()
    return buffer.getvalue()


def _draw(cv, page: Page, fonts: Fonts) -> None:
    names = {"regular": fonts.regular, "bold": fonts.bold}
    h = page.height

    def Y(y: float) -> float:
        return h - y

    for op in page.ops:
        if isinstance(op, Rect):
            cv.setLineWidth(op.width)
            if op.fill:
                cv.setFillColor(op.fill)
            if op.stroke:
                cv.setStrokeColor(op.stroke)
            if op.radius:
                cv.roundRect(op.x, Y(op.y + op.h), op.w, op.h, op.radius, stroke=1 if op.stroke else 0,
                             fill=1 if op.fill else 0)
            else:
                cv.rect(op.x, Y(op.y + op.h), op.w, op.h, stroke=1 if op.stroke else 0, fill=1 if op.fill else 0)
        elif isinstance(op, Line):
            cv.setStrokeColor(op.colour)
            cv.setLineWidth(op.width)
            cv.line(op.x1, Y(op.y1), op.x2, Y(op.y2))
        elif isinstance(op, Text):
            cv.setFillColor(op.colour)
            cv.setFont(names[op.style], op.size)
            if op.align == "right":
                cv.drawRightString(op.x, Y(op.y), op.text)
            elif op.align == "centre":
                cv.drawCentredString(op.x, Y(op.y), op.text)
            else:
                cv.drawString(op.x, Y(op.y), op.text)
        elif isinstance(op, Link):
            cv.linkURL(op.url, (op.x, Y(op.y + op.h), op.x + op.w, Y(op.y)), relative=0, thickness=0)
        elif isinstance(op, Figure):
            draw_diagram(cv, op.diagram, op.x, Y(op.y), op.scale, fonts)
