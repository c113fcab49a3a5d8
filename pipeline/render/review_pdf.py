"""The one-page PDF brief of a review (reportlab, through the trial brief's own blocks).

In:  the review's ``ReviewContent``, its figures as ``DiagramSource``s (``layout.brief_figures.review_brief_figures``:
     the PRISMA diagram and band, the first key outcome's forest), the paper size. It never reads the record.
Out: the PDF as bytes, exactly one page; or ``LayoutError`` naming what does not fit.

Reading order (what was asked → done → found → how sure → what it means):

    header            name and title; citation with DOI as a link (``pdf_frame.header_block``)
    bottom line       the tinted band (``pdf_frame.bottom_line_block``)
    question | flow   PICO, eligibility, search, what was included | the PRISMA 2020 diagram; or, when
                      that does not fit, the question in two balanced columns over the compact PRISMA
                      band ("prisma-band") across the page
    what was found    the forest plot of the first key outcome (study rows, diamonds, axis)
    summary of        one row per outcome: participants (studies), assumed and corresponding
    findings          risk per 1,000, relative effect, GRADE certainty (⊕ symbols and word), reasons
    lower half        two flowing columns: how sure (risk of bias, the audit's notes, limitations),
                      what it means (key messages, the authors' conclusion)
    footer            funding, interests; record id, version, build date (``pdf_frame.footer_block``)

Type shrinks through the trial brief's ``STEPS`` (body 9 → 7.5 pt), first with the PRISMA
diagram beside the question, then with the compact band; the diagrams are laid out at
the small size of the step (never below 6.5 pt) in the width they are drawn at (scale 1). The first
step that fits is used; when none does, ``LayoutError`` names the fields taking the most height.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .. import theme
from ..errors import LayoutError
from ..layout.columns import Column, by_words, solve
from ..layout.fit import search
from ..layout.geometry import Diagram, DiagramSource
from ..layout.rob_grid import rob_grid
from ..layout.text import line_count, text_width, wrap
from ..review.content import ReviewContent
from .pdf_blocks import (
    GUTTER,
    STEPS,
    Block,
    Figure,
    Item,
    Line,
    Part,
    Style,
    definitions,
    heading,
    label_width,
    paragraph,
    pitch,
    runs,
    subheading,
    text_lines,
    two_columns,
)
from .pdf_columns import Piece, bullet_pieces, flow_columns
from .pdf_frame import bottom_line_block, footer_block, header_block
from .pdf_page import (
    Page,
    compose,
    footer_room,
    paper_size,
    refuse_missing_glyphs,
    text_width_of,
    too_long,
    write_brief,
)

Figures = Mapping[str, DiagramSource]

DIAGRAM_MIN = 6.5
BAND_MAX = 150.0             # the compact PRISMA band: never taller than this
FOREST_MAX_SHARE = 0.6       # of the page's body height: the page-level fit decides


def render_review_brief(c: ReviewContent, figures: Figures, *, paper: str = "a4") -> bytes:
    paper_size(paper)
    refuse_missing_glyphs(_drawn_texts(c))
    return write_brief(fit_review_page(c, figures, paper), c, [c.name, "evidence brief", c.review_type, c.year or ""])


def fit_review_page(c: ReviewContent, figures: Figures, paper: str) -> Page:
    """The first step that fits: the PRISMA diagram beside the question at each type size, then the
    compact PRISMA band under the question at each type size; then both again with the risk of bias
    as counts per domain instead of the traffic-light grid; then with the forest plot at its smallest
    type; then without GRADE's statements in the summary of findings; at last with the forest plot's
    pooled rows only (``ATTEMPTS``)."""
    errors: list[LayoutError] = []

    def pages() -> Iterator[Page]:
        for grid, band, forest, statements in ATTEMPTS:
            for style in STEPS:
                try:
                    yield layout_review_page(c, figures, paper, style, band, grid, forest, statements)
                except LayoutError as exc:
                    errors.append(exc)

    def fits(page: Page) -> bool:
        return page.overflow <= 0

    found = search(pages(), fits)     # (unpacked apart: mypy would read the page as optional)
    chosen, last = found
    if chosen is not None:
        return chosen
    if last is not None:
        raise too_long(last, paper)
    raise errors[-1] if errors else LayoutError("brief: no layout was tried")


# (risk-of-bias grid, compact PRISMA band, forest plot: "full", "small" type or "pooled" rows only, GRADE's
# statements in the summary of findings)
ATTEMPTS = ((True, False, "full", True), (True, True, "full", True), (False, False, "full", True),
            (False, True, "full", True), (False, True, "small", True), (False, True, "small", False),
            (False, True, "pooled", False))


def _diagram(figures: Figures, key: str, width: float, height: float, base: float, smallest: float
             ) -> Diagram | None:
    source = figures.get(key)
    return None if source is None else source.make(width, height, base, smallest)


def layout_review_page(c: ReviewContent, figures: Figures, paper: str, style: Style, band: bool = False,
                       grid: bool = True, forest: str = "full", statements: bool = True) -> Page:
    width = text_width_of(paper)
    col = (width - GUTTER) / 2
    footer = footer_block(c, width, style)
    avail = footer_room(paper, footer, style)
    small = max(style.small, DIAGRAM_MIN)

    sections = [header_block(c, width, style), bottom_line_block(c, width, style)]
    sections.append(_question_and_flow(c, figures, width, col, style, small, band))
    diagram = _diagram(figures, "forest" if forest != "pooled" else "forest-pooled", width,
                       avail * FOREST_MAX_SHARE, small if forest == "full" else DIAGRAM_MIN, DIAGRAM_MIN)
    if c.forests and diagram is not None:
        f = c.forests[0]
        block = heading(f"What was found: {f.title}", width, style)
        block.ops.append(Figure(0.0, block.height, diagram))
        block.fields.append((f"outcomes ({f.outcome_id}) studies", diagram.height))
        block.height += diagram.height
        sections.append(block)
    sections.append(_sof_block(c, width, style, statements))
    sections.append(flow_columns(_lower_pieces(c, col, style, small, grid), col))
    return compose(sections, footer, paper, style)


def _question_and_flow(c: ReviewContent, figures: Figures, width: float, col: float, style: Style, small: float,
                       band: bool) -> Block:
    items: list[Item] = [(label, value, f"question.{label.lower()}") for label, value in c.pico]
    if c.eligibility:
        items.append(("Eligibility", "; ".join(c.eligibility), "eligibility"))
    items.append(("Search", c.search, "search"))
    items.append(("Included", c.included, "studies"))
    title = f"The question · {c.review_type}"
    diagram = _diagram(figures, "prisma-band" if band else "prisma", width if band else col,
                       BAND_MAX if band else 340.0, small, DIAGRAM_MIN)
    block = Block()
    if diagram is None or band:
        lw = label_width([label for label, _, _ in items], col, style)
        block.add(two_columns(title, items, width, col, style, lw))
        if diagram is not None:
            block.space(style.gap * 0.8)
            block.add(heading("Studies found (PRISMA 2020)", width, style))
            block.ops.append(Figure(0.0, block.height, diagram))
            block.fields.append(("prisma", diagram.height))
            block.height += diagram.height
        return block
    left = heading(title, col, style)
    left.add(definitions(items, col, style))
    right = heading("Studies found (PRISMA 2020)", col, style)
    right.ops.append(Figure(0.0, right.height, diagram))
    right.fields.append(("prisma", diagram.height))
    right.height += diagram.height
    block.add(left, 0.0, 0.0)
    block.add(right, col + GUTTER, 0.0)
    return block


def _sof_block(c: ReviewContent, width: float, style: Style, statements: bool = True) -> Block:
    """The GRADE summary-of-findings table: right-aligned numbers, reasons in a muted line under each row."""
    size = style.small
    block = heading("Summary of findings (GRADE)", width, style)
    heads = ("Outcome", "Participants\n(studies)", "Risk with\ncontrol", "Risk with\nintervention",
             "Relative effect\n(95% CI)", "Certainty")
    rows = [(r.outcome, r.participants, r.assumed, r.corresponding, r.relative, r.certainty) for r in c.sof]
    # Widths from layout.columns.solve: the numbers beside the outcome kept on one line where the room allows;
    # the outcome column's fifth of the width gives way first, its words wrap well.
    table = [[(line, True) for line in head.split("\n")] for head in heads]
    body = [[[(r[k], k == 0)] for k in range(len(heads))] for r in rows]

    def widest(lines: list[tuple[str, bool]]) -> float:
        return max((text_width(t, size, bold) for t, bold in lines), default=0.0)

    def column(k: int) -> Column:
        every = [table[k]] + [row[k] for row in body]
        words = max(text_width(w, size, bold) for lines in every for t, bold in lines for w in t.split() or [""]) + 6
        most = max(widest(lines) for lines in every) + 6
        if k == 0:
            return Column(words, max(most, 0.2 * width), 0.2 * width, yields=1)
        return Column(words, most, max((widest(row[k]) for row in body), default=0.0) + 6, cap=width)

    def heights(k: int, w: float) -> list[float]:
        return [sum(line_count(t, size, w - 6, bold) for t, bold in lines) * pitch(size, style)
                for lines in [table[k]] + [row[k] for row in body]]

    columns = [column(k) for k in range(len(heads))]
    widths = solve(columns, width, heights) or by_words(columns, width)
    aligns = ("left", "right", "right", "right", "right", "left")
    top = block.height
    cells = [text_lines(wrap(head, size, widths[k] - 6, True), 0.0, size, style, "bold", theme.MUTED, aligns[k],
                        widths[k] - 6) for k, head in enumerate(heads)]
    head_h = max(cell.height for cell in cells)
    x = 0.0
    for k, cell in enumerate(cells):
        block.add(cell, x + 3, top + head_h - cell.height)
        x += widths[k]
    block.height = top + head_h + 1.5
    block.ops.append(Line(0, block.height, width, block.height, theme.LINE, 0.6))
    block.space(2.5)
    for i, (r, row) in enumerate(zip(c.sof, rows, strict=True)):
        top = block.height
        h = 0.0
        x = 0.0
        for k, text in enumerate(row):
            font = "bold" if k == 0 else "regular"
            cell = text_lines(wrap(text, size, widths[k] - 6, font == "bold"), 0.0, size, style, font, theme.INK,
                              aligns[k], widths[k] - 6)
            block.add(cell, x + 3, top)
            h = max(h, cell.height)
            x += widths[k]
        block.height = top + h
        block.fields.append((f"outcomes[{i}]", h))
        statement = r.statement if statements else None
        if statement or r.reasons:    # GRADE's words in ink, then why in muted type
            said: list[Part] = [(statement, "regular", theme.INK)] if statement else []
            block.add(runs(said + ([(r.reasons, "regular")] if r.reasons else []), width - 6, size, style,
                           theme.MUTED, f"outcomes[{i}].certainty"), 3.0)
        block.space(1.5)
        block.ops.append(Line(0, block.height, width, block.height, theme.RULE, 0.4))
        block.space(2.0)
    block.add(paragraph(c.sof_note, width, size, style, colour=theme.MUTED))
    return block


def _lower_pieces(c: ReviewContent, col: float, style: Style, small: float, with_grid: bool) -> list[Piece]:
    size = style.body
    pieces: list[Piece] = []
    head = heading("How sure can we be?", col, style)
    grid = rob_grid(c.rob, col, 260.0, small, DIAGRAM_MIN) if c.rob is not None and with_grid else None
    if grid is None and c.rob is not None and c.rob.counts:
        block = Block()
        block.add(head)
        block.add(subheading(f"Risk of bias ({c.rob.tool}), studies per judgement", col, style))
        for i, line in enumerate(c.rob.counts):
            block.add(paragraph(line, col, style.small, style, source="studies[].rob" if i == 0 else None))
        pieces.append(Piece(block))
    elif grid is not None and c.rob is not None:
        block = Block()
        block.add(head)
        block.add(subheading(f"Risk of bias ({c.rob.tool})", col, style))
        block.space(2.0)
        block.ops.append(Figure(0.0, block.height, grid))
        block.height += grid.height
        block.fields.append(("studies[].rob", grid.height))
        pieces.append(Piece(block))
    elif c.rob is not None:
        block = Block()
        block.add(head)
        block.add(paragraph(f"Risk of bias ({c.rob.tool}): {c.rob.summary or 'per-study judgements not given'}",
                            col, size, style, source="risk_of_bias"))
        pieces.append(Piece(block))
    else:
        block = Block()
        block.add(head)
        pieces.append(Piece(block, keep_with_next=True))
    for i, note in enumerate(c.notes):
        pieces.extend(bullet_pieces(note, None, col - 12, style.small, style, 4.0 if i == 0 else 2.0, panel=True))
    for i, text in enumerate(c.limitations):
        pieces.extend(bullet_pieces(text, f"limitations[{i}]", col, size, style, 4.0 if i == 0 else 2.0))
    meaning = heading("What it means", col, style)
    for i, m in enumerate(c.key_messages):
        pieces.extend(bullet_pieces(m, f"conclusions.key_messages[{i}]", col, size, style,
                                    style.gap if i == 0 else 2.5, meaning if i == 0 else None))
    if c.authors_conclusion:
        block = subheading("The authors’ conclusion", col, style)
        block.space(1.5)
        top = block.height
        quote = paragraph(c.authors_conclusion, col - 9.0, size, style, source="conclusions.authors")
        block.add(quote, 9.0)
        block.ops.append(Line(1.0, top, 1.0, top + quote.height, theme.RULE, 1.6))
        pieces.append(Piece(block, 6.0))
    return pieces


def _drawn_texts(c: ReviewContent) -> list[str]:
    texts = [c.name, c.title, c.citation or "", c.bottom_line, c.search, c.sof_note, *c.key_messages, *c.limitations,
             *c.notes, c.authors_conclusion or ""]
    texts += [v for _, v in c.pico]
    for r in c.sof:
        texts += [r.outcome, r.certainty, r.reasons, r.relative, r.statement or ""]
    return texts

