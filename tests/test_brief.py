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
from pipeline.loader import load_bytes
from pipeline.model import Study
from pipeline.render import pdf as brief_pdf
from pipeline.render.pdf import MIN_BODY, Figure, fit_page, render_brief
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
        render_brief(report, paper="a3")


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
    lean = fit_page(report, "a4").style.lean
    for limitation in c.limitations:
        # Space forcing it, a limitation the "Checking the numbers" panel already states is said once.
        if lean and brief_pdf._said_in(limitation, c.notes):
            continue
        assert_contains(text, limitation)
    for note in c.notes:
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
    first = render_brief(report)
    second = render_brief(report)
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
            assert 20 <= ch["x0"] and ch["x1"] <= page.width - 20, ch["text"]
            assert 15 <= ch["top"] and ch["bottom"] <= page.height - 15, ch["text"]
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
    pdf = render_brief(report_of(d))
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
    pdf = render_brief(report_of(d))
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
    lean = render_brief(report_of(d))
    full = render_brief(prepare(load_study(RECORD)))

    def body_size(pdf: bytes) -> float:
        """The size of the PICO labels, which are set in the body size."""
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            found = [w for w in doc.pages[0].extract_words(extra_attrs=["size"]) if w["text"] == "Population"]
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
        render_brief(r)
    message = str(err.value)
    assert ".".join(path) in message
    assert "pt" in message and "too tall" in message


def test_study_model_validates_generated_records():
    d = copy.deepcopy(data())
    d["title"] = "x" * 300
    Study.model_validate(d)


def test_lean_record_gets_the_design_diagram():
    """With room to spare the design schema sits beside the question, its box text drawn from the layout."""
    d = data()
    for key in ("flow", "appraisal", "outcomes_note", "outcomes"):
        d.pop(key)
    pdf = render_brief(report_of(d))
    text = pypdf_text(pdf)
    assert "Trial design" in text
    assert_contains(text, "Randomized 1:1, n = 200")
    assert_contains(text, "Primary outcomes: none is marked primary in the record.")
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1


def test_shipped_record_names_the_design(brief):
    """The band shows randomization, arms and follow-up; the design row says what it does not (kind, masking)."""
    text = pypdf_text(brief)
    assert_contains(text, "Randomized 1:1")
    assert_contains(text, "Parallel-group trial")
    assert_contains(text, "masking: The protocol calls the trial non-blinded")


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_shipped_record_has_the_design_diagram_at_8_pt(report, paper):
    """IMAGINE-RA's brief carries the trial design schema on both papers, with body text of at least 8 pt."""
    page = fit_page(report, paper)
    figures = [op for op in page.ops if isinstance(op, Figure)]
    assert len(figures) == 1 and figures[0].diagram.kind == "design"
    assert page.style.body >= 8.0
    assert figures[0].diagram.extra["font_size"] >= MIN_BODY
    assert page.overflow <= 0
    pdf = render_brief(report, paper=paper)
    text = pypdf_text(pdf)
    assert_contains(text, "Randomized 1:1")
    assert_contains(text, "n = 200")
    for name in report.content.arm_names:
        assert_contains(text, f"{name} n = 100 randomized")
    assert_contains(text, "Primary outcomes at 24 months")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        sizes = {round(w["size"], 2) for w in doc.pages[0].extract_words(extra_attrs=["size"])
                 if w["text"] == "Population"}
    assert sizes and min(sizes) >= 8.0


def test_letter_brief_has_no_overlaps_or_clipping(report):
    pdf = render_brief(report, paper="letter")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        for ch in page.chars:
            assert 20 <= ch["x0"] and ch["x1"] <= page.width - 20, ch["text"]
            assert 15 <= ch["top"] and ch["bottom"] <= page.height - 15, ch["text"]
            assert ch["size"] >= MIN_BODY - 0.01, (ch["text"], ch["size"])
        boxes = page.extract_words(use_text_flow=True)
    overlaps = [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a["x0"] < b["x1"] - 0.5 and b["x0"] < a["x1"] - 0.5 and
                a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5]
    assert not overlaps, overlaps[:5]


def test_band_says_the_outcomes_once(report):
    """Above the design band the question leaves out the outcomes row the band's outcomes box repeats."""
    page = fit_page(report, "a4")
    labels = [op.text for op in page.ops if getattr(op, "style", None) == "bold" and op.text == "Outcomes"]
    assert not labels


def test_said_in_matches_only_the_repeated_limitation(report):
    c = report.content
    said = [t for t in c.limitations if brief_pdf._said_in(t, c.notes)]
    assert said == [t for t in c.limitations if t.startswith("Denominators")]


def test_the_design_band_is_captioned_with_the_participant_numbers():
    from pipeline.layout.alt import flow_caption

    caption = flow_caption(load_study(RECORD).study)
    assert caption == ("200 randomized 1:1: 100 to MRI-guided, 100 to Conventional; completed: 76 and 95; "
                       "analysed: not in our sources")
    report = prepare(load_study(RECORD))
    for paper in ("a4", "letter"):
        pdf = render(report, BuildOptions(only=("brief",), paper=paper))["brief.pdf"]
        assert_contains(pypdf_text(pdf), "completed: 76 and 95")
