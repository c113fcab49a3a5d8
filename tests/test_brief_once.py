"""Issue 12: one statement of each fact per page, and the "Checking the numbers" box kept whole (IMAGINE-RA)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline import theme
from pipeline.audit import run_audit
from pipeline.layout.brief_figures import trial_brief_figures
from pipeline.render.pdf import fit_page
from pipeline.render.pdf_blocks import Figure, Rect, Text
from pipeline.report import prepare
from pipeline.validate import load_study

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "sources" / "imagine-ra.yaml"


@pytest.fixture(scope="module")
def report():
    return prepare(load_study(RECORD))


def test_the_box_beside_the_table_does_not_restate_the_table(report):
    c = report.content
    shown = {p for r in c.primary_rows for cell in r.cells for p in re.findall(r"\d+(?:\.\d+)?%", cell)}
    assert shown == {"85%", "88%", "66%", "62%"}
    said = " ".join(c.notes_beside)
    assert not shown & set(re.findall(r"\d+(?:\.\d+)?%", said)), said
    assert "reported" not in said.replace("Reported", "")        # no "(reported 85%)", no "reported −4.8"
    assert "MRI-guided vs Conventional" not in said               # the table's header names the one comparison
    assert "64 of 76 who completed is 84%" in said and "DAS28-CRP remission: crude −3 points" in said
    # The command line and the deck's notes, which have no table beside them, keep the reported values.
    assert "64 of 76 who completed is 84% (reported 85%)" in " ".join(c.notes)
    assert run_audit(load_study(RECORD)).notes == c.notes


def test_the_checking_the_numbers_box_is_whole(report):
    page = fit_page(report.content, trial_brief_figures(report.study), "a4")
    panels = [op for op in page.ops if isinstance(op, Rect) and op.fill == theme.PANEL]
    assert len(panels) == 1
    assert page.style.body >= 8.0 and not page.style.split_panel


@pytest.mark.parametrize("name, head", [("dapa-hf", "P"), ("imagine-ra", "P value")])
def test_the_p_column_head_is_one_line(name, head):
    """ "P value" over a column of short P values wrapped to "P" / "value"; such a column is headed "P"."""
    report = prepare(load_study(ROOT / "sources" / f"{name}.yaml"))
    page = fit_page(report.content, trial_brief_figures(report.study), "a4")
    bold = [op.text for op in page.ops if isinstance(op, Text) and op.style == "bold"]
    assert head in bold and "value" not in bold and (head == "P value" or "P value" not in bold)


def test_the_caption_under_the_full_schema_leaves_out_who_was_randomized():
    """SYNTHETIC (tests/shapes.py, three arms): the full schema across the page shows the total and each arm's n
    randomized; the caption under it says only who completed and was analysed."""
    import shapes
    from pipeline.layout.alt import flow_caption
    from pipeline.loader import load_bytes
    from pipeline.render.pdf import layout_page
    from pipeline.render.pdf_blocks import STEPS
    from pipeline.validate import check_source

    record = shapes.shapes()["harms-and-certainty"]
    del record["harms_note"]    # its line under the results leaves no room for the full schema on this page
    report = prepare(check_source(load_bytes(shapes.dump(record).encode("utf-8"), "x.yaml")))
    figures = trial_brief_figures(report.study)
    assert figures["design"].alt == flow_caption(report.study, beside_schema=True)
    assert figures["design"].alt.startswith("completed:") and "randomized" not in figures["design"].alt
    # The compact band (three arms stacked) now comes first; the full schema across the page is the next step.
    page = layout_page(report.content, figures, "a4", STEPS[-1], "wide")
    assert page.overflow <= 0
    assert any(isinstance(op, Figure) and op.diagram.kind == "design" and not op.diagram.extra.get("compact")
               and op.diagram.width > 400 for op in page.ops)
    text = " ".join(" ".join(op.text for op in page.ops if isinstance(op, Text)).split())
    assert "Participants: completed:" in text and "718 randomized" not in text


def test_a_tall_schema_still_goes_across_the_page():
    """SYNTHETIC long labels: the schema across the page is 259 pt tall; it used to be refused at 240 pt and the
    page went without any diagram though it had room for it."""
    import shapes
    from pipeline.loader import load_bytes
    from pipeline.validate import check_source

    record = shapes.shapes()["long-labels"]
    report = prepare(check_source(load_bytes(shapes.dump(record).encode("utf-8"), "x.yaml")))
    page = fit_page(report.content, trial_brief_figures(report.study), "a4")
    assert page.overflow <= 0
    assert any(isinstance(op, Figure) and op.diagram.kind == "design" for op in page.ops)


def test_the_arms_beside_the_question_are_described_once():
    """SSaSS: the schema beside the question describes each arm; the question's intervention and comparator rows
    said the same words again."""
    import io

    import pypdf

    from pipeline.render.pdf import render_brief

    report = prepare(load_study(ROOT / "sources" / "ssass.yaml"))
    pdf = render_brief(report.content, trial_brief_figures(report.study))
    text = " ".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert text.count("potassium chloride by mass") == 1
    assert text.count("100% sodium chloride") == 1
