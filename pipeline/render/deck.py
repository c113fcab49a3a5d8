"""The journal-club slide deck of a trial: which slides, in which order, with what on them.

In:  the record's ``Content``, its diagrams as ``DiagramSource``s (``layout.figures``: laid out here at the
     slide's size) and optionally ``template``, a .pptx whose slide layouts, theme colours, fonts and
     slide size the deck is built on. The record itself is never read here.
Out: the .pptx as bytes (``build`` writes them atomically).

Slides, in order; a slide whose content the record lacks entirely is left out:

 1. Title: name, title, journal and year, a presenter line to fill in.
 2. The clinical question (PICO) and why it matters.
 3. Design: the design diagram arranged for the slide (``layout.design_slide``: left to right when that
    keeps the text larger), as editable shapes and glued connectors.
 4. Participant flow (CONSORT), editable the same way.
 5. Primary outcomes: the results graphic (each arm's result as a bar or a mean, each effect with its
    interval, the line of no effect and any margin; ``layout.results``), a native table
    (``deck_tables``; one slide with the graphic above it when the graphic fits 60% of the body and the
    table the rest) and the forest plot; then one slide per outcome with subgroups.
 6. Secondary outcomes and harms; a harm's recomputed values (per 1,000, NNTH, marked
    recomputed) on a line across the table under its row.
 7. Appraisal: risk of bias (RoB 2, symbol + word + support) with GRADE; then
    strengths and limitations.
 8. Checking the numbers: the audit's short reader notes (``Content.notes``) as bullets, each
    warning's message and detail in the speaker notes; no notes, no slide.
 9. Key conclusions and the bottom line.
10. Discussion questions.
11. Reference: citation, DOI and registry as hyperlinks, funding, interests.

Every slide has speaker notes (talking points from ``deck_notes``), a footer and a slide-number field.
Slides 1, 8, 9 and 11 are shared with the review deck (``deck_shared``); drawing is ``deck_canvas``'s,
the presentation and its saving ``deck_package``'s.

Fitting (measured in ``deck_fit``). All text is measured with ``layout.text`` (DejaVu Sans
metrics); every box is as tall as its measured text. A slide's content is a list of sections
(paragraph lists, tables, tinted bands) stacked in the body area. One knob, the body size,
goes from 24 pt down to 18 pt (tables use three quarters of it, or 0.85 on a results slide
with at most four rows, at least 16 pt, scaled down on a narrower template); the largest size at
which everything fits on one slide wins; at 18 pt the tables may go on down to their minimum when that
needs fewer slides. A diagram is drawn at 18 down to 16 pt (the design and the results graphic from 24);
too tall for a slide at 16 pt, it is cut between its rows over "(cont.)" slides. If nothing fits, the
content is paginated at the smallest size that needs the fewest slides, onto continuation slides titled "… (cont.)":
between items, between table rows (the header repeats), and inside an item too long for a
whole slide (split between lines), evened out over the slides it needs. At most six bullets go on one slide.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from .. import theme
from ..content import FLOW_STAGES, NR, Content
from ..errors import LayoutError
from ..layout.fit import search
from ..layout.geometry import DiagramSource
from . import deck_notes
from .deck_canvas import DIAGRAM_LARGE, Canvas
from .deck_fit import (
    _TABLE_MIN,
    _WIDTH_FACTOR,
    BODY_SIZES,
    MAX_BULLETS,
    SPARSE_TABLE_RATIO,
    TABLE_MIN,
    TABLE_RATIO,
    TEMPLATE_WIDTH_FACTOR,
    Cell,
    P,
    Page,
    Section,
    TableSection,
    TextSection,
    paginate,
)
from .deck_package import SLIDE_W, Rect
from .deck_shared import SharedSlides
from .deck_tables import ROB_FILL, results_table, subgroup_table


def render_deck(content: Content, figures: Mapping[str, DiagramSource], template: Path | None = None) -> bytes:
    """The deck of ``content`` (diagrams from ``figures``) as .pptx bytes, on ``template``'s layouts when given."""
    return render_with(_Deck(content, figures, template))


