"""The lower half of the trial brief: how sure can we be, then what it means, as pieces for two columns.

In:  ``Content``, the column width, a ``Style``.
Out: ``Piece``s for ``pdf_columns.flow_columns``: the RoB 2 table (symbol and word per domain, then the
     domains a result was judged differently on), the "Checking the numbers" box (``Content.notes_beside``,
     one box unless ``Style.split_panel``), strengths where the page fits them, limitations, the GRADE
     certainty of outcomes the table does not show; the key messages and the authors' conclusion.
"""

from __future__ import annotations

from dataclasses import replace

from .. import theme
from ..content import Content, lower_first
from ..layout.text import baseline_offset, text_width
from .pdf_blocks import Block, Line, Rect, Style, Text, heading, lead_paragraph, paragraph, pitch, runs, subheading
from .pdf_columns import PANEL_PAD, Piece, bullet_pieces


def lower_pieces(c: Content, width: float, style: Style) -> list[Piece]:
    """How sure (RoB 2, then the audit's notes in their panel, strengths, limitations, GRADE), then what it
    means."""
    if style.lean and c.notes_beside:
        c = replace(c, limitations=tuple(t for t in c.limitations if not said_in(t, c.notes_beside)))
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


def said_in(text: str, notes: tuple[str, ...]) -> bool:
    """Whether ``notes`` already say ``text``: at least two of its longer words, and three in four of them,
    appear in the notes (e.g. a limitation about unstated denominators beside the audit's note on them)."""
    def words(t: str) -> set[str]:
        return {w for w in "".join(ch.lower() if ch.isalpha() else " " for ch in t).split()
                if len(w) >= 5 and w not in _STOP}
    own, said = words(text), words(" ".join(notes))
    return len(own & said) >= 2 and len(own & said) >= 0.75 * len(own)


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
        pieces.append(Piece(lead_paragraph("Main strengths: ", said, width, size, style, "appraisal.strengths",
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
        if overall and r.support and not said_in(r.support, c.limitations):   # said once: by the limitations
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
