"""Review records (kind: review): validation with locations, PRISMA arithmetic, the audit, and the
WHO REACT example built into a brief, a deck and figures that are reopened and read."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pdfplumber
import pypdf
import pytest
import yaml
from pptx import Presentation

from pipeline.build import BuildOptions, build_record
from pipeline.cli import main
from pipeline.errors import RecordError
from pipeline.loader import load_bytes
from pipeline.review.audit import run_review_audit
from pipeline.review.build import prepare_review, render_review
from pipeline.review.content import forest_data
from pipeline.review.model import Review
from pipeline.review.pooling import mantel_haenszel
from pipeline.validate import check_source, load_study
from test_review_layout import report_of, synthetic_review

ROOT = Path(__file__).resolve().parents[1]
REACT = ROOT / "sources" / "react-corticosteroids.yaml"


@pytest.fixture(scope="module")
def react_files() -> dict[str, bytes]:
    report = prepare_review(load_study(REACT))
    return render_review(report, ("brief", "deck", "figures"), "a4", None)


def problems_of(text: str) -> list[str]:
    with pytest.raises(RecordError) as info:
        check_source(load_bytes(text.encode("utf-8"), "r.yaml"))
    return [str(p) for p in info.value.problems]


def react_text() -> str:
    return REACT.read_text(encoding="utf-8")


# --- validation -----------------------------------------------------------------------------

def test_react_validates_as_a_review():
    checked = load_study(REACT)
    assert isinstance(checked.study, Review)
    assert checked.study.outcomes[0].pooled[0].estimate.text == "0.66"
    assert checked.study.outcomes[0].pooled[1].estimate.text == "0.70"      # printed decimals kept


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_unknown_key_is_located_with_a_suggestion():
    text = react_text().replace("  studies_included: 7", "  studies_include: 7")
    [problem] = problems_of(text)
    assert problem.startswith(f"r.yaml:{line_of(text, 'studies_include:')}:3: prisma.studies_include: ")
    assert "did you mean 'studies_included'" in problem


def test_reference_to_an_unknown_study_is_located():
    text = react_text().replace("      - study: codex\n", "      - study: codexx\n")
    [problem] = problems_of(text)
    assert re.match(rf"r\.yaml:{line_of(text, 'study: codexx')}:\d+: outcomes\[0\]\.studies\[1\]\.study: "
                    r"no study has the id 'codexx'.*did you mean 'codex'", problem)


def test_events_above_total_and_interval_without_its_estimate():
    text = react_text().replace("intervention: {events: 69, total: 128}", "intervention: {events: 169, total: 128}")
    text = text.replace("        estimate: 0.66\n        ci: [0.53, 0.82]",
                        "        estimate: 0.66\n        ci: [0.70, 0.82]")
    found = problems_of(text)
    assert any("outcomes[0].studies[1].intervention.events: 169 events is more than the total of 128" in p
               for p in found)
    assert any("outcomes[0].pooled[0].ci: the interval [0.70, 0.82] does not contain the estimate 0.66" in p
               for p in found)


def test_model_options_that_do_not_go_together():
    text = react_text().replace("        tau2_estimator: Paule-Mandel\n", "")
    text = text.replace("        model: common\n        method: inverse variance",
                        "        model: common\n        method: inverse variance\n        hartung_knapp: true")
    found = problems_of(text)
    assert any("outcomes[0].pooled[1].model: a random-effects model needs its τ² estimator" in p for p in found)
    assert any("outcomes[0].pooled[0].hartung_knapp: the Hartung–Knapp adjustment belongs to a random-effects model"
               in p for p in found)


def test_duplicate_study_ids_weights_over_100_and_nan():
    text = react_text().replace("  - id: codex\n", "  - id: dexa-covid-19\n")
    found = problems_of(text)
    assert any("studies[1].id: study id 'dexa-covid-19' is used twice" in p for p in found)
    text = react_text().replace("weight: not in sources", "weight: 30")
    assert any("outcomes[0].studies: the weights add up to 210%, more than 100%" in p for p in problems_of(text))
    text = react_text().replace("weight: not in sources", "weight: 130", 1)
    assert any("outcomes[0].studies[0].weight: " in p and "100" in p for p in problems_of(text))
    text = react_text().replace("estimate: 0.66", "estimate: .nan")
    assert any("outcomes[0].pooled[0].estimate: must be a finite number" in p for p in problems_of(text))


PRISMA = """\
prisma:
  identified:
    - {source: MEDLINE, n: 300}
    - {source: Embase, n: 200}
  duplicates_removed: 100
  screened: 400
  excluded: 350
  sought: 50
  not_retrieved: 5
  assessed: 45
  excluded_reasons:
    - {reason: Wrong population, n: 20}
    - {reason: Not randomized, n: 15}
  studies_included: 7
  reports_included: 10
