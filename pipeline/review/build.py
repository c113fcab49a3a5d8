"""A checked review → its brief, deck and figures (bytes), from one prepared ``ReviewReport``.

In:  a ``CheckedReview``; the build options (which outputs, paper, deck template).
Out: ``ReviewReport`` (the review, its ``ReviewContent``, warnings, audit findings) and
     {relative path: bytes}: ``brief.pdf``, ``deck.pptx``, ``figures/prisma.{svg,png}``,
     ``figures/forest-<outcome>.{svg,png}`` per key outcome, ``figures/rob.{svg,png}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..audit import Finding
from ..errors import Problem
from .audit import ReviewAudit, run_review_audit
from .content import ReviewContent, build_review_content
from .model import Review
from .validate import CheckedReview

if TYPE_CHECKING:
    from ..layout.geometry import Diagram

FIGURE_WIDTH = 7.5 * 72 - 8.0
FIGURE_HEIGHT = 9.0 * 72 - 8.0
TALL_FIGURE = 24.0 * 72 - 8.0      # a forest plot or risk-of-bias grid of many studies may run long


@dataclass(frozen=True)
class ReviewReport:
    review: Review
    content: ReviewContent
    audit: ReviewAudit
    warnings: tuple[Problem, ...]

    @property
    def study(self) -> Review:          # the name the trial side's footer and build use
        return self.review

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.audit.result.findings


def prepare_review(checked: CheckedReview) -> ReviewReport:
    audit = run_review_audit(checked)
    content = build_review_content(checked.study, audit)
    return ReviewReport(checked.study, content, audit, tuple(checked.warnings))


def review_diagrams(report: ReviewReport) -> dict[str, Diagram]:
    """The figures' geometry at figure size (7.5 in wide; the PRISMA diagram at most 9 in tall, the
    forest plots and the risk-of-bias grid as tall as their studies need, up to 24 in)."""
    from ..layout.prisma import prisma_diagram
    from ..layout.review_forest import review_forest
    from ..layout.rob_grid import rob_grid

    out: dict[str, Diagram] = {}
    prisma = prisma_diagram(report.review, FIGURE_WIDTH, FIGURE_HEIGHT, 9.0, 7.0)
    if prisma is not None:
        out["prisma"] = prisma
    for f in report.content.forests:
        out[f"forest-{f.outcome_id}"] = review_forest(f, FIGURE_WIDTH, TALL_FIGURE, 9.0, 6.5)
    rob = rob_grid(report.content.rob, FIGURE_WIDTH, TALL_FIGURE, 9.0, 6.5) if report.content.rob else None
    if rob is not None:
        out["rob"] = rob
    return out


def render_review(report: ReviewReport, only: tuple[str, ...], paper: str, template: Path | None,
                  figures: tuple[str, ...] = ("svg", "png")) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    if "brief" in only:
        from ..render.review_pdf import render_review_brief
        files["brief.pdf"] = render_review_brief(report, paper=paper)
    if "deck" in only:
        from ..layout.figures import review_figures
        from ..render.review_deck import render_review_deck
        files["deck.pptx"] = render_review_deck(report.content, review_figures(report.review, report.content),
                                                template=template)
    if "figures" in only:
        from ..render.figures import render_figures
        drawn = render_figures(review_diagrams(report), figures)
        files.update({f"figures/{name}": data for name, data in drawn.items()})
    return files
