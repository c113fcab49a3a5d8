"""Issue 12: what the one-page brief finds room for, and what it says once (shipped records, read back)."""

from __future__ import annotations

from pathlib import Path

from pipeline.build import BuildOptions, render
from pipeline.layout.brief_figures import trial_brief_figures
from pipeline.render.pdf import fit_page
from pipeline.render.pdf_blocks import STEPS
from pipeline.render.pdf_columns import bullet_pieces
from pipeline.report import prepare
from pipeline.validate import load_study
from readback import brief_text

ROOT = Path(__file__).resolve().parents[1]


def brief_of(name: str) -> str:
    report = prepare(load_study(ROOT / "sources" / f"{name}.yaml"))
    return " ".join(brief_text(render(report, BuildOptions(only=("brief",)))["brief.pdf"]).split())


def test_ssass_brief_shows_its_strengths_at_its_type_size():
    """SSaSS's strengths were left off, about 11 pt short at 8.5 pt: a one-line limitation ("Open-label") was
    kept with the bullet after it, so the lower half could not break after it and its columns came out
    unbalanced. They now fit on A4 without smaller type (on US letter, 8 pt body, they are still about 4 pt
    short)."""
    text = brief_of("ssass")
    assert "Main strengths: Large, with long follow-up; Hard outcomes adjudicated by a masked committee;" in text
    report = prepare(load_study(ROOT / "sources" / "ssass.yaml"))
    page = fit_page(report.content, trial_brief_figures(report.study), "a4")
    assert page.style.strengths and page.style.body >= STEPS[1].body


def test_a_column_may_break_after_a_one_line_bullet():
    one = bullet_pieces("Open-label", None, 200.0, 8.5, STEPS[1], 0.0)
    two = bullet_pieces("A bullet long enough to need a second line in a column this narrow", None, 120.0, 8.5,
                        STEPS[1], 0.0)
    assert [p.keep_with_next for p in one] == [False]
    assert len(two) >= 2 and two[0].keep_with_next and two[-2].keep_with_next and not two[-1].keep_with_next
