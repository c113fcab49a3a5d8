"""The one-page PDF brief of a review (reportlab, through the trial brief's own blocks).

In:  a ``ReviewReport`` (review, ``ReviewContent``, diagrams' inputs), the paper size.
Out: the PDF as bytes, exactly one page; or ``LayoutError`` naming what does not fit.

Reading order (what was asked → done → found → how sure → what it means):

    header            name and title; citation with DOI as a link (``pdf.header_block``)
    bottom line       the tinted band (``pdf.bottom_line_block``)
    question | flow   PICO, eligibility, search, what was included | the PRISMA 2020 diagram; or, when
                      that does not fit, the question in two balanced columns over the compact PRISMA
                      band (``prisma_diagram(compact=True)``) across the page
    what was found    the forest plot of the first key outcome (study rows, diamonds, axis)
    summary of        one row per outcome: participants (studies), assumed and corresponding
    findings          risk per 1,000, relative effect, GRADE certainty (⊕ symbols and word), reasons
    lower half        two flowing columns: how sure (risk of bias, the audit's notes, limitations),
                      what it means (key messages, the authors' conclusion)
    footer            funding, interests; record id, version, build date (``pdf.footer_block``)

Type shrinks through the trial brief's ``STEPS`` (body 9 → 7.5 pt), first with the PRISMA
diagram beside the question, then with the compact band; the diagrams are laid out at
the small size of the step (never below 6.5 pt) in the width they are drawn at (scale 1). The first
step that fits is used; when none does, ``LayoutError`` names the fields taking the most height.
"""

from __future__ import annotations

import io
import os

from reportlab.pdfgen import canvas as rl_canvas

from .. import __version__, theme
from ..errors import LayoutError, RenderError
from ..layout.prisma import prisma_diagram
from ..layout.review_forest import review_forest
from ..layout.rob_grid import rob_grid
from ..glyphs import missing_glyphs
from ..layout.text import text_width, wrap
from ..review.content import ReviewContent
from .pdf import (GUTTER, LANG, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAPERS, STEPS, Block, Figure, Line, Page, Piece,
                  Style, _draw, _register_fonts, _too_long, bottom_line_block, bullet_pieces, definitions, flow_columns,
                  _two_columns, footer_block, header_block, heading, label_width, paragraph, subheading, text_lines)

DIAGRAM_MIN = 6.5
BAND_MAX = 150.0             # the compact PRISMA band: never taller than this
FOREST_MAX_SHARE = 0.6       # of the page's body height: the page-level fit decides


def render_review_brief(report, *, paper: str = "a4") -> bytes:
    if paper not in PAPERS:
        raise LayoutError(f"brief: unknown paper size {paper!r}; use one of {', '.join(PAPERS)}")
    c: ReviewContent = report.content
    _check_glyphs(c)
    fonts = _register_fonts()
    page = fit_review_page(report, paper)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch and not epoch.isdigit():
        raise RenderError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}")
    buffer = io.BytesIO()
    cv = rl_canvas.Canvas(buffer, pagesize=(page.width, page.height), invariant=1 if epoch else 0,
                          pageCompression=1, lang=LANG, initialFontName=fonts.regular, initialFontSize=STEPS[-1].body)
    cv.setTitle(f"{c.name}: {c.title}" if c.name != c.title else c.title)
    cit = report.review.citation
    cv.setAuthor(", ".join(cit.authors) + (", et al" if cit.et_al else "") if cit else f"evidence-brief {__version__}")
    cv.setSubject(f"Evidence brief: {c.bottom_line}")
    cv.setKeywords(", ".join(x for x in (c.name, "evidence brief", c.review_type, str(cit.year) if cit else "") if x))
    cv.setCreator(f"evidence-brief {__version__}")
    _draw(cv, page, fonts)
    cv.showPage()
    cv.save()
    return buffer.getvalue()


def fit_review_page(report, paper: str) -> Page:
    """The first step that fits: the PRISMA diagram beside the question at each type size, then the
    compact PRISMA band under the question at each type size; then both again with the risk of bias
    as counts per domain instead of the traffic-light grid; then with the forest plot at its smallest
    type; at last with the forest plot's pooled rows only (``ATTEMPTS``)."""
    last = None
    for grid, band, forest in ATTEMPTS:
        for style in STEPS:
            try:
                page = layout_review_page(report, paper, style, band, grid, forest)
            except LayoutError as exc:
                last = last if isinstance(last, Page) else exc
                continue
            if page.overflow <= 0:
                return page
            last = page
    if isinstance(last, Page):
        raise _too_long(last, paper)
    raise last


# (risk-of-bias grid, compact PRISMA band, forest plot: "full", "small" type or "pooled" rows only)
ATTEMPTS = ((True, False, "full"), (True, True, "full"), (False, False, "full"), (False, True, "full"),
            (False, True, "small"), (False, True, "pooled"))