"""


def with_prisma(block: str) -> str:
    text = react_text()
    start = text.index("prisma:\n")
    end = text.index("\narms:")
    return text[:start] + block + text[end:]


def test_prisma_impossible_counts_are_refused_with_locations():
    text = with_prisma(PRISMA.replace("excluded: 350", "excluded: 450").replace("not_retrieved: 5",
                                                                               "not_retrieved: 55"))
    found = problems_of(text)
    assert f"r.yaml:{line_of(text, 'excluded: 450')}:13: prisma.excluded: 450 records excluded is more than the " \
           f"400 records screened" in found
    assert any("prisma.not_retrieved: 55 reports not retrieved is more than the 50 reports sought" in p for p in found)


def test_prisma_sums_are_audited():
    text = with_prisma(PRISMA)
    review = check_source(load_bytes(text.encode(), "r.yaml"))
    assert not [f for f in run_review_audit(review).result.findings if f.code == "prisma-sum"]
    text = with_prisma(PRISMA.replace("sought: 50", "sought: 52")
                       .replace("reports_included: 10", "reports_included: 9"))
    findings = [f for f in run_review_audit(check_source(load_bytes(text.encode(), "r.yaml"))).result.findings
                if f.code == "prisma-sum"]
    messages = [f.message for f in findings]
    assert "PRISMA: records screened − excluded = 400 − 350 = 50, but 52 reports sought" in messages
    assert "PRISMA: reports sought − not retrieved = 52 − 5 = 47, but 45 reports assessed" in messages
    assert "PRISMA: reports assessed − excluded with reasons = 45 − 35 = 10, but 9 reports included" in messages
    assert all(f.severity == "warning" for f in findings)


def test_trial_records_are_untouched_by_the_review_dispatch():
    checked = load_study(ROOT / "sources" / "imagine-ra.yaml")
    assert type(checked.study).__name__ == "Study"


def test_cli_validate_and_audit_a_review(capsys):
    assert main(["validate", str(REACT)]) == 0
    assert f"{REACT}: valid (react-corticosteroids)" in capsys.readouterr().out
    assert main(["audit", str(REACT)]) == 0
    out = capsys.readouterr().out
    assert "re-pooled from 7 studies (common effect, inverse variance): 0.66 (0.53 to 0.82), as reported" in out
    assert "re-pooled from 7 studies (random effects, Paule-Mandel, Hartung-Knapp): 0.70 (0.48 to 1.01), as reported" \
        in out


def test_audit_reports_a_difference_not_an_alarm():
    text = react_text().replace("        estimate: 0.66\n        ci: [0.53, 0.82]",
                                "        estimate: 0.61\n        ci: [0.53, 0.82]")
    findings = run_review_audit(check_source(load_bytes(text.encode(), "r.yaml"))).result.findings
    [diff] = [f for f in findings if f.code == "repool-differs"]
    assert "gives 0.66 (0.53 to 0.82); the review reports 0.61 (0.53 to 0.82)" in diff.message
    assert diff.severity == "warning" and diff.fields == ("outcomes[0].pooled[0]",)


# --- outputs ------------------------------------------------------------------------------

def test_react_brief_is_one_page_with_forest_and_sof(react_files):
    """Its PRISMA record gives no count beyond the 7 studies included (the "Included" row says them), so the
    brief draws no PRISMA diagram (test_brief_fit); the deck keeps its slide."""
    pdf = react_files["brief.pdf"]
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        text = " ".join(page.extract_text().split())
        sizes = {round(ch["size"], 1) for ch in page.chars}
    assert "PRISMA" not in text and "Included 7 studies, 1,703 participants" in text
    for phrase in ("RECOVERY (ventilated) 95/324 283/683 0.59 (0.44 to 0.78) 57.0%",
                   "0.66 (0.53 to 0.82)", "0.70 (0.48 to 1.01)", "Summary of findings (GRADE)",
                   "415 per 1,000", "319 per 1,000 (273 to 367)", "OR 0.66 (0.53 to 0.82)", "⊕⊕⊕◯ Moderate",
                   "← favours Corticosteroids", "favours Usual care or placebo →",
                   "weights computed with the primary model (not in sources)"):
        assert phrase in text, phrase
    assert "n = 0" not in text
    assert min(sizes) >= 6.0


def test_react_deck_has_the_review_slides_with_notes(react_files):
    prs = Presentation(io.BytesIO(react_files["deck.pptx"]))
    titles = [s.shapes.title.text if s.shapes.title is not None else
              next((sh.text_frame.text for sh in s.shapes if sh.name == "Title"), "") for s in prs.slides]
    # The PRISMA record gives no count beyond the 7 studies included: the question slide says all it would.
    assert "Search and selection (PRISMA 2020)" not in titles
    for wanted in ("The question", "Included studies", "Forest plot: All-cause mortality at 28 days",
                   "Summary of findings", "Key conclusions", "Limitations", "Discussion", "Reference"):
        assert wanted in titles, (wanted, titles)
    for slide in prs.slides:
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
    forest = prs.slides[titles.index("Forest plot: All-cause mortality at 28 days")]
    group = next(g for g in forest.shapes if g.shape_type == 6)
    assert any(sh.name == "Diamond pooled" for sh in group.shapes)
    # No per-trial judgements: risk of bias is one sentence under the summary of findings, not a slide of its own.
    assert not any(t.startswith("Risk of bias") for t in titles), titles
    sof = " ".join(sh.text_frame.text for sh in prs.slides[titles.index("Summary of findings")].shapes
                   if sh.has_text_frame)
    assert "Risk of bias (Cochrane Risk of Bias tool): Per-trial judgements are not in the sources" in " ".join(
        sof.split()), sof
    notes = prs.slides[titles.index("Discussion")].notes_slide.notes_text_frame.text
    assert "A suggested answer:" in notes
    # The pooled results' notes under the plot would not fit beside it: they are said, not left on a slide alone.
    assert not any(t.startswith("Forest plot") and "(cont.)" in t for t in titles)
    said = forest.notes_slide.notes_text_frame.text
    assert "Heterogeneity: I² = 16% (computed)" in said


def test_a_prisma_diagram_with_counts_is_a_slide_of_glued_connectors():
    report = report_of(3, 7, 2)      # SYNTHETIC: a PRISMA record with every count
    prs = Presentation(io.BytesIO(render_review(report, ("deck",), "a4", None)["deck.pptx"]))
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in prs.slides]
    slides = [s for s, t in zip(prs.slides, titles, strict=True) if t.startswith("Search and selection (PRISMA")]
    assert slides, titles
    xml = slides[0].shapes._spTree.xml
    assert "a:stCxn" in xml and "a:endCxn" in xml             # glued connectors
    shown = " ".join(" ".join(sh.text_frame.text.split()) for s in slides for g in s.shapes if g.shape_type == 6
                     for sh in g.shapes if sh.has_text_frame)
    assert "Studies included in review (n = 7)" in shown


def test_react_figures_are_written(react_files):
    assert "figures/prisma.svg" not in react_files           # no count beyond the studies included
    for name in ("forest-mortality-28d",):
        assert react_files[f"figures/{name}.png"].startswith(b"\x89PNG")
        svg = react_files[f"figures/{name}.svg"].decode()
        assert "<svg" in svg
    assert "0.66 (0.53 to 0.82)" in react_files["figures/forest-mortality-28d.svg"].decode()
    assert "figures/rob.png" not in react_files              # no per-trial judgements in the sources


def test_build_record_writes_the_review_outputs(tmp_path):
    result = build_record(REACT, tmp_path, BuildOptions())
    folder = tmp_path / "react-corticosteroids"
    assert (folder / "brief.pdf").is_file() and (folder / "deck.pptx").is_file()
    assert result.study_id == "react-corticosteroids"
    with zipfile.ZipFile(folder / "deck.pptx") as z:
        assert "ppt/slides/slide1.xml" in z.namelist()


def test_review_schema_is_committed_and_current():
    import json

    from pipeline.review.model import review_schema
    committed = json.loads((ROOT / "schema" / "review-record.schema.json").read_text(encoding="utf-8"))
    assert committed == review_schema(), "schema is stale: run `make schema` and commit it"
    assert committed["properties"]["kind"]["const"] == "review"


def test_readme_has_the_review_field_reference():
    from pipeline.fieldref import REVIEW_END, REVIEW_START, markdown
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(REVIEW_START)[1].split(REVIEW_END)[0]
    assert section.strip() == markdown(Review).strip()
    assert "| `outcomes[].pooled[].tau2_estimator` |" in section


def test_the_example_uses_only_confirmed_facts():
    data = yaml.safe_load(react_text())
    pooled = data["outcomes"][0]["pooled"]
    assert all("i2" not in p or p["i2"] == "not in sources" for p in pooled)   # I² 16% is unconfirmed
    text = react_text()
    assert "0.80" not in text.split("studies:", 2)[2].split("pooled:")[1]     # the unconfirmed RR 0.80
    assert "9 eligible" not in text and "29%" not in text


def test_mantel_haenszel_weights_go_to_the_studies_that_entered_the_pool():
    """A study Mantel–Haenszel leaves out (no events in either arm) but whose own estimate the review reports still
    has a row: the weights the pool gives are shown beside the studies it pooled, not shifted one row up."""
    record = yaml.safe_load(synthetic_review(7, 4, 1))
    outcome = record["outcomes"][0]
    assert outcome["measure"] == "odds ratio"
    first = outcome["studies"][0]
    first["intervention"], first["control"] = {"events": 0, "total": 40}, {"events": 0, "total": 45}
    first["estimate"], first["ci"] = 1.0, [0.02, 51.6]          # SYNTHETIC: a reported, not estimable, study
    for row in outcome["studies"]:
        row.pop("weight")
    primary = outcome["pooled"][0]
    primary["method"] = "Mantel-Haenszel"
    report = prepare_review(check_source(load_bytes(yaml.safe_dump(record).encode(), "mh.yaml")))
    review = report.review
    audit = run_review_audit(review)
    forest = forest_data(review, review.outcomes[0], audit)
    tables = [(r.intervention.events, r.intervention.total, r.control.events, r.control.total)
              for r in review.outcomes[0].studies]
    expected = mantel_haenszel(tables, "odds ratio")
    assert expected.used == (1, 2, 3)
    shown = [row.weight for row in forest.rows]
    assert shown[0] is None
    assert shown[1:] == pytest.approx(list(expected.weights))


def test_a_review_without_pooled_results_is_built(tmp_path):
    """Only the studies' own results, no pooled estimate: the forest plot has no pooled rows, and the brief, the
    deck and the figure are made (the forest's label column asked the widest pooled label of none: exit 70)."""
    from shapes import dump

    data = load_bytes(REACT.read_bytes(), str(REACT)).data
    del data["outcomes"][0]["pooled"]
    path = tmp_path / "react-corticosteroids.yaml"
    path.write_text(dump(data), encoding="utf-8")
    result = build_record(path, tmp_path / "out")
    assert {p.name for p in result.written} == {"brief.pdf", "deck.pptx", "forest-mortality-28d.svg"}
    text = pypdf.PdfReader(tmp_path / "out" / "react-corticosteroids" / "brief.pdf").pages[0].extract_text()
    assert "RECOVERY (ventilated)" in text and "Fixed effect" not in text
