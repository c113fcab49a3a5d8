"""The brief's question row: the PICO rows with the design diagram beside them, or over the compact design band
(or the full schema) across the page.

In:  ``Content``, the brief's figures (``layout.brief_figures``: "design", "band", "flow"), widths, a ``Style``.
Out: the row as a ``Block``, or None when its diagram does not fit (the page then tries its next step). What
     the diagram shows is not said again beside it: the population, eligibility and setting (its box), the
     co-interventions (the follow-up box), the design facts the schema draws, the outcomes the band lists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .. import theme
from ..content import Content, fact_phrases
from ..errors import LayoutError
from ..layout.geometry import Diagram, DiagramSource
from .pdf_blocks import (
    GUTTER,
    MIN_BODY,
    Block,
    Figure,
    Item,
    Style,
    definitions,
    heading,
    label_width,
    paragraph,
    two_columns,
)

# Which figure goes beside the question; the other is the fallback.
DIAGRAM_PREFERENCE = ("design", "flow")
BAND_MAX_HEIGHT = 110.0   # the compact design band of two arms: never taller than this (else it is not a band)
BAND_ARM_HEIGHT = 40.0    # room for each further arm stacked in the band (three arms: 150 pt)
BAND_MAX_ARMS = 8
WIDE_MAX_HEIGHT = 300.0   # the full schema across the page: at most this tall (the page fit decides)
BAND_SHOWS = ("Hypothesis", "Clusters", "Analysis", "Estimand", "Stopped early")   # see ``layout.design``
FULL_SHOWS = BAND_SHOWS + ("Factorial",)

PICO_FIELDS = {"Population": "question.population", "Eligibility": "question.eligibility",
               "Participants": "question.baseline", "Intervention": "question.intervention",
               "Comparator": "question.comparator", "Outcomes": "question.outcomes",
               "Setting": "question.setting", "Design": "design"}


def question_items(c: Content) -> list[Item]:
    items = [(label, value, PICO_FIELDS.get(label, label.lower())) for label, value in c.pico]
    if c.shared_care:
        items.append((c.shared_care[0], c.shared_care[1], "design.co_interventions"))
    if c.design_summary:
        items.append(("Design", c.design_summary, "design"))
    return items


def question_block(c: Content, width: float, style: Style, items: Sequence[Item] | None = None,
                   title: str = "The question") -> Block:
    block = heading(title, width, style)
    block.add(definitions(items if items is not None else question_items(c), width, style))
    return block


def _fitting(source: DiagramSource | None, width: float, height: float, style: Style) -> Diagram | None:
    """``source`` laid out in ``width`` × ``height`` with text 1 pt under the body (≥ the minimum); None when
    there is none or it does not fit."""
    if source is None:
        return None
    try:
        diagram = source.make(width, height, max(MIN_BODY, style.body - 1.0), MIN_BODY)
    except LayoutError:
        return None
    if diagram is None or diagram.height > height + 0.01 or diagram.width > width + 0.01:
        return None
    return diagram


def choose_diagram(figures: Mapping[str, DiagramSource], width: float, heights: Sequence[float], style: Style
                   ) -> Diagram | None:
    """The first diagram, in ``DIAGRAM_PREFERENCE`` order, that fits ``width`` × one of ``heights`` (tried
    in order) with its text no smaller than the minimum size; None when none fits."""
    for kind in DIAGRAM_PREFERENCE:
        for height in heights:
            diagram = _fitting(figures.get(kind), width, height, style)
            if diagram is not None:
                return diagram
    return None


def choose_band(figures: Mapping[str, DiagramSource], width: float, style: Style) -> Diagram | None:
    """The compact design diagram, one band across ``width``: ``BAND_MAX_HEIGHT`` tall for two arms, and
    ``BAND_ARM_HEIGHT`` taller for each further arm stacked in it."""
    source = figures.get("band")
    diagram = _fitting(source, width, BAND_MAX_HEIGHT, style)
    if diagram is not None or source is None:
        return diagram
    for arms in range(3, BAND_MAX_ARMS + 1):
        taller = _fitting(source, width, BAND_MAX_HEIGHT + BAND_ARM_HEIGHT * (arms - 2), style)
        if taller is not None:
            return taller if sum(box.role == "arm" for box in taller.boxes) >= arms else None
    return None


def choose_wide(figures: Mapping[str, DiagramSource], width: float, style: Style) -> Diagram | None:
    """The full design diagram across ``width``, at most ``WIDE_MAX_HEIGHT`` tall."""
    return _fitting(figures.get("design"), width, WIDE_MAX_HEIGHT, style)


def question_beside_diagram(c: Content, figures: Mapping[str, DiagramSource], col: float, style: Style
                            ) -> Block | None:
    """The question in the left column, the full design diagram (or the flow) in the right."""
    items = question_items(c)
    # The design schema shows eligibility and setting in its population box; say them once.
    compact = [it for it in items if it[0] not in ("Eligibility", "Setting") and it[2] != "design.co_interventions"]
    question = question_block(c, col, style, compact)
    diag_head = heading("Trial design", col, style)
    # As tall as the question beside it if it can be, else somewhat taller.
    diagram = choose_diagram(figures, col, [max(question.height, 180.0) - diag_head.height,
                                            max(question_block(c, col, style).height, 240.0) * 1.3], style)
    if diagram is None:
        return None
    if diagram.kind != "design":
        question = question_block(c, col, style, items)
    else:   # the schema shows the hypothesis, clusters, factorial structure, analysis and stopping: not again
        rest = design_rest(c, shows=FULL_SHOWS)
        shown = [it if it[0] != "Design" else ("Design", rest, "design") for it in compact]
        if c.shared_care and not diagram.extra.get("shared_care"):
            shown = [it if it[0] != "Design" else ("Design", rest, "design")
                     for it in items if it[0] not in ("Eligibility", "Setting")]
        arms = _box_words(diagram, "arm")
        shown = [it for it in shown if it[0] not in ("Intervention", "Comparator") or not _words(it[1]) <= arms]
        question = question_block(c, col, style, without_population(shown, diagram))
    title = {"design": "Trial design", "flow": "Participant flow"}.get(diagram.kind, "Design")
    right = heading(title, col, style)
    right.ops.append(Figure(0.0, right.height, diagram))
    right.height += diagram.height
    row = Block()
    row.add(question, 0.0, 0.0)
    row.add(right, col + GUTTER, 0.0)
    return row


def without_population(items: Sequence[Item], diagram: Diagram) -> list[Item]:
    """``items`` without the population row when the diagram's population box says all its words."""
    said = _box_words(diagram, "population")
    return [it for it in items if it[0] != "Population" or not _words(it[1]) <= said]