def render_with(deck: Canvas) -> bytes:
    """Build and save ``deck`` (``_Deck`` or another ``Canvas``, e.g. the review deck)."""
    token = _WIDTH_FACTOR.set(TEMPLATE_WIDTH_FACTOR if deck.templated else 1.0)
    try:
        # A slide is shown at screen size whatever its page size: a narrower template needs fewer points.
        minimum = _TABLE_MIN.set(TABLE_MIN * min(1.0, deck.W / SLIDE_W))
        try:
            deck.build()
            return deck.save()
        finally:
            _TABLE_MIN.reset(minimum)
    finally:
        _WIDTH_FACTOR.reset(token)


class _Deck(SharedSlides):
    c: Content

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

    def slide_design(self) -> None:
        c = self.c
        fallback = [TextSection([P(c.design_summary, gap=0.0)] +
                                [P(a.label + (f": {a.description}" if a.description else ""), bullet=True)
                                 for a in c.arms][:MAX_BULLETS])]
        self._diagram_slide("Design", self.figures.get("design-slide"), deck_notes.design_notes(c), fallback,
                            base=DIAGRAM_LARGE)

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
        self._diagram_slide("Participant flow", self.figures.get("flow"), deck_notes.flow_notes(c, completed), fallback,
                            base=DIAGRAM_LARGE)

    # 5 ----------------------------------------------------------------------
    def slide_primary(self) -> None:
        c = self.c
        rows = c.primary_rows
        if not rows:
            return
        table = results_table(c, rows, "Primary outcomes")
        notes = deck_notes.results_notes(c, rows, "Read across each row: each arm's result, then each comparison's "
                                         "effect with its interval and P value.")
        # A small graphic and a short table: one slide.
        if not self._diagram_above("Primary outcomes", self.figures.get("results"), [table],
                                   deck_notes.graphic_notes(rows) + "\n\n" + notes, base=DIAGRAM_LARGE):
            self._diagram_slide("Primary outcomes at a glance", self.figures.get("results"),
                                deck_notes.graphic_notes(rows), None, base=DIAGRAM_LARGE)
            self._sections_slides("Primary outcomes", [table], lambda i, p: deck_notes.continued(i, notes))
        self._diagram_slide("Forest plot", self.figures.get("forest"), deck_notes.results_notes(
            c, rows, "One row per effect: the square is the estimate, the line its interval, the dashed line no "
            "effect; a hollow square has no interval reported."), None)

    def slide_subgroups(self) -> None:
        """One table per outcome with subgroups (``deck_tables.subgroup_table``)."""
        c = self.c
        for r in c.primary_rows + c.secondary_rows:
            if r.subgroups:
                self._sections_slides(f"Subgroups: {r.label}", [subgroup_table(c, r)],
                                      deck_notes.continued_by(deck_notes.subgroup_notes(r)))

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
            sections.append(results_table(c, c.secondary_rows, "Secondary outcomes", ratio=ratio))
        if c.harm_rows:
            sections.append(results_table(c, c.harm_rows, "Harms", label="Harm", ratio=ratio,
                                                with_effect=any(r.effects for r in c.harm_rows)))
        if c.harms_note:
            sections.append(TextSection([P(("" if c.harm_rows else "Harms: ") + c.harms_note, gap=0.0)]))
        if not sections:
            return
        harms = bool(c.harm_rows or c.harms_note)
        title = ("Secondary outcomes and harms" if (c.secondary_rows or c.outcomes_note) and harms
                 else "Harms" if harms else "Secondary outcomes")
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
        def sizes() -> Iterator[tuple[int, float, list[list[Page]]]]:
            for s in BODY_SIZES:
                try:
                    laid = [paginate(secs, s, col_w, body.h) for _, secs in columns]
                except LayoutError:
                    continue
                yield max(len(p) for p in laid), s, laid

        def one_slide(step: tuple[int, float, list[list[Page]]]) -> bool:
            return step[0] == 1

        def slides(step: tuple[int, float, list[list[Page]]]) -> float:
            return float(step[0])

        found = search(sizes(), one_slide, slides)    # the largest size on one slide, else on the fewest
        best, _ = found
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
