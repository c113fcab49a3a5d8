"""The journal-club deck of a review (python-pptx, through the trial deck's own machinery).

In:  the review's ``ReviewContent``, its diagrams as ``DiagramSource``s (``layout.figures.review_figures``) and
     optionally ``template``, a .pptx whose layouts, theme and slide size to use. The record is never read.
Out: the .pptx as bytes.

Slides (a slide whose content the record lacks is left out); every slide has speaker notes:

 1. Title: name, title, journal and year, a presenter line (the trial deck's title slide).
 2. The question: PICO, eligible designs and criteria, the search, what was included.
 3. Search and selection: the PRISMA 2020 diagram as editable shapes and glued connectors (when it gives a
    count beyond the studies included).
 4. Included studies: one row per study (drug or design, the key outcome's numbers per arm).
 5. One forest plot per key outcome (editable shapes; a table of the study rows when it cannot
    fit the slide at 12 pt).
 6. Risk of bias: the traffic-light grid (symbol, word and colour), or the review's own summary (without a
    grid, one sentence under the summary of findings when there is one).
 7. Summary of findings (GRADE): participants, assumed and corresponding risk per 1,000,
    relative effect, certainty (⊕ symbols and word) with its reasons.
 8. Checking the numbers: what the audit found (the trial deck's slide).
 9. Key conclusions, then limitations; 10. Discussion (suggested answers in the notes); 11. Reference.

Fitting, pagination, the theme, templates and the reproducible zip are those of ``render.deck``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .. import theme
from ..layout.geometry import DiagramSource
from ..review.content import ROB_SYMBOL, ROB_WORD, ReviewContent, RobGrid
from . import deck_notes
from .deck import render_with
from .deck_canvas import DIAGRAM_LARGE
from .deck_fit import MAX_BULLETS, Cell, P, Section, TableSection, TextSection
from .deck_shared import SharedSlides
from .deck_tables import ROB_FILL


def render_review_deck(content: ReviewContent, figures: Mapping[str, DiagramSource],
                       template: Path | None = None) -> bytes:
    return render_with(_ReviewDeck(content, figures, template))


def _cont(i: int) -> str:
    return "Continued from the previous slide.\n" if i else ""


class _ReviewDeck(SharedSlides):
    c: ReviewContent

    def build(self) -> None:
        self.slide_title()
        self.slide_question()
        self.slide_prisma()
        self.slide_studies()
        self.slide_forests()
        self.slide_rob()
        self.slide_sof()
        self.slide_checks()
        self.slide_conclusions()
        self.slide_limitations()
        self.slide_discussion()
        self.slide_reference()

    def _label(self, text: str) -> Cell:
        return Cell(text, bold=True, colour=None if self.templated else theme.ACCENT)

    def slide_question(self) -> None:
        c = self.c
        rows = [[self._label(label), Cell(value)] for label, value in c.pico]
        if c.eligibility:
            rows.append([self._label("Eligibility"), Cell("\n".join(c.eligibility))])
        rows.append([self._label("Search"), Cell(c.search)])
        rows.append([self._label("Included"), Cell(c.included)])
        sections: list[Section] = [TableSection(None, rows, caps=[0.22, 1.0], flex=1, body_size=True, name="PICO")]
        notes = deck_notes.talking_points(
            [f"{c.name}: {c.design_summary}.",
             "Read the question as a clinician: would your patients have been in these trials, and is the "
             "comparator what you do now?"],
            "the Eligibility and Search rows: what could have been found, and what was let in.",
            "Could trials have been missed?", f"Search: {c.search}")
        self._sections_slides("The question", sections, lambda i, p: deck_notes.continued(i, notes))

    def slide_prisma(self) -> None:
        c, prisma = self.c, self.figures.get("prisma")
        if prisma is None:
            return
        notes = deck_notes.talking_points(
            ["Follow the records down: identified, screened, assessed, included; the boxes to the side say why "
             "records were left out.",
             "A count the review does not give reads 'not reported' (or 'not in sources' when the sources "
             "behind this record lack it); it is never shown as 0."],
            "the studies included at the bottom.", "How many studies and participants does this rest on?",
            f"{c.included}.")
        self._diagram_slide("Search and selection (PRISMA 2020)", prisma, notes, None, base=DIAGRAM_LARGE)

    def slide_studies(self) -> None:
        c = self.c
        f = c.forests[0] if c.forests else None
        header = [Cell("Study", bold=True), Cell("Details", bold=True)]
        if f is not None:
            header += [Cell(f"{f.arm_heads[0]}\n{f.cell_head}", bold=True, align="right", mute_from=1),
                       Cell(f"{f.arm_heads[1]}\n{f.cell_head}", bold=True, align="right", mute_from=1)]
        rows = []
        by_label = {r.label: r for r in f.rows} if f is not None else {}
        for label, year, details, note in c.studies_table:
            text = "; ".join(x for x in (year, details, note) if x) or "—"
            row = [Cell(label, bold=True), Cell(text)]
            if f is not None:
                r = by_label.get(label)
                row += [Cell(r.cells[0] if r else "—", align="right"), Cell(r.cells[1] if r else "—", align="right")]
            rows.append(row)
        caps = [0.26, 1.0] + ([0.18, 0.18] if f is not None else [])
        weighed = [r for r in f.rows if r.weight is not None] if f is not None else []
        biggest = max(weighed, key=lambda r: r.weight or 0.0) if weighed else None
        notes = deck_notes.talking_points(
            ["Look for what differs between the trials: drug, dose, patients, size. Differences here are what "
             "could make their results differ."] +
            ([f"The numbers are those of {f.title} ({f.cell_head})."] if f is not None else []),
            f"{biggest.label}, the trial with the most weight: {biggest.weight_text} of the pooled result." if biggest
            else None)
        self._sections_slides("Included studies", [TableSection(header, rows, caps=caps, flex=1, name="Studies")],
                              lambda i, p: deck_notes.continued(i, notes))

    def slide_forests(self) -> None:
        for f in self.c.forests:
            say = [f"One row per trial: the square is its {f.abbrev} with the interval, its area the trial's weight; "
                   "the diamonds are the pooled results (filled: the primary analysis).",
                   *(f"{p.label}: {p.text}, {p.p}." for p in f.pooled)]
            if f.note:
                say.append(f.note)
            primary = next((p for p in f.pooled if p.primary), f.pooled[0] if f.pooled else None)
            point = (f"the filled diamond and where it sits against the line of no effect: {primary.text}."
                     if primary else None)
            notes = deck_notes.talking_points(say, point, "Do the trials agree with each other?" if primary else None,
                                              f"{primary.heterogeneity}." if primary else None)
            header = [Cell("Study", bold=True), Cell(f.arm_heads[0], bold=True, align="right"),
                      Cell(f.arm_heads[1], bold=True, align="right"), Cell(f"{f.abbrev} (95% CI)", bold=True),
                      Cell("Weight", bold=True, align="right")]
            rows = [[Cell(r.label), Cell(r.cells[0], align="right"), Cell(r.cells[1], align="right"), Cell(r.text),
                     Cell(r.weight_text, align="right")] for r in f.rows]
            rows += [[Cell(p.label, bold=True), Cell(""), Cell(""), Cell(f"{p.text}; {p.p}", bold=True), Cell("")]
                     for p in f.pooled]
            fallback = [TableSection(header, rows, caps=[0.3, 0.14, 0.14, 0.3, 0.1], flex=0, name="Forest table")]
            self._diagram_slide(f"Forest plot: {f.title}", self.figures.get(f"forest-{f.outcome_id}"), notes,
                                fallback, footnotes_said=True)

    def slide_rob(self) -> None:
        c = self.c
        if c.rob is None:
            return
        notes = [f"Risk of bias, assessed by the review with the {c.rob.tool}."]
        if c.rob.summary:
            notes.append(c.rob.summary)
        notes.append("Symbols: + low, ? some concerns, − high, · no information; the word is shown too, "
                     "colour is only a cue.")
        grid = self.figures.get("rob")
        if grid is not None:
            notes.append(grid.alt)
            # Too many studies for the grid on one slide: the same judgements as a table, paginated.
            header = [Cell("Study", bold=True)] + [Cell(short, bold=True, align="center") for short, _ in c.rob.domains]
            rows = [[Cell(study)] + [Cell(f"{ROB_SYMBOL[j]} {ROB_WORD[j]}" if j else "not given", align="center",
                                          fill=ROB_FILL.get(j) if j else None)
                                     for j in row]
                    for study, row in zip(c.rob.studies, c.rob.cells, strict=False)]
            n = len(c.rob.domains)
            fallback: list[Section] = [TableSection(header, rows, caps=[0.3] + [0.7 / n] * n, flex=0,
                                                    name="Risk of bias"),
                        TextSection([P("; ".join(f"{short}: {label}" for short, label in c.rob.domains
                                                 if short != label), gap=0.0, scale=0.8, colour=theme.MUTED)])]
            self._diagram_slide(f"Risk of bias ({c.rob.tool})", grid, "\n".join(notes), fallback)
        elif not c.sof:     # with a summary of findings, the sentence goes under it (``_rob_sentence``)
            self._sections_slides(f"Risk of bias ({c.rob.tool})", [TextSection([P(_rob_text(c.rob), gap=0.0)],
                                                                               band=True)],
                                  lambda i, p: "\n".join(notes))

    def _rob_sentence(self) -> Section | None:
        """Risk of bias in one sentence under the summary of findings, when there is no grid to show: a slide
        of its own would hold that one sentence."""
        rob = self.c.rob
        if rob is None or self.figures.get("rob") is not None:
            return None
        return TextSection([P(f"Risk of bias ({rob.tool}): {_rob_text(rob)}", gap=0.0)])

    def slide_sof(self) -> None:
        c = self.c
        if not c.sof:
            return
        header = [Cell("Outcome", bold=True), Cell("Participants\n(studies)", bold=True, align="right"),
                  Cell("Risk with control", bold=True, align="right"),
                  Cell("Risk with intervention", bold=True, align="right"),
                  Cell("Relative effect\n(95% CI)", bold=True, align="right"), Cell("Certainty", bold=True)]
        rows = []
        for r in c.sof:
            fill = (ROB_FILL["low"] if r.level in ("high", "moderate") else ROB_FILL["some concerns"]
                    if r.level == "low" else ROB_FILL["high"]) if r.level else None
            rows.append([Cell(r.outcome, bold=True), Cell(_stacked(r.participants), align="right", keep=2),
                         Cell(r.assumed, align="right", keep=1),
                         Cell(_stacked(r.corresponding), align="right", keep=2),
                         Cell(_stacked(r.relative), align="right", keep=2),
                         Cell(r.certainty, fill=fill)])
            if r.reasons:       # the reasons on a line across, under their row
                rows.append([Cell(r.reasons, span=len(header), colour=theme.MUTED)])
        sections: list[Section] = [TableSection(header, rows, caps=[1.0, 0.2, 0.16, 0.28, 0.26, 0.2], flex=0,
                                                name="Summary of findings")]
        if c.sof_note:
            sections.append(TextSection([P(c.sof_note, gap=0.0, scale=0.8, colour=theme.MUTED)]))
        rob = self._rob_sentence()
        if rob is not None:
            sections.append(rob)
        first = c.sof[0]
        notes = deck_notes.talking_points(
            ["Read each row left to right: out of 1,000 people like those in the trials, how many had the outcome "
             "without and with the treatment, and how sure we can be.",
             "Certainty: ⊕⊕⊕⊕ high, ⊕⊕⊕◯ moderate, ⊕⊕◯◯ low, ⊕◯◯◯ very low."],
            f"the two risks for {first.outcome}: {first.assumed} without, {first.corresponding} with.",
            "What is the certainty rating based on?" if first.reasons else None, first.reasons or None)
        self._sections_slides("Summary of findings", sections, lambda i, p: deck_notes.continued(i, notes))

    def slide_limitations(self) -> None:
        c = self.c
        if not c.limitations:
            return
        items = [P(x, bullet=True) for x in c.limitations[:MAX_BULLETS * 2]]
        notes = deck_notes.talking_points(
            ["Weigh each limitation against the conclusions: could it change the bottom line, and in which "
             "direction?"], f"the first limitation: {c.limitations[0].rstrip(' .')}.")
        self._sections_slides("Limitations", [TextSection(items)], lambda i, p: deck_notes.continued(i, notes))

    def slide_discussion(self) -> None:
        c = self.c
        if not c.discussion:
            return
        items = [P(q, bullet=True, gap=0.6) for q, _ in c.discussion]
        notes = ["Questions for the room; let the group answer before offering a view."]
        for i, (q, a) in enumerate(c.discussion):
            notes.append(f"Q{i + 1}. {q}" + (f"\nA suggested answer: {a}" if a else ""))
        self._sections_slides("Discussion", [TextSection(items)], lambda i, p: _cont(i) + "\n".join(notes))


def _stacked(value: str) -> str:
    """"OR 0.66 (0.53 to 0.82)", "319 per 1,000 (273 to 367)", "1,703 (7 studies)": the value over its bracket,
    each line kept whole (an interval never broken)."""
    head, bracket, rest = value.partition(" (")
    return f"{head}\n({rest}" if bracket else value


def _rob_text(rob: RobGrid) -> str:
    return rob.summary or "Per-study judgements are not given."
