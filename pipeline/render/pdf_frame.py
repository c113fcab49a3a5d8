"""The frame of a one-page brief, trial or review: the header, the bottom-line band and the footer.

In:  a ``Front`` (``content.Content`` or ``review.content.ReviewContent``), the width, a ``Style``.
Out: ``Block``s: acronym and title (at most two lines where a slightly smaller size allows), the citation with
     its DOI and registrations as links; the tinted bottom-line band; funding, interests and appraiser, with the
     record line on the same line when it fits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import theme
from ..content import NR, Content
from ..layout.text import baseline_offset, text_width, wrap
from .pdf_blocks import Block, Line, Part, Rect, Style, Text, paragraph, runs

if TYPE_CHECKING:   # a trial's brief never imports the review modules (their models are slow to build)
    from ..review.content import ReviewContent

    Front = Content | ReviewContent   # a trial's or a review's content: what the header, bottom line and footer read


def header_block(c: Front, width: float, style: Style, citation: str | None = None) -> Block:
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
    parts: list[Part] = []
    if citation:
        parts.append((citation, "regular", theme.MUTED))
    if doi:
        parts += [("DOI", "regular", theme.MUTED), (doi, "regular", theme.ACCENT, c.doi_url or "")]
    for k, (text, url) in enumerate(c.registrations):
        lead = [("·" if doi else "", "regular", theme.MUTED), ("Registered", "regular", theme.MUTED)] if k == 0 \
            else [("·", "regular", theme.MUTED)]
        parts += lead + [(text, "regular", theme.ACCENT if url else theme.INK, url or "")]
    if parts:
        block.add(runs(parts, width, style.small, style, theme.MUTED, "citation"))
    return block


def bottom_line_block(c: Front, width: float, style: Style) -> Block:
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


def footer_block(c: Front, width: float, style: Style) -> Block:
    size = style.small
    parts: list[Part] = [("Funding:", "bold"), ((c.funding or NR) + "  ", "regular"),
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
    # The record line shares the last line of the funding text when there is room, else gets its own.
    texts = [op for op in body.ops if isinstance(op, Text)]
    last = [op for op in texts if abs(op.y - max(o.y for o in texts)) < 0.01]
    end = max((op.x + text_width(op.text, size, op.style == "bold") for op in last), default=0.0)
    if end + 24.0 + text_width(c.footer, size) <= width:
        block.ops.append(Text(width, top + last[0].y, c.footer, "regular", size, theme.MUTED, "right"))
    else:
        block.space(1.5)
        block.add(paragraph(c.footer, width, size, style, colour=theme.MUTED))
    return block
