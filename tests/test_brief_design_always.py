"""Every brief keeps a design diagram: each SYNTHETIC shape (tests/shapes.py) and each record in sources/, on A4
and Letter, shows its arms as the design diagram draws them — read back from the PDF as a reader sees it."""
from __future__ import annotations

from pathlib import Path

import pytest

import shapes
from pipeline.layout.brief_figures import trial_brief_figures
from pipeline.loader import load_bytes
from pipeline.model import Study
from pipeline.render.pdf import fit_page, render_brief
from pipeline.render.pdf_blocks import Figure
from pipeline.report import prepare
from pipeline.validate import check_source
from readback import brief_text, page_count

SOURCES = sorted(Path(__file__).resolve().parent.parent.glob("sources/*.yaml"))
SHAPES = shapes.shapes()


def _check(data: bytes, name: str, paper: str) -> None:
    checked = check_source(load_bytes(data, name))
    if not isinstance(checked.study, Study):
        pytest.skip(f"{name}: a review (no trial design: its brief draws the studies and their pooled result)")
    report = prepare(checked)
    figures = trial_brief_figures(report.study)
    # "flow": a factorial design (VITAL) beside the question is drawn as randomization into its arms
    page = fit_page(report.content, figures, paper)
    diagrams = [op.diagram for op in page.ops if isinstance(op, Figure) and op.diagram.kind in ("design", "flow")]
    assert diagrams, f"{name} ({paper}): the brief has no design diagram"
    if report.content.flow is None:   # no count after allocation: boxes of "not reported" would say nothing
        assert diagrams[0].kind == "design", f"{name} ({paper}): an empty participant flow drawn as the design"
    arm_lines = [line.text for box in diagrams[0].boxes if box.role == "arm" for line in box.lines]
    assert arm_lines, f"{name} ({paper}): the design diagram draws no arms"
    pdf = render_brief(report.content, figures, paper=paper)
    assert page_count(pdf) == 1
    text = " ".join(brief_text(pdf).split())
    missing = [line for line in arm_lines if " ".join(line.split()) not in text]
    assert not missing, f"{name} ({paper}): arm labels not on the page: {missing}"


@pytest.mark.parametrize("name", sorted(set(SHAPES) - shapes.HUGE))
def test_every_shape_brief_has_a_design_diagram(name):
    _check(shapes.dump(SHAPES[name]).encode("utf-8"), f"{name}.yaml", "a4")


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_every_source_brief_has_a_design_diagram(path, paper):
    _check(path.read_bytes(), path.name, paper)
