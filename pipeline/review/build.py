"""A checked review → its brief, deck and figures (bytes), from one prepared ``ReviewReport``.

In:  a ``CheckedReview``; the build options (which outputs, paper, deck template).
Out: ``ReviewReport`` (the review, its ``ReviewContent``, warnings, audit findings) and
     {relative path: bytes}: ``brief.pdf``, ``deck.pptx``, ``figures/prisma.{svg,png}``,
     ``figures/forest-<outcome>.{svg,png}`` per key outcome, ``figures/rob.{svg,png}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..audit import Finding
from ..errors import Problem
from .audit import ReviewAudit, run_review_audit
from .content import ReviewContent, build_review_content
from .model import Review
from .validate import CheckedReview


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


def render_review(report: ReviewReport, only: tuple[str, ...], paper: str, template: Path | None,
                  figures: tuple[str, ...] = ("svg", "png")) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    if "brief" in only:
        from ..layout.brief_figures import review_brief_figures
        from ..render.review_pdf import render_review_brief
        files["brief.pdf"] = render_review_brief(report.content, review_brief_figures(report.review, report.content),
                                                 paper=paper)
    if "deck" in only or "figures" in only:
        from ..layout.figures import review_figures
        sources = review_figures(report.review, report.content)
        if "deck" in only:
            from ..render.review_deck import render_review_deck
            files["deck.pptx"] = render_review_deck(report.content, sources, template=template)
        if "figures" in only:
            from ..render.figures import render_figures
            drawn = render_figures(sources, figures)
            files.update({f"figures/{name}": data for name, data in drawn.items()})
    return files
