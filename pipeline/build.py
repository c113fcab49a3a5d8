"""Build one record's outputs: validate, prepare, render, write atomically.

In:  a record path, an output root, ``BuildOptions``.
Out: files under ``<out>/<id>/``: ``brief.pdf``, ``deck.pptx`` and
     ``figures/{design,flow,forest}.svg`` (flow only with the record's flow section, forest only with
     an estimate to plot; ``.png`` too, at 300 dpi, when ``BuildOptions.figures`` asks for png: the
     same diagrams the deck shows, from ``layout.figures``); a ``BuildResult`` listing them
     with the warnings. Every output is rendered in memory first; the study's
     folder is then replaced as a whole (``atomic.write_study``), keeping the
     outputs of kinds not built this time, so a failure or a kill leaves the
     previous folder untouched and a figure the study no longer has is removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .atomic import write_study
from .errors import Problem
from .report import Report, prepare
from .validate import check_source, load_study
from .validate import is_review_checked as is_review

if TYPE_CHECKING:
    from .audit import Finding
    from .loader import Source

KINDS = ("brief", "deck", "figures")
FIGURE_FORMATS = ("svg", "png")   # the figures' file formats; svg by default, png (300 dpi) on request
OUTPUT_OF = {"brief": "brief.pdf", "deck": "deck.pptx", "figures": "figures"}   # each kind's entry in a study folder
PAPERS = ("a4", "letter")


@dataclass(frozen=True)
class BuildOptions:
    """``only``: a subset of KINDS (default all); ``paper``: a4 or letter; ``template``: a .pptx;
    ``figures``: the figure formats, a subset of FIGURE_FORMATS (default svg only)."""

    only: tuple[str, ...] = KINDS
    paper: str = "a4"
    template: Path | None = None
    figures: tuple[str, ...] = ("svg",)


@dataclass
class BuildResult:
    study_id: str
    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # the audit's observations, as shown to readers


def render(report: Report, options: BuildOptions = BuildOptions()) -> dict[str, bytes]:
    """All outputs of one report as {relative path: bytes}; writes nothing."""
    files: dict[str, bytes] = {}
    if "brief" in options.only:
        from .layout.brief_figures import trial_brief_figures
        from .render.pdf import render_brief
        files["brief.pdf"] = render_brief(report.content, trial_brief_figures(report.study), paper=options.paper)
    if "deck" in options.only or "figures" in options.only:
        from .layout.figures import trial_figures
        figures = trial_figures(report.study)
        if "deck" in options.only:
            from .render.deck import render_deck
            files["deck.pptx"] = render_deck(report.content, figures, template=options.template)
        if "figures" in options.only:
            from .render.figures import render_figures
            drawn = render_figures(figures, options.figures)
            files.update({f"figures/{name}": data for name, data in drawn.items()})
    return files


def preload_renderers(options: BuildOptions = BuildOptions()) -> None:
    """Import the renderers ``options`` needs (slow imports), e.g. once before forking workers."""
    if "brief" in options.only:
        from .render import pdf  # noqa: F401
    if "deck" in options.only:
        from .render import deck  # noqa: F401
    if "figures" in options.only:
        from .render import figures  # noqa: F401
        if "png" in options.figures:
            from .render import figures_png  # noqa: F401  (matplotlib: only when PNGs are made)


def build_record(path: str | Path, out_root: str | Path, options: BuildOptions = BuildOptions(),
                 source: Source | None = None) -> BuildResult:
    """Validate ``path`` (or ``source``, the record at ``path`` read already) and write its outputs
    under ``out_root/<id>/``."""
    checked = load_study(path) if source is None else check_source(source)
    if is_review(checked):  # a systematic review: its own report and renderers (pipeline.review)
        from .review.build import prepare_review, render_review
        review = prepare_review(checked)
        files = render_review(review, options.only, options.paper, options.template, options.figures)
        findings, notes = review.findings, review.content.notes
    else:
        report = prepare(checked)
        files = render(report, options)
        findings, notes = report.findings, report.content.notes
    rendered = {OUTPUT_OF[name] for name in OUTPUT_OF if name in options.only}
    written = write_study(Path(out_root) / checked.study.id, files, keep=lambda name: name not in rendered)
    return BuildResult(checked.study.id, sorted(written), list(checked.warnings), list(findings), list(notes))