def layout_review_page(report, paper: str, style: Style, band: bool = False, grid: bool = True,
                       forest: str = "full") -> Page:
    c: ReviewContent = report.content
    page_w, page_h = PAPERS[paper]
    width = page_w - 2 * MARGIN_X
    col = (width - GUTTER) / 2
    footer = footer_block(c, width, style)
    avail = page_h - MARGIN_TOP - MARGIN_BOTTOM - footer.height - style.gap
    small = max(style.small, DIAGRAM_MIN)

    sections = [header_block(c, width, style), bottom_line_block(c, width, style)]
    sections.append(_question_and_flow(report, width, col, style, small, band))
    if c.forests:
        f = c.forests[0]
        block = heading(f"What was found: {f.title}", width, style)
        diagram = review_forest(f, width, avail * FOREST_MAX_SHARE, small if forest == "full" else DIAGRAM_MIN,
                                DIAGRAM_MIN, studies=forest != "pooled")
        block.ops.append(Figure(diagram, 0.0, block.height))
        block.fields.append((f"outcomes ({f.outcome_id}) studies", diagram.height))
        block.height += diagram.height
        sections.append(block)
    sections.append(_sof_block(c, width, style))
    sections.append(flow_columns(_lower_pieces(report, col, style, small, grid), col, style))

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
    return Page(page_w, page_h, ops, used, avail, body.fields + footer.fields, style)


def _question_and_flow(report, width: float, col: float, style: Style, small: float, band: bool) -> Block:
    c: ReviewContent = report.content
    items = [(label, value, f"question.{label.lower()}") for label, value in c.pico]
    if c.eligibility:
        items.append(("Eligibility", "; ".join(c.eligibility), "eligibility"))
    items.append(("Search", c.search, "search"))
    items.append(("Included", c.included, "studies"))
    title = f"The question · {c.review_type}"
    diagram = prisma_diagram(report.review, width if band else col, BAND_MAX if band else 340.0, small,
                             DIAGRAM_MIN, compact=band)
    block = Block()
    if diagram is None or band:
        lw = label_width([label for label, _, _ in items], col, style)
        block.add(_two_columns(title, items, width, col, style, lw))
        if diagram is not None:
            block.space(style.gap * 0.8)
            block.add(heading("Studies found (PRISMA 2020)", width, style))
            block.ops.append(Figure(diagram, 0.0, block.height))
            block.fields.append(("prisma", diagram.height))
            block.height += diagram.height
        return block
    left = heading(title, col, style)
    left.add(definitions(items, col, style))
    right = heading("Studies found (PRISMA 2020)", col, style)
    right.ops.append(Figure(diagram, 0.0, right.height))
    right.fields.append(("prisma", diagram.height))
    right.height += diagram.height
    block.add(left, 0.0, 0.0)
    block.add(right, col + GUTTER, 0.0)
    return block


def _sof_block(c: ReviewContent, width: float, style: Style) -> Block:
    """The GRADE summary-of-findings table: right-aligned numbers, reasons in a muted line under each row."""
    size = style.small
    block = heading("Summary of findings (GRADE)", width, style)
    heads = ("Outcome", "Participants\n(studies)", "Risk with\ncontrol", "Risk with\nintervention",
             "Relative effect\n(95% CI)", "Certainty")
    rows = [(r.outcome, r.participants, r.assumed, r.corresponding, r.relative, r.certainty) for r in c.sof]
    natural = [max([text_width(h, size, True) for h in head.split("\n")] + [text_width(r[k], size) for r in rows]) + 6
               for k, head in enumerate(heads)]
    natural[0] = max(natural[0], 0.2 * width)
    spare = width - sum(natural)
    widths = [w + spare * w / sum(natural) for w in natural] if spare > 0 else \
        [w * width / sum(natural) for w in natural]
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
    for i, (r, row) in enumerate(zip(c.sof, rows)):
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
        if r.reasons:
            block.add(paragraph(r.reasons, width - 6, size, style, colour=theme.MUTED,
                                source=f"outcomes[{i}].certainty"), 3.0)
        block.space(1.5)
        block.ops.append(Line(0, block.height, width, block.height, theme.RULE, 0.4))
        block.space(2.0)
    block.add(paragraph(c.sof_note, width, size, style, colour=theme.MUTED))
    return block


def _lower_pieces(report, col: float, style: Style, small: float, with_grid: bool) -> list[Piece]:
    c: ReviewContent = report.content
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
    elif grid is not None:
        block = Block()
        block.add(head)
        block.add(subheading(f"Risk of bias ({c.rob.tool})", col, style))
        block.space(2.0)
        block.ops.append(Figure(grid, 0.0, block.height))
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


def _check_glyphs(c: ReviewContent) -> None:
    texts = [c.name, c.title, c.citation or "", c.bottom_line, c.search, c.sof_note, *c.key_messages, *c.limitations,
             *c.notes, c.authors_conclusion or ""]
    texts += [v for _, v in c.pico]
    for r in c.sof:
        texts += [r.outcome, r.certainty, r.reasons, r.relative]
    missing = sorted({ch for t in texts for ch in missing_glyphs(t)})
    if missing:
        raise LayoutError("brief: the font (DejaVu Sans) cannot draw " +
                          ", ".join(f"U+{ord(ch):04X}" for ch in missing[:8]) + "; replace these characters")

