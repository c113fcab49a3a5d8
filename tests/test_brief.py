"""Tests for the one-page PDF brief (pipeline.render.pdf), on real files reopened with pypdf and pdfplumber."""

from __future__ import annotations

import copy
import io
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pypdf
import pytest
import yaml

from pipeline.build import BuildOptions, render
from pipeline.errors import LayoutError
from pipeline.layout.brief_figures import trial_brief_figures
from pipeline.loader import load_bytes
from pipeline.model import Study
from pipeline.render import pdf as brief_pdf
from pipeline.render.pdf_blocks import MIN_BODY, STEPS, Figure
from pipeline.render.pdf_lower import said_in
from pipeline.report import prepare
from pipeline.validate import check_source, load_study

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "sources" / "imagine-ra.yaml"
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


@pytest.fixture(scope="module")
def report():
    return prepare(load_study(RECORD))


@pytest.fixture(scope="module")
def brief(report) -> bytes:
    return render(report, BuildOptions(only=("brief",)))["brief.pdf"]


def data() -> dict:
    return yaml.safe_load(RECORD.read_text(encoding="utf-8"))


def report_of(d: dict):
    raw = yaml.safe_dump(d, allow_unicode=True, sort_keys=False).encode("utf-8")
    return prepare(check_source(load_bytes(raw, "x.yaml")))


def brief_of(report, paper: str = "a4") -> bytes:
    return brief_pdf.render_brief(report.content, trial_brief_figures(report.study), paper=paper)


def page_of(report, paper: str = "a4"):
    return brief_pdf.fit_page(report.content, trial_brief_figures(report.study), paper)


def words(text: str) -> str:
    return " ".join(text.split())


def pypdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def assert_contains(text: str, phrase: str) -> None:
    assert words(phrase) in words(text), f"{phrase!r} not in the brief's text"


# --- the shipped record ---------------------------------------------------------


def test_exactly_one_a4_page(brief):
    reader = pypdf.PdfReader(io.BytesIO(brief))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.01)


def test_letter_option(report):
    pdf = render(report, BuildOptions(only=("brief",), paper="letter"))["brief.pdf"]
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(LETTER, abs=0.01)
    assert_contains(pypdf_text(pdf), report.content.bottom_line)


def test_unknown_paper_is_refused(report):
    with pytest.raises(LayoutError, match="paper"):
        brief_of(report, paper="a3")


def test_title_arms_numbers_and_messages_appear(brief, report):
    text = pypdf_text(brief)
    c = report.content
    assert_contains(text, c.title)
    assert_contains(text, c.bottom_line)
    for name in c.arm_names:
        assert_contains(text, name)
    for number in ("64", "85", "83", "88", "\u22124.8", "49", "66", "58", "62", "4.7", "17 (17%)", "6 (6%)"):
        assert number in text, number
    for row in c.primary_rows:
        for cell in row.cells:
            assert_contains(text, cell)
    for message in c.key_messages:
        assert_contains(text, message)
    assert_contains(text, c.authors_conclusion)
    for row in c.rob_rows:
        assert_contains(text, f"{row.domain}")
        assert_contains(text, row.word)
    lean = page_of(report, "a4").style.lean
    for limitation in c.limitations:
        # Space forcing it, a limitation the "Checking the numbers" panel already states is said once.
        if lean and said_in(limitation, c.notes_beside):
            continue
        assert_contains(text, limitation)
    for note in c.notes_beside:
        assert_contains(text, note)
    assert_contains(text, c.footer)
    assert "not in our sources" in text      # CI and P value the record's sources lack (not the trial's fault)


def test_no_missing_glyph_boxes(brief):
    text = pypdf_text(brief)
    assert "\u25a0" not in text and "\ufffd" not in text
    assert "Møller-Bisgaard" in text and "≤" in text


def test_fonts_embedded_and_subset(brief):
    reader = pypdf.PdfReader(io.BytesIO(brief))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font["/FontDescriptor"] if "/FontDescriptor" in font else \
            font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        descriptor = descriptor.get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
        assert re.match(r"^/[A-Z]{6}\+DejaVuSans", font["/BaseFont"]), font["/BaseFont"]


