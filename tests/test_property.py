"""Property: any text in any free-text field gives good files or a clear error naming a field.

Records are the small valid record with every free-text field (and the
length of every free-text list) drawn by hypothesis: arbitrary Unicode (no
surrogates, which no UTF-8 file can hold), from empty to long. Each record is
written as YAML, then built. Either

- the brief passes the brief's checks (one page, the record's text present,
  every font embedded) and the deck the deck's (opens with python-pptx, notes
  on every slide, every shape inside the slide); or
- it is refused with ``RecordError`` (every problem names a field) or
  ``LayoutError`` naming a field.

Any other exception fails the test.
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, given, note, settings
from hypothesis import strategies as st

from pipeline.build import build_record
from pipeline.errors import LayoutError, RecordError

MINIMAL = yaml.safe_load((Path(__file__).parent / "bad_records" / "_valid_minimal.yaml").read_text(encoding="utf-8"))

# Characters the embedded font draws (so that many examples get as far as layout) ...
SAFE = (" abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:()[]-–—'\"/%+<>=≤≥±×·°"
        "øØåÅæÆéèüöäßçñ καβγδμσΣΩ русский ΔΨ€£¥©®™…‘’“”•\n\t")
safe_text = st.text(alphabet=st.sampled_from(SAFE))
# ... and anything at all (controls, combining marks, CJK, emoji, RTL, noncharacters).
wild_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)))


@st.composite
def records(draw) -> dict:
    wild = draw(st.sampled_from([False, False, True]))
    first = st.characters(exclude_categories=("Cs", "Z", "Cc")) if wild else st.sampled_from(SAFE.split()[0])
    base = st.tuples(first, wild_text if wild else safe_text).map("".join)   # never blank
    short = base.map(lambda s: s[:40])
    long = base.map(lambda s: (s * 200)[:draw(st.integers(100, 5100))])
    mode = draw(st.sampled_from(["short", "short", "mixed", "blanks"]))
    if mode == "short":
        text = short
    elif mode == "mixed":       # now and then a long one
        text = st.one_of(short, short, short, short, short, short, short, short, long)
    else:                       # now and then empty
        text = st.one_of(short, short, short, short, short, short, short, short, st.just(""), st.just("   "))
    listed = lambda most: st.lists(text, min_size=0, max_size=most)  # noqa: E731

    r = yaml.safe_load(yaml.safe_dump(MINIMAL))   # a deep copy
    r["title"] = draw(text)
    if draw(st.booleans()):
        r["acronym"] = draw(text)
    q = r["question"]
    for key in ("population", "intervention", "comparator", "setting", "baseline", "rationale"):
        q[key] = draw(text)
    q["eligibility"] = draw(listed(6))
    q["outcomes"] = draw(listed(4))
    r["design"]["masking"] = draw(text)
    r["design"]["follow_up"] = draw(text)
    for arm in r["arms"]:
        arm["label"] = draw(text)
        arm["short_label"] = draw(text)
        arm["description"] = draw(text)
    for reason_list_owner in r["flow"]["arms"]:
        reason_list_owner["discontinued_reasons"] = [{"reason": draw(text)}]
    outcome = r["outcomes"][0]
    outcome["label"] = draw(text)
    outcome["timepoint"] = draw(text)
    outcome["note"] = draw(text)
    outcome["effects"][0]["unit"] = draw(text)
    outcome["effects"][0]["label"] = draw(text)
    outcome["effects"][0]["adjusted_for"] = draw(text)
    outcome["certainty"] = {"level": "low", "note": draw(text)}
    r["harms"] = [{"id": "harm", "label": draw(text), "timepoint": draw(text),
                   "results": [{"arm": "drug", "events": 1, "total": 50}]}]
    r["design"]["co_interventions"] = draw(listed(3))
    r["appraisal"] = {"assessed_by": draw(text), "strengths": draw(listed(4)), "limitations": draw(listed(4))}
    c = r["conclusions"]
    c["bottom_line"] = draw(text)
    c["key_messages"] = draw(st.lists(text, min_size=1, max_size=5))
    c["authors"] = draw(text)
    c["open_questions"] = draw(listed(3))
    r["funding"] = draw(text)
    r["interests"] = draw(text)
    r["outcomes_note"] = draw(text)
    r["discussion_questions"] = draw(listed(4))
    return r


# A record field as the messages write it: title, question.population, arms[0].label, arms[].short_label ...
FIELD_PATH = re.compile(r"\b(title|acronym|question\.\w+|design\.\w+|arms\[\d*\]\.\w+|flow\.[\w\[\].]+|"
                        r"outcomes(\[\d*\]\.[\w.]+)?|harms\[\d*\]\.\w+|appraisal\.[\w\[\].]+|conclusions\.[\w\[\].]+|"
                        r"funding|interests|outcomes_note|discussion_questions(\[\d*\])?)(?![\w.])")


def check_brief(data: bytes) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1, f"the brief has {len(reader.pages)} pages"
    page = reader.pages[0]
    text = page.extract_text() or ""
    assert "minimal" in text, "the record id (footer) is not in the brief's text"
    fonts = page["/Resources"]["/Font"]
    assert fonts
    for name, ref in fonts.items():
        font = ref.get_object()
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font).get("/FontDescriptor")
        assert descriptor is not None, f"font {name} has no descriptor (a standard, unembedded font)"
        descriptor = descriptor.get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"font {name} is not embedded"


def check_deck(data: bytes) -> None:
    from pptx import Presentation

    prs = Presentation(io.BytesIO(data))
    width, height = prs.slide_width, prs.slide_height
    assert len(prs.slides) >= 1
    for number, slide in enumerate(prs.slides, 1):
        assert slide.has_notes_slide, f"slide {number} has no notes"
        assert slide.notes_slide.notes_text_frame.text.strip(), f"slide {number} has empty notes"
        for shape in slide.shapes:
            if None in (shape.left, shape.top, shape.width, shape.height):
                continue
            assert shape.left >= 0 and shape.top >= 0, f"slide {number}: {shape.name} starts outside"
            assert shape.left + shape.width <= width and shape.top + shape.height <= height, \
                f"slide {number}: {shape.name} ends outside the slide"


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
# Bounded: 25 examples, no shrinking (each step is a full build), no example database in the tree.
@settings(max_examples=25, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(record=records())
def test_any_text_builds_or_is_refused_naming_a_field(record):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "minimal.yaml"
        text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
        note(text)
        path.write_text(text, encoding="utf-8")
        out = Path(tmp) / "out"
        try:
            result = build_record(path, out)
        except RecordError as exc:
            event("refused: RecordError")
            assert exc.problems
            for p in exc.problems:
                assert p.field, f"a problem names no field: {p}"
                assert p.line >= 1, p
            assert not out.exists()
            return
        except LayoutError as exc:
            event("refused: LayoutError")
            assert FIELD_PATH.search(str(exc)), f"LayoutError names no field: {exc}"
            assert not out.exists()
            return
        event("built")
        folder = out / "minimal"
        assert result.study_id == "minimal"
        check_brief((folder / "brief.pdf").read_bytes())
        check_deck((folder / "deck.pptx").read_bytes())
        assert list(folder.rglob(".tmp-*")) == []


def test_the_checks_can_fail():
    """The brief and deck checks reject what they should (a two-page PDF, a shape off the slide)."""
    from pptx import Presentation
    from pptx.util import Emu
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "minimal")
    c.showPage()
    c.drawString(72, 720, "minimal")
    c.showPage()
    c.save()
    with pytest.raises(AssertionError, match="2 pages"):
        check_brief(buf.getvalue())

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("Helvetica", 10)
    c.drawString(72, 720, "minimal")
    c.save()
    with pytest.raises(AssertionError, match="not embedded|no descriptor"):
        check_brief(buf.getvalue())

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    slide.notes_slide.notes_text_frame.text = "notes"
    slide.shapes.add_textbox(Emu(prs.slide_width - 1000), 0, Emu(5000), Emu(5000))
    buf = io.BytesIO()
    prs.save(buf)
    with pytest.raises(AssertionError, match="ends outside"):
        check_deck(buf.getvalue())
