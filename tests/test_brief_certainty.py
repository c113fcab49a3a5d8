"""Issue 12: GRADE certainty per outcome on the brief, beside the results, in GRADE's words.

The wording rule is ``content.grade_statement`` (GRADE guidelines 26); the shipped records that rate
certainty are the record author's ratings, so the brief's own behaviour is tested on SYNTHETIC records
(``tests/shapes.py``).
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pypdf
import pytest

import shapes
from pipeline import content
from pipeline.layout.brief_figures import trial_brief_figures
from pipeline.loader import load_bytes
from pipeline.model import Effect
from pipeline.render import pdf
from pipeline.report import prepare
from pipeline.validate import check_source

ROOT = Path(__file__).resolve().parents[1]


def report_of(record: dict):
    return prepare(check_source(load_bytes(shapes.dump(record).encode("utf-8"), "x.yaml")))


def brief_of(report) -> bytes:
    return pdf.render_brief(report.content, trial_brief_figures(report.study))


def page_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


@pytest.mark.parametrize("level, direction, said", [
    ("high", -1, "Drug A reduces death compared with placebo."),
    ("high", 1, "Drug A increases death compared with placebo."),
    ("high", 0, "Drug A results in little to no difference in death compared with placebo."),
    ("moderate", -1, "Drug A probably reduces death compared with placebo."),
    ("moderate", 0, "Drug A probably results in little to no difference in death compared with placebo."),
    ("low", 1, "Drug A may increase death compared with placebo."),
    ("low", 0, "Drug A may result in little to no difference in death compared with placebo."),
    ("very low", -1, "The evidence is very uncertain about the effect of Drug A on death compared with placebo."),
    ("very low", None, "The evidence is very uncertain about the effect of Drug A on death compared with placebo."),
    ("moderate", None, None),
    ("moderate", -1, "Corticosteroids probably reduce death compared with placebo."),      # a plural agrees
    ("high", 0, "Corticosteroids result in little to no difference in death compared with placebo."),
])
def test_grade_statement_uses_grades_words(level, direction, said):
    subject = said.split()[0] if said and said.startswith("Corticosteroids") else "Drug A"
    assert content.grade_statement(level, direction, subject, "death", "Placebo") == said


@pytest.mark.parametrize("effect, direction", [
    ({"estimate": 0.74, "ci": [0.65, 0.85]}, -1),
    ({"estimate": 1.30, "ci": [1.05, 1.61]}, 1),
    ({"estimate": 0.91, "ci": [0.74, 1.11], "significant": True}, 0),     # the interval decides, not the flag
    ({"estimate": -4.8, "measure": "risk difference", "ci": [-9.6, -0.1]}, -1),
    ({"estimate": 4.7, "measure": "risk difference", "significant": False}, 0),
    ({"estimate": 4.7, "measure": "risk difference", "significant": True}, 1),
    ({"estimate": 0.91, "significant": True, "hypothesis": "non-inferiority",
      "margin": {"value": 1.46}}, None),                                  # a non-inferiority call says no side
    ({"estimate": 0.91}, None),
    ({"estimate": "not reported", "ci": "not reported"}, None),
])
def test_effect_direction_reads_the_interval_then_the_authors_call(effect, direction):
    made = Effect.model_validate({"compares": ["a", "b"], "measure": "hazard ratio", **effect})
    assert content.effect_direction(made) == direction


def test_lower_first_keeps_acronyms():
    assert [content.lower_first(t) for t in ("Placebo", "MRI-guided", "DAS28-CRP remission", "A", "Worsening")] \
        == ["placebo", "MRI-guided", "DAS28-CRP remission", "A", "worsening"]


@pytest.fixture(scope="module")
def rated():
    """SYNTHETIC: the harms-and-certainty shape (3 arms; the primary outcome rated moderate, downgraded for
    imprecision), with its secondary outcome rated low by the record's appraiser and a harm rated high."""
    record = copy.deepcopy(shapes.shapes()["harms-and-certainty"])
    record["outcomes"][1]["certainty"] = {"level": "low", "note": "SYNTHETIC: two small trials."}
    record["harms"][0]["certainty"] = {"level": "high", "assessed_by": "tests/shapes.py"}
    return report_of(record)


def test_certainty_is_beside_its_results_in_grades_words_with_whose_rating(rated):
    c = rated.content
    primary = c.primary_rows[0]
    assert primary.grade is not None and primary.grade.statements == (
        f"Drug A probably increases {primary.label} compared with drug C.",
        f"Drug B probably increases {primary.label} compared with drug C.")
    text = page_text(brief_of(rated))
    head = "Certainty ⊕⊕⊕◯ moderate (GRADE): " + " ".join(primary.grade.statements)
    assert head in text
    assert "Downgraded one level for imprecision: SYNTHETIC: wide interval." in text
    harm = c.harm_rows[0]
    assert f"Certainty ⊕⊕⊕⊕ high (GRADE): Drug A increases {harm.label} compared with drug C." in text
    # Both table ratings are by one rater: said once, under the table.
    assert text.count("rated by tests/shapes.py") == 1 and "Certainty (GRADE): rated by tests/shapes.py." in text
    assert "Rated by tests/shapes.py" not in text


def test_the_certainty_of_an_outcome_outside_the_table_is_said_in_the_appraisal(rated):
    secondary = rated.content.secondary_rows[0]
    assert secondary.grade is not None and secondary.grade.by == rated.content.appraisal_by
    text = page_text(brief_of(rated))
    assert f"GRADE certainty of other outcomes: {secondary.label}: ⊕⊕◯◯ low certainty (SYNTHETIC: two small " \
           "trials)" in text
    assert text.count("⊕⊕◯◯") == 1 and text.count("⊕⊕⊕◯") == 1
    assert "Rated by" not in text      # the appraiser's rating: the footer names the appraiser


def test_raters_that_differ_are_named_on_their_rows():
    record = copy.deepcopy(shapes.shapes()["harms-and-certainty"])
    record["harms"][0]["certainty"] = {"level": "very low", "assessed_by": "SYNTHETIC guideline panel"}
    text = page_text(brief_of(report_of(record)))
    assert "Rated by tests/shapes.py." in text and "Rated by SYNTHETIC guideline panel." in text
    assert "Certainty (GRADE): rated by" not in text
    assert "The evidence is very uncertain about the effect of Drug A on SYNTHETIC serious adverse events " \
           "compared with drug C." in text


def test_a_change_outcome_is_said_as_what_changes():
    record = copy.deepcopy(shapes.shapes()["harms-and-certainty"])
    record["outcomes"][0]["label"] = "Percentage change in SYNTHETIC body weight"
    row = report_of(record).content.primary_rows[0]
    assert row.grade is not None
    assert row.grade.statements[0] == "Drug A probably increases SYNTHETIC body weight compared with drug C."


def test_the_review_brief_says_its_certainty_in_grades_words():
    """WHO REACT: moderate certainty (the WHO guidance's rating, from the facts sheet) and a primary pooled OR whose
    interval excludes no effect: GRADE's "probably reduce", beside the summary-of-findings row."""
    from pipeline.build import BuildOptions
    from pipeline.review.build import prepare_review, render_review
    from pipeline.validate import load_study

    report = prepare_review(load_study(ROOT / "sources" / "react-corticosteroids.yaml"))
    said = "Corticosteroids probably reduce all-cause mortality at 28 days compared with usual care or placebo."
    assert report.content.sof[0].statement == said
    files = render_review(report, BuildOptions(only=("brief",)).only, "a4", None)
    assert said in page_text(files["brief.pdf"])