def test_pdffonts_reports_embedded(tmp_path, brief):
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    path = tmp_path / "brief.pdf"
    path.write_bytes(brief)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row


def test_qpdf_check(tmp_path, brief):
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed")
    path = tmp_path / "brief.pdf"
    path.write_bytes(brief)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_metadata_and_links(brief, report):
    reader = pypdf.PdfReader(io.BytesIO(brief))
    meta = reader.metadata
    assert report.content.title in meta.title
    assert "Møller-Bisgaard" in meta.author
    assert report.content.bottom_line in meta.subject
    assert "IMAGINE-RA" in meta["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en"
    uris = {a.get_object()["/A"]["/URI"] for a in reader.pages[0].get("/Annots", [])}
    assert "https://doi.org/10.1001/jama.2018.21362" in uris
    assert "https://clinicaltrials.gov/study/NCT01656278" in uris


def test_size_under_150_kb(brief):
    assert len(brief) < 150 * 1024


def test_reproducible_with_source_date_epoch(report, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = brief_of(report)
    second = brief_of(report)
    assert first == second
    reader = pypdf.PdfReader(io.BytesIO(first))
    assert reader.metadata["/CreationDate"].startswith("D:20231114")


def test_text_inside_margins_and_no_overlaps(brief):
    """Nothing is clipped at the page edge, and no two words are drawn over each other."""
    with pdfplumber.open(io.BytesIO(brief)) as pdf:
        page = pdf.pages[0]
        chars = page.chars
        assert chars
        for ch in chars:
            assert ch["x0"] >= 20 and ch["x1"] <= page.width - 20, ch["text"]
            assert ch["top"] >= 15 and ch["bottom"] <= page.height - 15, ch["text"]
            assert ch["size"] >= MIN_BODY - 0.01, (ch["text"], ch["size"])
        boxes = [w for w in page.extract_words(use_text_flow=True, keep_blank_chars=False)]
    overlaps = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["x0"] < b["x1"] - 0.5 and b["x0"] < a["x1"] - 0.5 and \
                    a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5:
                overlaps.append((a["text"], b["text"]))
    assert not overlaps, overlaps[:5]


# --- generated records -------------------------------------------------------------


def test_markup_and_non_latin_text_print_literally():
    d = data()
    d["title"] = 'Trial of <b>&amp;<img src="http://x"> in Ελλάδα, России and Ørsted'
    d["conclusions"]["bottom_line"] = "κ ≥ 0.8 ± 0.1 µg <i>not italic</i> & more"
    pdf = brief_of(report_of(d))
    text = pypdf_text(pdf)
    assert_contains(text, d["title"])
    assert_contains(text, d["conclusions"]["bottom_line"])
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "/XObject" not in reader.pages[0]["/Resources"]     # no image was fetched or embedded
    uris = {a.get_object()["/A"]["/URI"] for a in reader.pages[0].get("/Annots", [])}
    assert "http://x" not in uris


def test_long_fields_shrink_and_stay_on_one_page():
    d = data()
    d["question"]["population"] = " ".join(["Adults with long-standing rheumatoid arthritis"] * 6)
    d["conclusions"]["key_messages"][0] = " ".join(["A much longer key message."] * 8)
    pdf = brief_of(report_of(d))
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    text = pypdf_text(pdf)
    assert_contains(text, d["conclusions"]["key_messages"][0])


def test_short_record_uses_larger_type():
    """A lean record is set larger than the shipped one: the shrink steps really depend on the content."""
    d = data()
    for key in ("flow", "harms", "appraisal", "outcomes_note", "funding", "interests", "protocol"):
        d.pop(key, None)
    d["conclusions"]["key_messages"] = d["conclusions"]["key_messages"][:3]
    d["conclusions"].pop("authors")
    for o in d["outcomes"]:
        o.pop("effects", None)
    lean = brief_of(report_of(d))
    full = brief_of(prepare(load_study(RECORD)))

    def body_size(pdf: bytes) -> float:
        """The size of the PICO labels (here "Design"), which are set in the body size."""
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            found = [w for w in doc.pages[0].extract_words(extra_attrs=["size"]) if w["text"] == "Design"]
        assert found
        return round(found[0]["size"], 2)

    assert body_size(lean) > body_size(full)


@pytest.mark.parametrize("path, value", [
    (("conclusions", "bottom_line"), "Remission was the same. " * 200),
    (("question", "population"), "Adults in remission " * 250),
])
def test_too_long_raises_layout_error_naming_the_field(path, value):
    d = data()
    d[path[0]][path[1]] = value
    r = report_of(d)
    with pytest.raises(LayoutError) as err:
        brief_of(r)
    message = str(err.value)
    assert ".".join(path) in message
    assert "pt" in message and "too tall" in message


def test_study_model_validates_generated_records():
    d = copy.deepcopy(data())
    d["title"] = "x" * 300
    Study.model_validate(d)


def test_lean_record_gets_the_design_diagram():
    """With room to spare the design schema is drawn at the largest type: here as the band under the question
    at 9 pt (beside the question it needs 8.5 pt), its box text drawn from the layout."""
    d = data()
    for key in ("flow", "appraisal", "outcomes_note", "outcomes"):
        d.pop(key)
    page = page_of(report_of(d))
    assert page.style.body == STEPS[0].body
    assert [op.diagram.kind for op in page.ops if isinstance(op, Figure)] == ["design"]
    pdf = brief_of(report_of(d))
    text = pypdf_text(pdf)
    assert "The question and the trial design" in text
    assert_contains(text, "Randomized 1:1 n = 200")
    assert_contains(text, "Primary outcomes: none is marked primary in the record.")
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1


def test_shipped_record_names_the_design(brief):
    """The band shows randomization, arms and follow-up; the design row says what it does not (kind, masking)."""
    text = pypdf_text(brief)
    assert_contains(text, "Randomized 1:1")
    assert_contains(text, "Parallel-group trial")
    assert_contains(text, "masking: The protocol calls the trial non-blinded")


@pytest.mark.parametrize("paper, body", [("a4", 8.0), ("letter", MIN_BODY)])
def test_shipped_record_has_the_design_diagram(report, paper, body):
    """IMAGINE-RA's brief carries the trial design schema on both papers, with body text of at least 8 pt on
    A4 (the shorter Letter page, with the escalation protocol, per-result risk of bias and absolute effects
    the version-2 record adds, takes the smallest step)."""
    page = page_of(report, paper)
    figures = [op for op in page.ops if isinstance(op, Figure) and op.diagram.kind != "results"]
    assert len(figures) == 1 and figures[0].diagram.kind == "design"
    assert page.style.body >= body
    assert figures[0].diagram.extra["font_size"] >= MIN_BODY
    assert page.overflow <= 0
    pdf = brief_of(report, paper=paper)
    text = pypdf_text(pdf)
    assert_contains(text, "Randomized 1:1")
    assert_contains(text, "n = 200")
    for name in report.content.arm_names:
        assert_contains(text, f"{name} n = 100 randomized")
    assert_contains(text, "Primary outcomes at 24 months")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        sizes = {round(w["size"], 2) for w in doc.pages[0].extract_words(extra_attrs=["size"])
                 if w["text"] == "Design"}
    assert sizes and min(sizes) >= body


def test_letter_brief_has_no_overlaps_or_clipping(report):
    pdf = brief_of(report, paper="letter")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        for ch in page.chars:
            assert ch["x0"] >= 20 and ch["x1"] <= page.width - 20, ch["text"]
            assert ch["top"] >= 15 and ch["bottom"] <= page.height - 15, ch["text"]
            assert ch["size"] >= MIN_BODY - 0.01, (ch["text"], ch["size"])
        boxes = page.extract_words(use_text_flow=True)
    overlaps = [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a["x0"] < b["x1"] - 0.5 and b["x0"] < a["x1"] - 0.5 and
                a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5]
    assert not overlaps, overlaps[:5]


def test_band_says_the_outcomes_once(report):
    """Above the design band the question leaves out the outcomes row the band's outcomes box repeats."""
    page = page_of(report, "a4")
    labels = [op.text for op in page.ops if getattr(op, "style", None) == "bold" and op.text == "Outcomes"]
    assert not labels


def test_said_in_matches_only_the_repeated_limitation(report):
    c = report.content
    said = [t for t in c.limitations if said_in(t, c.notes_beside)]
    assert said == [t for t in c.limitations if t.startswith("Denominators")]


def test_the_design_band_shows_each_arm_s_completion_and_the_caption_only_what_the_band_does_not():
    """Issue 12: per-arm completion in the band (76 vs 95), and no participant number said twice: the
    caption under the band leaves out who was randomized and completed (the band shows them) and a count
    missing only from the sources behind the record."""
    from pipeline.layout.alt import flow_caption
    from pipeline.layout.design import design_diagram

    study = load_study(RECORD).study
    assert flow_caption(study) == ("200 randomized 1:1: 100 to MRI-guided, 100 to Conventional; completed: 76 and 95; "
                                   "analysed: not in our sources")
    assert flow_caption(study, beside_band=True) == ""
    band = design_diagram(study, 535.0, 110.0, compact=True)
    arms = [" ".join(line.text for line in b.lines) for b in band.boxes if b.arm is not None]
    assert arms == ["MRI-guided n = 100 randomized 76 completed", "Conventional n = 100 randomized 95 completed"]
    report = prepare(load_study(RECORD))
    for paper in ("a4", "letter"):
        text = words(pypdf_text(render(report, BuildOptions(only=("brief",), paper=paper))["brief.pdf"]))
        assert "76 completed" in text and "95 completed" in text
        assert "completed: 76" not in text and text.count("n = 100 randomized") == 2


# --- version 2: numbers as printed, effects per comparison, gaps said as such -------

import shapes  # noqa: E402
from pipeline import content as fmt  # noqa: E402
from pipeline.numbers import Printed  # noqa: E402


@pytest.mark.parametrize("value, text", [
    (Printed(14.0, "14.0"), "14.0"), (Printed(0.6, "0.60"), "0.60"), (Printed(-4.8, "-4.8"), "\u22124.8"),
    (Printed(1e-7, "1e-7"), "0.0000001"), (Printed(12345, "12345"), "12345"), (3, "3"),
    ("not reported", "not reported"), ("not in sources", "not in our sources"), (None, "not reported"),
])
def test_one_formatter_shows_numbers_as_printed(value, text):
    assert fmt.number(value) == text


def test_computed_values_take_their_stated_precision():
    assert fmt.number(0.123456, 2) == "0.12"
    assert fmt.number(-0.001, 1) == "0.0"        # no "−0.0"
    assert fmt.signed(Printed(4.7, "4.7")) == "+4.7"
    assert fmt.interval(Printed(0.6, "0.60"), Printed(0.9, "0.90")) == "0.60 to 0.90"
    assert fmt.p_value("<0.001") == "P < 0.001" and fmt.p_value(Printed(0.01, "0.010")) == "P = 0.010"
    assert fmt.p_value("not in sources") == "not in our sources"


def _study(**changes) -> Study:
    record = shapes.simple("formatting", "binary", "hazard ratio")
    record.update(changes)
    return Study.model_validate(record)


def test_an_effect_reads_with_its_comparison_level_and_qualifiers():
    study = Study.model_validate(shapes.shapes()["non-inferiority"])
    outcome = study.outcomes[0]
    texts = [fmt.effect_text(study, outcome, e) for e in outcome.effects]
    ni = next(t for t in texts if t.label == "Non-inferiority")
    assert ni.hypothesis == "Non-inferiority, margin HR 1.38" and ni.margin_label == "NI margin 1.38"
    sup = next(t for t in texts if t.label == "Superiority")
    assert sup.hypothesis is None and sup.adjusted == "adjusted for age and region"
    assert sup.threshold == "judged at P < 0.0025" and sup.population == "intention-to-treat"
    arm, ref = study.comparison(outcome.effects[0])
    assert texts[0].comparison == f"{study.group_label(arm)} vs {study.group_label(ref)}"
    e = outcome.effects[0]
    assert texts[0].headline == f"HR {e.estimate.text} ({e.ci[0].text} to {e.ci[1].text})".replace("-", "\u2212")


def test_a_ci_at_another_level_says_its_level():
    study = _study()
    outcome = study.outcomes[0]
    effect = outcome.effects[0].model_copy(update={"ci_level": Printed(97.5, "97.5"), "estimate": Printed(1.7, "1.70"),
                                                   "ci": (Printed(1.4, "1.40"), Printed(2.05, "2.05"))})
    t = fmt.effect_text(study, outcome, effect)
    assert t.headline == "HR 1.70 (97.5% CI 1.40 to 2.05)" and t.ci == "97.5% CI 1.40 to 2.05"


@pytest.mark.parametrize("result, text", [
    ({"arm": "x", "events": 386, "total": 2373, "rate": {"value": Printed(11.6, "11.6"), "unit": "% per year"}},
     "386/2,373 (11.6% per year)"),
    ({"arm": "x", "rate": {"value": Printed(29.14, "29.14"), "unit": "per 1000 person-years"}},
     "29.14 per 1000 person-years"),
    ({"arm": "x", "kaplan_meier": {"percent": Printed(15.1, "15.1"), "at": "3 years"}}, "15.1% at 3 years"),
    ({"arm": "x", "mean": Printed(-14.9, "-14.9"), "sd": Printed(2.0, "2.0"), "total": 1306, "change": True},
     "change \u221214.9 (SD 2.0), n = 1,306"),
    ({"arm": "x", "median": 3, "iqr": [1, 5]}, "median 3 (IQR 1 to 5)"),
    ({"arm": "x", "events": "not in sources", "total": 50}, "not in our sources"),
    ({"arm": "x", "events": "not reported"}, "not reported"),
    ({"arm": "x", "events": 64, "percent": Printed(85, "85")}, "64 (85%)"),
])
def test_per_arm_cells_say_what_kind_of_number_they_are(result, text):
    from pipeline.model import ArmResult
    assert fmt.arm_cell(ArmResult.model_validate(result)) == text


def test_citations_without_authors_and_approximate_centres():
    s = shapes.shapes()
    untitled = Study.model_validate(s["citation-without-authors"])
    assert fmt.citation_text(untitled).startswith("SYNTHETIC report without authors.")
    group = Study.model_validate(s["citation-group-author"])
    assert fmt.citation_text(group).startswith("SYNTHETIC Trial Investigators.")
    assert fmt.centres_text("over 900", ["Nowhere"]) == "over 900 centres in Nowhere"
    assert fmt.centres_text(1, []) == "1 centre"


@pytest.mark.parametrize("name, phrases", [
    ("non-inferiority", ["Non-inferiority, margin HR 1.38", "Drug A vs Drug C, Non-inferiority",
                         "Drug B vs Drug C, Superiority", "adjusted for age and region"]),
    ("missing-values", ["not in our sources", "not reported"]),
    ("tte-rates", ["per 100 patient-years"]),
    ("registrations", ["ClinicalTrials.gov NCT00000001", "ISRCTN ISRCTN00000001"]),
    ("stopped-early", ["stopped early"]),
])
def test_brief_shows_what_the_v2_record_holds(name, phrases):
    raw = shapes.dump(shapes.shapes()[name]).encode("utf-8")
    text = words(pypdf_text(brief_of(prepare(check_source(load_bytes(raw, f"{name}.yaml"))))))
    for phrase in phrases:
        assert phrase.lower() in text.lower(), phrase


@pytest.mark.parametrize("unit, text", [("%", "change \u221214.9% (SD 2.0), n = 1,306"),
                                        ("kg", "change \u221214.9 kg (SD 2.0), n = 1,306"),
                                        (None, "change \u221214.9 (SD 2.0), n = 1,306")])
def test_continuous_cells_carry_the_outcome_unit(unit, text):
    from pipeline.model import ArmResult
    result = ArmResult.model_validate({"arm": "x", "mean": Printed(-14.9, "-14.9"), "sd": Printed(2.0, "2.0"),
                                       "total": 1306, "change": True})
    assert fmt.arm_cell(result, "continuous", unit) == text


def test_primary_results_are_drawn_in_their_cells_without_repeating_a_number(report):
    """Issue 12: the results graphic on the brief: a bar under each arm's percentage and a strip under each
    effect's interval; the marks carry no text (the cells state each number once), and the page keeps its
    design diagram."""
    page = page_of(report, "a4")
    marks = [op.diagram for op in page.ops if isinstance(op, Figure) and op.diagram.kind == "results"]
    bars = [b for d in marks for b in d.boxes if b.role == "bar"]
    tracks = [b for d in marks for b in d.boxes if b.role == "track"]
    assert [round(100 * b.w / t.w) for b, t in zip(bars, tracks, strict=True)] == [85, 88, 66, 62]
    assert [b.arm for b in bars] == [0, 1, 0, 1]
    estimates = [m for d in marks for m in d.markers]
    assert len(estimates) == 2 and not any(m.filled for m in estimates)   # no CI in our sources: hollow
    assert not any(d.labels for d in marks)
    assert any(isinstance(op, Figure) and op.diagram.kind == "design" for op in page.ops)


def test_one_statement_of_attrition_and_strengths_where_they_fit(report, brief):
    """Issue 12: the overall risk-of-bias support is left out when the limitations already say it (IMAGINE-RA's
    unequal attrition is stated once); strengths are added where the page fits them at its step, never at the
    cost of type size or the design diagram."""
    text = words(pypdf_text(brief))
    assert text.count("attrition") == 1
    plain = page_of(report, "a4")
    assert plain.style.body >= 8.0 and any(isinstance(op, Figure) and op.diagram.kind == "design" for op in plain.ops)
    if plain.style.strengths:
        assert "Main strengths:" in text
    short = prepare(check_source(load_bytes(shapes.dump(shapes.shapes()["arms-2"]).encode("utf-8"), "x.yaml")))
    page = page_of(short, "a4")
    assert page.style.strengths and page.style.body == STEPS[0].body
    assert "Main strengths: SYNTHETIC strength." in words(pypdf_text(brief_of(short)))


def test_a_non_inferiority_verdict_is_not_called_significant():
    # RE-LY: dabigatran 110 mg, RR 0.91 (0.74 to 1.11), P < 0.001 for non-inferiority. "Statistically
    # significant" beside an interval that includes 1 would read as a reduction in strokes.
    rely = prepare(load_study(ROOT / "sources" / "re-ly.yaml"))
    lines = [words(line) for line in pypdf_text(render(rely, BuildOptions(only=("brief",)))["brief.pdf"]).splitlines()]
    text = " ".join(lines)
    assert "non-inferiority shown" in text
    verdicts = [line for line in lines if "statistically significant" in line or "inferiority shown" in line]
    assert len(verdicts) == 2 and "non-inferiority shown" in verdicts[0], verdicts
    assert "statistically significant" in verdicts[1] and "0.66" in text


def test_harms_summarised_rather_than_itemised_reach_the_reader():
    # DAPA-HF and STEP 1 summarise harms in words (harms_note); the brief and the deck both say them.
    from readback import deck_text
    for name, phrase in (("dapa-hf", "Adverse events did not differ significantly between the arms"),
                         ("step-1", "Nausea and diarrhoea were the most common adverse events"),
                         ("vital", "n−3 fatty acids: no excess risk of bleeding or other serious adverse events")):
        files = render(prepare(load_study(ROOT / "sources" / f"{name}.yaml")), BuildOptions(only=("brief", "deck")))
        brief = pypdf_text(files["brief.pdf"])
        assert_contains(brief, "Harms: " + phrase)
        assert "not reported in the record" not in brief, name
        assert words(phrase) in words(deck_text(files["deck.pptx"])), name


def test_when_participants_were_enrolled_is_said_with_the_design():
    text = words(pypdf_text(render(prepare(load_study(RECORD)), BuildOptions(only=("brief",)))["brief.pdf"]))
    assert "enrolment: April 2012 to June 2015" in text
