"""Issue 12: what the one-page brief finds room for, and what it says once (shipped records, read back)."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest

import shapes
from pipeline.build import BuildOptions, render
from pipeline.layout.alt import flow_caption
from pipeline.layout.brief_figures import trial_brief_figures
from pipeline.layout.prisma import counts_beyond_included
from pipeline.loader import load_bytes
from pipeline.render.pdf import attempts, fit_page
from pipeline.render.pdf_blocks import MIN_BODY, STEPS, Text
from pipeline.render.pdf_columns import bullet_pieces
from pipeline.report import prepare
from pipeline.review.build import prepare_review, render_review
from pipeline.review.model import Review
from pipeline.validate import check_source, load_study
from readback import brief_text

ROOT = Path(__file__).resolve().parents[1]


def brief_bytes(name: str, paper: str = "a4") -> bytes:
    checked = load_study(ROOT / "sources" / f"{name}.yaml")
    if isinstance(checked.study, Review):
        return render_review(prepare_review(checked), ("brief",), paper, None)["brief.pdf"]
    return render(prepare(checked), BuildOptions(only=("brief",), paper=paper))["brief.pdf"]


def brief_of(name: str) -> str:
    return " ".join(brief_text(brief_bytes(name)).split())


@pytest.mark.parametrize("name, body", [("ssass", STEPS[0].body), ("dapa-hf", STEPS[1].body),
                                        ("vital", STEPS[1].body), ("re-ly", STEPS[2].body)])
def test_strengths_fit_at_the_largest_type(name, body):
    """SSaSS's strengths were left off, about 11 pt short at 8.5 pt: a one-line limitation ("Open-label") was
    kept with the bullet after it, so the lower half could not break after it. And SSaSS and DAPA-HF kept their
    tall schema beside a short question at smaller type (8.5 and 8 pt, a blank of 90-110 pt under the question,
    no strengths) where the design band under the question fits at 9 and 8.5 pt with the strengths. VITAL's
    design row named each factor with its dose again (the intervention row says them): 9 pt short. RE-LY's
    said its blinding three times (intervention row, masking, strengths): 11 pt short."""
    text = brief_of(name)
    assert "Main strengths:" in text
    report = prepare(load_study(ROOT / "sources" / f"{name}.yaml"))
    page = fit_page(report.content, trial_brief_figures(report.study), "a4")
    assert page.style.strengths and page.style.body == body


def test_larger_type_comes_before_the_schema_beside_the_question():
    sizes = [style.body for style, diagram in attempts() if diagram in (True, "band")]
    assert sizes == sorted(sizes, reverse=True)
    first = {}
    for style, diagram in attempts():
        first.setdefault(style.body, diagram)
    assert first[9.0] is True and first[8.0] is True      # at one size, beside before the band


def test_a_column_may_break_after_a_one_line_bullet():
    one = bullet_pieces("Open-label", None, 200.0, 8.5, STEPS[1], 0.0)
    two = bullet_pieces("A bullet long enough to need a second line in a column this narrow", None, 120.0, 8.5,
                        STEPS[1], 0.0)
    assert [p.keep_with_next for p in one] == [False]
    assert len(two) >= 2 and two[0].keep_with_next and two[-2].keep_with_next and not two[-1].keep_with_next


TRIALS = ["dapa-hf", "imagine-ra", "re-ly", "ssass", "step-1", "vital"]


@pytest.mark.parametrize("name", TRIALS)
def test_the_population_is_said_once(name):
    """The design diagram's first box states the population in full; the question's population row beside it
    said the same sentence again (every trial brief did)."""
    report = prepare(load_study(ROOT / "sources" / f"{name}.yaml"))
    page = fit_page(report.content, trial_brief_figures(report.study), "a4")
    labels = [op.text for op in page.ops if isinstance(op, Text) and op.style == "bold"]
    assert "Population" not in labels
    text = " ".join(brief_of(name).replace("\u00ad", "").split())
    assert text.count(" ".join(report.study.question.population.split())) == 1


def test_vital_brief_says_nothing_of_counts_that_are_only_missing_from_its_sources():
    """VITAL's design band had the caption "Participants: completed: not reported; analysed: not reported": a
    record without those counts, whose sources do not give them (not a trial that did not report them). The
    record now says "not in sources", and under the band a count missing only from the sources is not said."""
    text = brief_of("vital")
    assert "not reported" not in text and "Participants:" not in text
    report = prepare(load_study(ROOT / "sources" / "vital.yaml"))
    assert flow_caption(report.study, beside_schema=True) == "completed and analysed: not in our sources"


def test_a_stage_count_missing_for_one_reason_is_said_once():
    """SYNTHETIC: both stages not reported by the trial read "completed and analysed: not reported" (under the
    band too: that gap is the trial's); two reasons are said apart."""
    record = shapes.shapes()["measure-risk-ratio"]
    for arm in record["flow"]["arms"]:
        arm["completed"] = arm["analysed"] = "not reported"
    study = check_source(load_bytes(shapes.dump(record).encode("utf-8"), "x.yaml")).study
    assert flow_caption(study, beside_band=True) == "completed and analysed: not reported"
    for arm in record["flow"]["arms"]:
        arm["analysed"] = "not in sources"
    study = check_source(load_bytes(shapes.dump(record).encode("utf-8"), "x.yaml")).study
    assert flow_caption(study, beside_schema=True) == "completed: not reported; analysed: not in our sources"
    assert flow_caption(study, beside_band=True) == "completed: not reported"


@pytest.mark.parametrize("name, said, not_said", [
    # The question rows said again what the masking or the rows beside them say.
    ("re-ly", ["Warfarin adjusted to INR 2.0–3.0", "warfarin open-label"], ["INR 2.0–3.0 (open-label)"]),
    ("re-ly", ["Intervention Dabigatran 110 mg or 150 mg twice daily Comparator", "Events adjudicated blind to"],
     ["(blinded doses)", "evaluation): events adjudicated"]),
    ("step-1", ["Both arms Lifestyle intervention"], ["once weekly, with lifestyle intervention"]),
    ("dapa-hf", ["Both arms Recommended heart-failure therapy"], ["added to recommended therapy"]),
    ("vital", ["Men aged ≥50 years, women aged ≥55 years"], ["No cancer or cardiovascular disease at entry"]),
    ("vital", ["factorial: Vitamin D = D + n−3 and D + placebo; Placebo (D) = Placebo + n−3 and Both placebos; n−3 ="],
     ["2000 IU/day vs placebo", "1 g/day vs placebo"]),
    # The outcomes row named the primary outcome the band's outcomes box names beside it.
    ("re-ly", ["Other outcomes Major bleeding"], ["Stroke or systemic embolism; Major bleeding"]),
    ("ssass", ["Major adverse cardiovascular events; Death from any cause"], ["Stroke; Major adverse"]),
    # A bottom line that carries its key numbers (the deaths summed over the trials, the primary pooled effect).
    ("react-corticosteroids", ["than usual care or placebo (222 of 678 vs 425 of 1,025 died; odds ratio 0.66"], []),
    # A limitation that needs its number: how well warfarin was controlled.
    ("re-ly", ["Warfarin was in the therapeutic range a mean 64.4% of the time"], []),
])
def test_the_question_rows_say_a_fact_once(name, said, not_said):
    text = brief_of(name)
    for words in said:
        assert words in text
    for words in not_said:
        assert words not in text


def test_the_review_brief_shows_no_prisma_diagram_of_nothing_but_gaps():
    """WHO REACT's PRISMA panel had two boxes: "Trials identified (n not reported)" and "Studies included in
    review (n = 7) / Reports of included studies (n not reported)": only the 7 of its "Included" row, and two
    gaps of our sources (the confirmed sources do not give them) printed as the review's. The record now says
    "not in sources", the brief draws no PRISMA diagram that gives no count beyond the studies included, and
    the forest note says the weights are not in our sources rather than not reported."""
    text = brief_of("react-corticosteroids")
    assert "PRISMA" not in text and "not reported" not in text
    assert "weights computed with the primary model (not in sources)" in text
    prisma = load_study(ROOT / "sources" / "react-corticosteroids.yaml").study.prisma
    assert prisma is not None and not counts_beyond_included(prisma)
    assert counts_beyond_included(prisma.model_copy(update={"reports_included": 9}))   # SYNTHETIC count


def test_summary_of_findings_numbers_are_not_wrapped():
    """The summary-of-findings columns shared a shortfall of width in proportion, so at 9 pt WHO REACT's read
    "415 per / 1,000", "OR 0.66 (0.53 to / 0.82)"; the outcome column, whose words wrap well, now gives first."""
    lines = [line.strip() for line in brief_text(brief_bytes("react-corticosteroids")).splitlines()]
    for cell in ("1,703 (7 studies)", "415 per 1,000", "319 per 1,000 (273 to 367)", "OR 0.66 (0.53 to 0.82)"):
        assert cell in lines, cell     # each cell read back as one line of its own


def test_the_forest_notes_say_the_heterogeneity_once():
    """WHO REACT's two pooled results share one Q and I²; the note under the forest said them for both."""
    text = brief_of("react-corticosteroids")
    assert text.count("Q = 7.11, df = 6, P = 0.31 (computed)") == 1 and text.count("I² = 16% (computed)") == 1
    assert "Random effects, Paule–Mandel, Hartung–Knapp. Heterogeneity: τ² = 0.036 (computed). Overall effect" in text


SOURCES = sorted(p.stem for p in (ROOT / "sources").glob("*.yaml"))


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("name", SOURCES)
def test_no_text_on_a_brief_is_under_its_smallest_size(name, paper):
    """WHO REACT's notes under its forest plot (its heterogeneity and computed values) were 7.2 pt on A4 and
    6.75 pt on letter: secondary text was 0.9 of the diagram's, floored at 6.5 pt. It is floored at the brief's
    smallest size, 7.5 pt (a deck's or figure's larger type is unchanged)."""
    pdf = brief_bytes(name, paper)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        small = {(w["text"], round(w["size"], 2)) for w in doc.pages[0].extract_words(extra_attrs=["size"])
                 if w["size"] < MIN_BODY - 0.01}
    assert not small, sorted(small)[:10]


@pytest.mark.parametrize("name, said", [("re-ly", 3), ("step-1", 1)])
def test_an_effect_missing_with_its_interval_is_said_missing_once(name, said):
    """RE-LY's table read "not in our sources  not in our sources" under the estimate and the CI of three effects
    (the CI's wrapped to two lines), STEP 1's under one; the estimate's cell says it for both."""
    report = prepare(load_study(ROOT / "sources" / f"{name}.yaml"))
    page = fit_page(report.content, trial_brief_figures(report.study), "a4")
    cells = [op for op in page.ops if isinstance(op, Text) and op.text == "not in our sources"
             and op.y < page.height - 80]     # not the footer's competing interests
    assert len(cells) == said


def test_bare_event_counts_say_what_they_count():
    """VITAL's primary results are numbers of events without denominators ("793"), under column heads that name
    the factor levels: nothing on the page said they were events. The table's head now says it once."""
    text = brief_of("vital")
    assert "Numbers: participants with the event" in text
    for name in TRIALS:     # results with a total, a percentage or a rate are not bare numbers
        report = prepare(load_study(ROOT / "sources" / f"{name}.yaml"))
        assert (report.content.counted is not None) == (name == "vital")


def test_a_short_row_note_runs_on_after_its_label_and_dapa_hf_keeps_its_strengths_on_letter():
    """DAPA-HF's renal harm note ("P=0.36") stood on a line of its own under the label; run on after the label
    (the label column has the room) the page saves that line, and on US letter its strengths fit (they were
    7.5 pt short). No type gets smaller: the page stays at the size it had."""
    pdf = brief_bytes("dapa-hf", "letter")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        words = doc.pages[0].extract_words()
    label = next(w for w in words if w["text"] == "Renal")
    note = next(w for w in words if w["text"] == "P=0.36")
    assert abs(note["bottom"] - label["bottom"]) < 1.0 and note["x0"] > label["x1"], (label, note)
    assert "Main strengths:" in " ".join(brief_text(pdf).split())


@pytest.mark.parametrize("with_diagram", [True, "band", False])
def test_a_step_s_upper_sections_serve_its_strengths_and_split_panel(with_diagram):
    """The sections above the lower half are laid out once per step (``upper_sections``): the page with the
    strengths, or with the panel split, is the page laid out afresh at that style (``layout_page``, its own
    results table)."""
    from pipeline.render.pdf import finish_page, layout_page, results_tables, upper_sections

    report = prepare(load_study(ROOT / "sources" / "imagine-ra.yaml"))
    c, figures = report.content, trial_brief_figures(report.study)
    assert c.strengths and c.notes_beside
    upper = upper_sections(c, figures, "a4", STEPS[1], with_diagram, results_tables(c, figures, "a4"))
    for variant in ({"strengths": True}, {"split_panel": True}, {"strengths": True, "split_panel": True}):
        style = replace(STEPS[1], **variant)
        assert finish_page(c, "a4", style, upper) == layout_page(c, figures, "a4", style, with_diagram)


def test_the_results_are_laid_out_once_for_the_steps_at_one_style_and_the_strengths(monkeypatch):
    """SSaSS fits at 9 pt, strengths and all, with the design band under the question after the schema beside it
    did not fit: the results table is laid out once, for both steps at 9 pt and the page with the strengths."""
    from pipeline.render import pdf

    calls = []
    real = pdf.results_section
    monkeypatch.setattr(pdf, "results_section", lambda *a: calls.append(a) or real(*a))
    report = prepare(load_study(ROOT / "sources" / "ssass.yaml"))
    page = fit_page(report.content, trial_brief_figures(report.study), "a4")
    assert page.style.strengths and page.style.body == STEPS[0].body
    assert [style for *_, style in calls] == [STEPS[0]]