def _box_words(diagram: Diagram, role: str) -> set[str]:
    """The words the diagram's boxes of ``role`` say."""
    return _words(" ".join(line.text for box in diagram.boxes if box.role == role for line in box.lines))


def _words(text: str) -> set[str]:
    """The words of ``text`` (an intervention or comparator row that the schema's arm boxes say in full goes)."""
    return set(re.findall(r"[\w%]+", text.lower()))


def question_above_band(c: Content, figures: Mapping[str, DiagramSource], width: float, col: float, style: Style,
                        wide: bool = False) -> Block | None:
    """The question in two balanced columns, then the design as one short band across the page (``wide``:
    the full schema across the page, for a design the band cannot show, such as a factorial one).

    What the band shows is not said again above it: the outcomes row names only the outcomes the band does
    not list ("Other outcomes"; none: it goes), and the design row keeps only what the band does not show (the
    kind of trial, centres when no setting is given, masking)."""
    diagram = choose_wide(figures, width, style) if wide else choose_band(figures, width, style)
    if diagram is None:
        return None
    items = [it for it in question_items(c) if it[0] != "Design"]
    others = outcomes_not_in_band(c)
    items = [it if it[0] != "Outcomes" else ("Other outcomes", "; ".join(others), it[2])
             for it in items if it[0] != "Outcomes" or others]
    if wide:    # the full schema's population box shows eligibility and setting, its follow-up box the care
        shown = ("Eligibility", "Setting") + ((c.shared_care[0],) if c.shared_care and
                                              diagram.extra.get("shared_care") else ())
        items = [it for it in items if it[0] not in shown]
    items = without_population(items, diagram)
    rest = design_rest(c, shows=FULL_SHOWS if wide else BAND_SHOWS)
    if rest:
        items.append(("Design", rest, "design"))
    lw = label_width([it[0] for it in items], col, style)
    block = two_columns("The question and the trial design", items, width, col, style, lw)
    block.space(style.gap * 0.8)
    block.ops.append(Figure(0.0, block.height, diagram))
    block.height += diagram.height
    # The caption: the participant flow, less what the diagram shows (``layout.brief_figures``).
    source = figures.get("design" if wide else "band")
    caption = source.alt if source is not None else ""
    if caption:
        block.add(paragraph("Participants: " + caption, width, style.small, style, colour=theme.MUTED,
                            source="flow"))
    return block


def outcomes_not_in_band(c: Content) -> list[str]:
    """The question's outcomes the band's outcomes box does not list (the question's row then names only these,
    as "Other outcomes"; none: the row goes)."""
    primary = c.primary_rows
    if not primary:
        return []      # the box then lists the question's outcomes
    shown = set()
    for r in primary:
        shown.add(r.label)
        if r.timepoint:
            shown.add(f"{r.label} at {r.timepoint}")
    return [q for q in c.question_outcomes if q not in shown]


def design_rest(c: Content, shows: tuple[str, ...] = ()) -> str:
    """The design facts the diagram does not show: the kind of trial, where (without a setting), masking
    (``Content.design_basics``), then those of ``Content.design_facts`` not in ``shows``."""
    facts = tuple((label, text) for label, text in c.design_facts if label not in shows)
    return "; ".join([*c.design_basics, *fact_phrases(facts)])
