"""The journal-club deck: slides, notes, numbers, editable diagrams, fitting, templates, reproducibility."""

from __future__ import annotations

import colorsys
import copy
import dataclasses
import io
import os
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree
from pptx import Presentation

from pipeline.content import warning_texts
from pipeline.layout.figures import trial_figures
from pipeline.layout.text import text_width, wrap, wrap_runs
from pipeline.loader import load_bytes
from pipeline.render import deck as deck_renderer
from pipeline.render.deck_fit import Run, _word_runs
from pipeline.report import Report, prepare
from pipeline.validate import check_source, load_study

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "sources" / "imagine-ra.yaml"
TEMPLATE = ROOT / "tests" / "fixtures" / "template.pptx"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P_NS = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
EMU_PT = 12700.0


def render_deck(report: Report, template: Path | None = None) -> bytes:
    return deck_renderer.render_deck(report.content, trial_figures(report.study), template)


def _report(data: dict | None = None) -> Report:
    if data is None:
        return prepare(load_study(RECORD))
    raw = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")
    return prepare(check_source(load_bytes(raw, "generated.yaml")))


def _record() -> dict:
    return yaml.safe_load(RECORD.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report() -> Report:
    return _report()


@pytest.fixture(scope="module")
def deck_bytes(report) -> bytes:
    return render_deck(report)


@pytest.fixture(scope="module")
def prs(deck_bytes):
    return Presentation(io.BytesIO(deck_bytes))


def titles(prs) -> list[str]:
    return [s.shapes.title.text if s.shapes.title is not None else "" for s in prs.slides]


def slide_text(slide) -> str:
    parts = []
    for el in slide.shapes._spTree.iter(f"{A}t"):
        parts.append(el.text or "")
    return " ".join(parts)


def has_warnings(report: Report) -> bool:
    return bool(report.content.notes) or any(
        str(getattr(getattr(f, "severity", ""), "value", getattr(f, "severity", ""))).lower() == "warning"
        for f in report.findings)


# --- slides, titles, notes ----------------------------------------------------

def test_expected_slides_in_order(prs, report):
    expected = ["IMAGINE-RA", "The clinical question", "Design", "Participant flow", "Primary outcomes at a glance",
                "Primary outcomes",
                "Secondary outcomes and harms", "Appraisal: risk of bias (RoB 2)", "Strengths and limitations"]
    if has_warnings(report):
        expected.append("Checking the numbers")
    expected += ["Key conclusions", "Discussion", "Reference"]
    got = [t for t in titles(prs) if "(cont.)" not in t and t != "Forest plot"]
    assert got == expected


def test_results_graphic_slide(prs):
    slide = prs.slides[titles(prs).index("Primary outcomes at a glance")]
    names = [el.get("name") for el in slide.shapes._spTree.iter(f"{P_NS}cNvPr")]
    # Two primary outcomes, two arms each: a bar on its track per arm; each risk difference a hollow marker
    # (its interval is not in the sources), and the words say so.
    assert sum(n.startswith("Bar ") for n in names) == 4 and sum(n.startswith("Track ") for n in names) == 4
    text = slide_text(slide)
    assert "64 (85%)" in text and "83 (88%)" in text
    assert text.count("CI not in our sources") == 2
    notes = slide.notes_slide.notes_text_frame.text
    assert "Point at:" in notes and "hollow marker" in notes


def test_title_slide_has_title_journal_and_presenter_line(prs):
    text = slide_text(prs.slides[0])
    assert "MRI-guided vs conventional treat-to-target" in text
    assert "JAMA 2019" in text
    assert "Presented by" in text


def test_every_slide_has_speaker_notes(prs):
    for i, slide in enumerate(prs.slides, 1):
        assert slide.has_notes_slide, f"slide {i} has no notes"
        assert len(slide.notes_slide.notes_text_frame.text.strip()) > 20, f"slide {i}: notes too thin"


def test_primary_outcome_numbers_are_on_the_slides(prs):
    i = titles(prs).index("Primary outcomes")
    text = slide_text(prs.slides[i])
    for cont in [s for s, t in zip(prs.slides, titles(prs)) if t.startswith("Primary outcomes (cont.)")]:
        text += " " + slide_text(cont)
    for number in ("64", "85", "83", "88", "\u22124.8", "49", "66", "58", "62", "4.7"):
        assert number in text, number
    notes = prs.slides[i].notes_slide.notes_text_frame.text
    assert "\u22124.8" in notes and "not statistically significant" in notes


def test_primary_outcomes_are_a_native_table(prs):
    slide = prs.slides[titles(prs).index("Primary outcomes")]
    tables = [s for s in slide.shapes if s.has_table]
    assert tables, "no native table"
    table = tables[0].table
    header = [table.cell(0, j).text for j in range(len(table.columns))]
    assert header[:3] == ["Outcome", "MRI-guided", "Conventional"]
    # The record's one comparison is named once, in the effect's heading. Neither CI nor P is in the sources
    # for any primary outcome: one shared column says so once per row.
    assert header[3:] == ["Effect\nMRI-guided vs Conventional", "95% CI; P"]
    assert any(table.cell(i, 4).text == "not in our sources" for i in range(1, len(table.rows)))
    assert any("64 (85%)" == table.cell(i, 1).text for i in range(1, len(table.rows)))


def test_rob_slide_shows_symbol_and_word(prs):
    slide = prs.slides[titles(prs).index("Appraisal: risk of bias (RoB 2)")]
    text = slide_text(slide)
    assert "? Some concerns" in text and "\u2212 High" in text and "+ Low" in text


def test_reference_links_are_hyperlinks(prs):
    slide = prs.slides[titles(prs).index("Reference")]
    targets = {rel.target_ref for rel in slide.part.rels.values() if rel.is_external}
    assert "https://doi.org/10.1001/jama.2018.21362" in targets
    assert "https://clinicaltrials.gov/study/NCT01656278" in targets


# --- editable diagrams ---------------------------------------------------------

@pytest.mark.parametrize("title", ["Design", "Participant flow"])
def test_diagram_slides_are_shapes_and_glued_connectors(prs, title):
    # A diagram too tall for one slide at 16 pt is cut between its rows over "(cont.)" slides.
    slides = [s for s, t in zip(prs.slides, titles(prs)) if t in (title, f"{title} (cont.)")]
    boxes, connectors, ids = [], [], set()
    for slide in slides:
        groups = [s for s in slide.shapes if s.shape_type is not None and s.shape_type == 6]  # MSO_SHAPE_TYPE.GROUP
        assert len(groups) == 1
        group = groups[0]._element
        assert group.find(f"{P_NS}nvGrpSpPr/{P_NS}cNvPr").get("descr", "").strip()
        ids |= {el.get("id") for el in group.iter(f"{P_NS}cNvPr")}
        boxes += [sp for sp in group.iter(f"{P_NS}sp")
                  if sp.find(f"{P_NS}spPr/{A}prstGeom") is not None
                  and sp.find(f"{P_NS}spPr/{A}prstGeom").get("prst") == "roundRect"]
        connectors += list(group.iter(f"{P_NS}cxnSp"))
    assert len(boxes) >= 5 and len(connectors) >= 4
    for cxn in connectors:
        st = cxn.find(f"{P_NS}nvCxnSpPr/{P_NS}cNvCxnSpPr/{A}stCxn")
        end = cxn.find(f"{P_NS}nvCxnSpPr/{P_NS}cNvCxnSpPr/{A}endCxn")
        assert st is not None and end is not None, "connector not glued"
        assert st.get("id") in ids and end.get("id") in ids and st.get("id") != end.get("id")
        assert cxn.find(f".//{A}tailEnd").get("type") == "triangle"
    # Box text is real text.
    assert any("Randomized" in "".join(t.text or "" for t in sp.iter(f"{A}t")) for sp in boxes)


def test_alt_text_on_every_picture_and_group(prs):
    for i, slide in enumerate(prs.slides, 1):
        tree = slide.shapes._spTree
        for tag in ("pic", "grpSp"):
            for el in tree.iter(f"{P_NS}{tag}"):
                c_nv_pr = el.find(f".//{P_NS}cNvPr")
                assert c_nv_pr.get("descr", "").strip(), f"slide {i}: {tag} without alt text"


# --- package validity ----------------------------------------------------------

def test_unique_shape_ids_per_slide(prs):
    for i, slide in enumerate(prs.slides, 1):
        ids = [el.get("id") for el in slide.shapes._spTree.iter(f"{P_NS}cNvPr")]
        assert len(ids) == len(set(ids)), f"slide {i}: duplicate shape ids"


def _boxes(prs):
    for i, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            if shape.width is None:
                continue
            yield i, shape


def test_every_shape_inside_the_slide(prs):
    w, h = prs.slide_width, prs.slide_height
    for i, shape in _boxes(prs):
        assert shape.left >= 0 and shape.top >= 0, (i, shape.name)
        assert shape.left + shape.width <= w + 1, (i, shape.name)
        assert shape.top + shape.height <= h + 1, (i, shape.name)


def test_slide_size_is_16_to_9(prs):
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.001


def test_relationships_resolve(deck_bytes):
    with zipfile.ZipFile(io.BytesIO(deck_bytes)) as z:
        names = set(z.namelist())
        for name in names:
            if not name.endswith(".rels"):
                continue
            base = name.replace("_rels/", "").removesuffix(".rels")
            folder = base.rsplit("/", 1)[0] if "/" in base else ""
            for rel in etree.fromstring(z.read(name)):
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target")
                path = target.lstrip("/") if target.startswith("/") else \
                    os.path.normpath(f"{folder}/{target}" if folder else target)
                assert path in names, f"{name}: {target} missing"


# --- fitting -------------------------------------------------------------------

def _para_height(p, width: float) -> tuple[float, float]:
    """(size, measured height) of one a:p wrapped to ``width`` points."""
    runs = p.findall(f"{A}r")
    text = "".join((r.find(f"{A}t").text or "") for r in runs)
    sizes = [int(r.find(f"{A}rPr").get("sz")) / 100 for r in runs if r.find(f"{A}rPr") is not None
             and r.find(f"{A}rPr").get("sz")]
    if not runs:
        return 0.0, 0.0
    assert sizes, f"run without an explicit size: {text!r}"
    size = max(sizes)
    bold = any(r.find(f"{A}rPr").get("b") == "1" for r in runs)
    ppr = p.find(f"{A}pPr")
    mar = int(ppr.get("marL", "0")) / EMU_PT if ppr is not None else 0.0
    before = 0.0
    if ppr is not None and ppr.find(f"{A}spcBef/{A}spcPts") is not None:
        before = int(ppr.find(f"{A}spcBef/{A}spcPts").get("val")) / 100
    weights = [r.find(f"{A}rPr") is not None and r.find(f"{A}rPr").get("b") == "1" for r in runs]
    if len(set(weights)) > 1:   # a bold lead-in: each run measured in its own weight
        glued = _word_runs(tuple(Run(r.find(f"{A}t").text or "", b) for r, b in zip(runs, weights, strict=True)))
        lines = wrap_runs(glued, size, width - mar)
    else:
        lines = wrap(text, size, width - mar, bold)
    return size, before + len(lines) * size * 1.2


def _frame_overflows(tx_body, width: float, height: float) -> list[str]:
    body_pr = tx_body.find(f"{A}bodyPr")
    l_ins = int(body_pr.get("lIns", "91440")) / EMU_PT
    r_ins = int(body_pr.get("rIns", "91440")) / EMU_PT
    t_ins = int(body_pr.get("tIns", "45720")) / EMU_PT
    b_ins = int(body_pr.get("bIns", "45720")) / EMU_PT
    total = 0.0
    for k, p in enumerate(tx_body.findall(f"{A}p")):
        _, h = _para_height(p, width - l_ins - r_ins)
        if k == 0:   # space before the first paragraph is not set
            ppr = p.find(f"{A}pPr")
            assert ppr is None or ppr.find(f"{A}spcBef/{A}spcPts") is None or \
                ppr.find(f"{A}spcBef/{A}spcPts").get("val") == "0"
        total += h
    if total > height - t_ins - b_ins + 0.5:
        text = " ".join(t.text or "" for t in tx_body.iter(f"{A}t"))
        return [f"needs {total:.1f} pt, has {height - t_ins - b_ins:.1f} pt: {text[:60]!r}"]
    return []


def overflows(prs) -> list[str]:
    problems = []
    for i, slide in enumerate(prs.slides, 1):
        tree = slide.shapes._spTree
        for sp in tree.iter(f"{P_NS}sp"):
            tx = sp.find(f"{P_NS}txBody")
            xfrm = sp.find(f"{P_NS}spPr/{A}xfrm")
            if tx is None or xfrm is None or not "".join(t.text or "" for t in tx.iter(f"{A}t")).strip():
                continue
            ext = xfrm.find(f"{A}ext")
            problems += [f"slide {i}: {m}" for m in
                         _frame_overflows(tx, int(ext.get("cx")) / EMU_PT, int(ext.get("cy")) / EMU_PT)]
        for frame in tree.iter(f"{P_NS}graphicFrame"):
            tbl = frame.find(f".//{A}tbl")
            if tbl is None:
                continue
            widths = [int(g.get("w")) / EMU_PT for g in tbl.find(f"{A}tblGrid")]
            for tr in tbl.findall(f"{A}tr"):
                row_h = int(tr.get("h")) / EMU_PT
                j = 0
                for tc in tr.findall(f"{A}tc"):
                    span = int(tc.get("gridSpan", "1"))   # a merged cell spans several columns
                    w = sum(widths[j:j + span])
                    j += span
                    if tc.get("hMerge") == "1":
                        continue
                    pr = tc.find(f"{A}tcPr")
                    mx = (int(pr.get("marL", "91440")) + int(pr.get("marR", "91440"))) / EMU_PT
                    my = (int(pr.get("marT", "45720")) + int(pr.get("marB", "45720"))) / EMU_PT
                    need = sum(_para_height(p, w - mx)[1] for p in tc.find(f"{A}txBody").findall(f"{A}p"))
                    if need > row_h - my + 0.5:
                        problems.append(f"slide {i}: table cell needs {need:.1f} pt, row has {row_h - my:.1f}")
    return problems


def font_sizes(prs):
    """(slide, kind, size) for every run: kind is title, table, diagram, footer or body."""
    for i, slide in enumerate(prs.slides, 1):
        title = slide.shapes.title
        for shape in slide.shapes:
            if shape.has_text_frame if hasattr(shape, "has_text_frame") else False:
                kind = "title" if title is not None and shape.shape_id == title.shape_id else \
                    "footer" if shape.name == "Footer" else "body"
            elif getattr(shape, "has_table", False):
                kind = "table"
            else:
                kind = "diagram"
            for rpr in shape._element.iter(f"{A}rPr"):
                if rpr.get("sz"):
                    yield i, kind, int(rpr.get("sz")) / 100


def test_shipped_record_does_not_overflow(prs):
    assert overflows(prs) == []


def test_minimum_type_sizes(prs):
    minimum = {"title": 28, "body": 16, "table": 12, "diagram": 12, "footer": 12}
    for i, kind, size in font_sizes(prs):
        assert size >= minimum[kind], f"slide {i}: {kind} text at {size} pt"


def _bullets(slide) -> int:
    return sum(1 for p in slide.shapes._spTree.iter(f"{A}p")
               if p.find(f"{A}pPr/{A}buChar") is not None)


def test_at_most_six_bullets_per_column(prs):
    for i, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            if getattr(shape, "has_text_frame", False):
                n = sum(1 for p in shape._element.iter(f"{A}p") if p.find(f"{A}pPr/{A}buChar") is not None)
                assert n <= 6, f"slide {i}: {n} bullets in one box"


def long_record() -> dict:
    data = _record()
    long = ("This sentence is deliberately long so that the slide has to shrink its text and then continue "
            "on another slide, as a presenter with a wordy record would need. ")
    data["question"]["rationale"] = long * 4
    data["conclusions"]["key_messages"] = [f"Message {i}: " + long * 2 for i in range(5)]
    data["discussion_questions"] = [f"Question {i}: " + long for i in range(12)]
    data["appraisal"]["strengths"] = [f"Strength {i}: " + long for i in range(12)]
    data["appraisal"]["limitations"] = [f"Limitation {i}: " + long for i in range(12)]
    for key in ("randomization", "deviations", "missing_data", "measurement", "selection", "overall"):
        data["appraisal"]["rob2"][key]["support"] = long * 4
    base = data["outcomes"][0]
    extra = []
    for i in range(14):
        o = copy.deepcopy(base)
        o["id"] = f"secondary-{i}"
        o["primary"] = False
        o["label"] = f"Secondary outcome {i} with a long descriptive label about joint damage and remission"
        extra.append(o)
    for i in range(6):
        o = copy.deepcopy(data["outcomes"][1])
        o["id"] = f"primary-extra-{i}"
        o["label"] = f"Primary outcome {i}: " + long
        extra.append(o)
    data["outcomes"] = data["outcomes"] + extra
    data["harms"] = [dict(copy.deepcopy(data["harms"][0]), id=f"harm-{i}", label=f"Harm {i}: {long}") for i in range(12)]
    data["funding"] = long * 6
    return data


@pytest.fixture(scope="module")
def long_prs():
    return Presentation(io.BytesIO(render_deck(_report(long_record()))))


def test_long_record_continues_on_more_slides(long_prs):
    names = titles(long_prs)
    for kind in ("Primary outcomes", "Secondary outcomes and harms", "Strengths and limitations", "Discussion",
                 "Key conclusions", "Appraisal: risk of bias (RoB 2)"):
        assert kind in names
        assert f"{kind} (cont.)" in names, f"no continuation of {kind}"


def test_long_record_never_overflows(long_prs):
    assert overflows(long_prs) == []
    w, h = long_prs.slide_width, long_prs.slide_height
    for i, shape in _boxes(long_prs):
        assert shape.left + shape.width <= w + 1 and shape.top + shape.height <= h + 1, (i, shape.name)


def test_long_record_keeps_minimum_sizes_and_bullet_limit(long_prs):
    minimum = {"title": 28, "body": 16, "table": 12, "diagram": 12, "footer": 12}
    for i, kind, size in font_sizes(long_prs):
        assert size >= minimum[kind], f"slide {i}: {kind} text at {size} pt"
    for i, slide in enumerate(long_prs.slides, 1):
        for shape in slide.shapes:
            if getattr(shape, "has_text_frame", False):
                n = sum(1 for p in shape._element.iter(f"{A}p") if p.find(f"{A}pPr/{A}buChar") is not None)
                assert n <= 6, f"slide {i}: {n} bullets in one box"


def test_long_record_keeps_every_discussion_question(long_prs):
    text = " ".join(slide_text(s) for s, t in zip(long_prs.slides, titles(long_prs)) if t.startswith("Discussion"))
    for i in range(12):
        assert f"Question {i}:" in text


# --- content the record lacks ----------------------------------------------------

def test_slides_without_content_are_left_out():
    data = _record()
    for key in ("flow", "appraisal", "harms", "outcomes_note", "discussion_questions"):
        data.pop(key, None)
    data["conclusions"].pop("open_questions", None)
    data["outcomes"] = [o for o in data["outcomes"] if o["primary"]]
    names = titles(Presentation(io.BytesIO(render_deck(_report(data)))))
    for gone in ("Participant flow", "Secondary outcomes and harms", "Appraisal: risk of bias (RoB 2)",
                 "Strengths and limitations", "Discussion"):
        assert gone not in names
    assert "Primary outcomes" in names and "Key conclusions" in names


@dataclasses.dataclass(frozen=True)
class FakeFinding:
    severity: str
    message: str
    fields: tuple = ()
    detail: str | None = None


def _checks_slide(deck):
    names = titles(deck)
    return deck.slides[names.index("Checking the numbers")] if "Checking the numbers" in names else None


def _bullet_texts(slide) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(f"{A}t")) for p in slide.shapes._spTree.iter(f"{A}p")
            if p.find(f"{A}pPr/{A}buChar") is not None]


def test_checking_the_numbers_bullets_are_the_reader_notes(prs, report):
    slide = _checks_slide(prs)
    assert report.content.notes and slide is not None
    assert _bullet_texts(slide) == [" ".join(n.split()) for n in report.content.notes]
    # A comfortable size, not the minimum.
    sizes = {int(r.get("sz")) / 100 for shape in slide.shapes
             if shape.name not in ("Footer", "Slide number") and shape != slide.shapes.title
             for r in shape._element.iter(f"{A}rPr") if r.get("sz")}
    assert min(sizes) >= 20
    notes = slide.notes_slide.notes_text_frame.text
    warnings = [f for f in report.findings if f.severity == "warning"]
    assert warnings
    for f in warnings:
        assert " ".join(f.message.split()) in notes
        assert " ".join(f.detail.split()) in notes
        for field in f.fields:
            assert field not in notes      # field paths are for the audit's report, not the presenter
    assert "observations" in notes


def test_checking_the_numbers_with_fake_findings(report):
    findings = (FakeFinding("warning", "64 of 76 is 84%, not the reported 85%", ("outcomes[0].results[0]",),
                            "The denominator may be those analysed."),
                FakeFinding("info", "An informational remark that is not a warning"))
    r = dataclasses.replace(report, content=dataclasses.replace(report.content, notes=("A reader-facing note.",),
                                                                audit_warnings=warning_texts(findings)))
    slide = _checks_slide(Presentation(io.BytesIO(render_deck(r))))
    assert _bullet_texts(slide) == ["A reader-facing note."]
    assert "informational remark" not in slide_text(slide)
    notes = slide.notes_slide.notes_text_frame.text
    assert "64 of 76 is 84%, not the reported 85%" in notes
    assert "The denominator may be those analysed." in notes and "outcomes[0].results[0]" not in notes
    assert "A reader-facing note." in notes and "informational remark" not in notes
    # No reader notes: no slide, whatever the findings.
    for found in ((), findings):
        quiet = dataclasses.replace(report, content=dataclasses.replace(report.content, notes=(),
                                                                        audit_warnings=warning_texts(found)))
        assert _checks_slide(Presentation(io.BytesIO(render_deck(quiet)))) is None


def test_harms_show_recomputed_values(prs, report):
    slide = prs.slides[titles(prs).index("Secondary outcomes and harms")]
    text = slide_text(slide)
    assert "110 more per 1,000" in text and "ecomputed over the 100 and 100 allocated" in text
    tables = [s for s in slide.shapes if s.has_table]
    sizes = {int(r.get("sz")) / 100 for t in tables for r in t._element.iter(f"{A}rPr") if r.get("sz")}
    assert min(sizes) >= 18, sizes


def _table_cells(prs):
    """(slide, text, width available, bold, size) for every table cell, merged cells over their span."""
    for i, slide in enumerate(prs.slides, 1):
        for frame in slide.shapes._spTree.iter(f"{P_NS}graphicFrame"):
            tbl = frame.find(f".//{A}tbl")
            if tbl is None:
                continue
            widths = [int(g.get("w")) / EMU_PT for g in tbl.find(f"{A}tblGrid")]
            for tr in tbl.findall(f"{A}tr"):
                j = 0
                for tc in tr.findall(f"{A}tc"):
                    span = int(tc.get("gridSpan", "1"))
                    w = sum(widths[j:j + span])
                    j += span
                    if tc.get("hMerge") == "1":
                        continue
                    pr = tc.find(f"{A}tcPr")
                    inner = w - (int(pr.get("marL", "91440")) + int(pr.get("marR", "91440"))) / EMU_PT
                    for p in tc.find(f"{A}txBody").findall(f"{A}p"):
                        runs = p.findall(f"{A}r")
                        if not runs:
                            continue
                        text = "".join(r.find(f"{A}t").text or "" for r in runs)
                        size = max(int(r.find(f"{A}rPr").get("sz")) / 100 for r in runs)
                        bold = any(r.find(f"{A}rPr").get("b") == "1" for r in runs)
                        yield i, text, inner, bold, size


@pytest.mark.parametrize("which", ["prs", "long_prs", "template_prs"])
def test_no_table_cell_text_is_wider_than_its_cell(which, request):
    deck = request.getfixturevalue(which)
    for i, text, inner, bold, size in _table_cells(deck):
        for word in text.split():
            assert text_width(word, size, bold) <= inner + 0.5, f"slide {i}: {word!r} is wider than its cell"
        for line in wrap(text, size, inner, bold):
            assert text_width(line, size, bold) <= inner + 0.5, f"slide {i}: {line!r}"


def test_primary_table_keeps_short_values_on_one_line(prs):
    i = titles(prs).index("Primary outcomes")
    for s, text, inner, bold, size in _table_cells(prs):
        if s == i + 1 and text in ("not reported", "64 (85%)", "83 (88%)", "49 (66%)", "58 (62%)"):
            assert len(wrap(text, size, inner, bold)) == 1, text


def test_titles_line_up_with_the_body(prs):
    slide = prs.slides[titles(prs).index("Discussion")]
    title = slide.shapes.title
    body = [s for s in slide.shapes if s.has_text_frame and s.shape_id != title.shape_id and s.name != "Footer"
            and s.text_frame.text.strip() and s.name != "Title rule"]
    inset = title.text_frame.margin_left
    assert abs((title.left + inset) - body[0].left) <= 12700


# --- the template ------------------------------------------------------------------

@pytest.fixture(scope="module")
def template_prs(report):
    return Presentation(io.BytesIO(render_deck(report, template=TEMPLATE)))


def test_template_layouts_size_and_theme_are_used(template_prs):
    tpl = Presentation(str(TEMPLATE))
    names = {l.name for l in tpl.slide_layouts}
    assert all(n.startswith("Inst ") for n in names)
    for slide in template_prs.slides:
        assert slide.slide_layout.name in names
    assert template_prs.slides[0].slide_layout.name == "Inst Cover"
    used = {s.slide_layout.name for s in template_prs.slides}
    assert {"Inst Cover", "Inst Heading Only"} <= used
    assert (template_prs.slide_width, template_prs.slide_height) == (tpl.slide_width, tpl.slide_height)
    assert "Institution template: delete me" not in " ".join(titles(template_prs))
    # Text outside diagrams takes the template's theme font: no typeface forced on it.
    for slide in template_prs.slides:
        for shape in slide.shapes:
            if getattr(shape, "has_text_frame", False):
                assert shape._element.find(f".//{A}latin") is None, shape.name


def test_template_deck_fits_and_has_notes(template_prs):
    for i, slide in enumerate(template_prs.slides, 1):
        assert slide.notes_slide.notes_text_frame.text.strip(), i
    w, h = template_prs.slide_width, template_prs.slide_height
    for i, shape in _boxes(template_prs):
        assert shape.left + shape.width <= w + 1 and shape.top + shape.height <= h + 1, (i, shape.name)
    assert overflows(template_prs) == []


# --- reproducibility -----------------------------------------------------------------

def test_reproducible_with_source_date_epoch(monkeypatch, report):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = render_deck(report)
    second = render_deck(report)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        assert z.namelist()[0] == "[Content_Types].xml"
    props = Presentation(io.BytesIO(first)).core_properties
    assert props.created.year == 2023 and props.modified == props.created and props.revision == 1
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert render_deck(report) != first


# --- LibreOffice ------------------------------------------------------------------------

def test_libreoffice_converts_one_page_per_slide(tmp_path, deck_bytes, prs):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("soffice not installed: skipping the LibreOffice conversion")
        pytest.skip("soffice (LibreOffice) is not installed")
    from pypdf import PdfReader
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(deck_bytes)
    profile = Path("/tmp") / f"deck-test-lo-{uuid.uuid4().hex}"
    try:
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                        f"-env:UserInstallation=file://{profile}", str(deck)],
                       check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = tmp_path / "deck.pdf"
    assert pdf.is_file(), "LibreOffice produced no PDF"
    assert len(PdfReader(str(pdf)).pages) == len(prs.slides)


def test_template_deck_keeps_the_design_diagram(template_prs):
    # A narrower template slide is shown at the same screen size: the diagram keeps its shapes.
    slides = [s for s in template_prs.slides
              if s.shapes.title is not None and s.shapes.title.text in ("Design", "Design (cont.)")]
    groups = [s for slide in slides for s in slide.shapes if s.shape_type == 6]
    assert groups, "the design slide fell back to text"
    assert sum(len(list(g._element.iter(f"{P_NS}cxnSp"))) for g in groups) >= 4


# --- version 2 (SYNTHETIC shapes): comparisons, subgroups, margins ----------------

import shapes  # noqa: E402


def _shape_deck(name: str):
    raw = shapes.dump(shapes.shapes()[name]).encode("utf-8")
    return Presentation(io.BytesIO(render_deck(prepare(check_source(load_bytes(raw, f"{name}.yaml"))))))


def test_deck_names_each_comparison_of_a_three_arm_trial():
    prs = _shape_deck("non-inferiority")
    slide = prs.slides[titles(prs).index("Primary outcomes")]
    tables = [s.table for s2, t in zip(prs.slides, titles(prs)) if t.startswith("Primary outcomes")
              for s in s2.shapes if s.has_table]
    labels = [table.cell(i, 0).text for table in tables for i in range(1, len(table.rows))]
    for name in ("Drug A vs Drug C, Non-inferiority", "Drug B vs Drug C, Superiority"):
        assert any(label.startswith(name) for label in labels), (name, labels)
    assert any("Non-inferiority, margin HR 1.38" in label for label in labels)
    notes = slide.notes_slide.notes_text_frame.text
    assert "Drug A vs Drug C (Non-inferiority): HR" in notes


def test_deck_has_a_subgroup_slide_with_interaction_p():
    prs = _shape_deck("subgroups")
    record = shapes.shapes()["subgroups"]
    outcome = record["outcomes"][0]
    index = next(i for i, t in enumerate(titles(prs)) if t.startswith("Subgroups:"))
    text = " ".join(slide_text(s) for s in list(prs.slides)[index:index + 3])
    for s in outcome["subgroups"]:
        assert s["variable"] in text
        for level in s["levels"]:
            assert level["level"] in text
    assert "P for interaction" in text
    for slide in prs.slides:
        assert slide.notes_slide.notes_text_frame.text.strip()


def test_forest_slide_draws_the_margin():
    prs = _shape_deck("non-inferiority")
    names = [el.get("name") for slide in prs.slides for el in slide.shapes._spTree.iter(f"{P_NS}cNvPr")]
    assert "Line margin" in names
    assert any("NI margin 1.38" in slide_text(slide) for slide in prs.slides)


def test_rob_fills_are_not_arm_colours(prs):
    from pipeline import theme
    slide = prs.slides[titles(prs).index("Appraisal: risk of bias (RoB 2)")]
    table = next(s for s in slide.shapes if s.has_table)
    fills = {f"#{el.get('val')}" for el in table._element.iter(f"{A}srgbClr")
             if el.getparent().tag == f"{A}solidFill" and el.getparent().getparent().tag == f"{A}tcPr"}
    assert len(fills) >= 3

    def hue(colour: str) -> tuple[float, float]:
        h, _, s = colorsys.rgb_to_hls(*(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)))
        return h * 360, s

    for fill in fills:
        h, s = hue(fill)
        for arm in theme.ARM_COLOURS:
            d = abs(h - hue(arm)[0])
            assert s < 0.1 or min(d, 360 - d) > 10, (fill, arm)


def test_discussion_notes_carry_the_suggested_answers(prs, report):
    slide = prs.slides[titles(prs).index("Discussion")]
    notes = slide.notes_slide.notes_text_frame.text
    answers = [a for a in report.content.discussion_answers if a]
    assert answers
    for answer in answers:
        assert f"A suggested answer: {answer}" in notes


def test_notes_are_talking_points(prs):
    """What to say, what to point at, a likely question and its answer."""
    for title in ("The clinical question", "Participant flow", "Primary outcomes", "Secondary outcomes and harms",
                  "Appraisal: risk of bias (RoB 2)", "Strengths and limitations", "Checking the numbers",
                  "Key conclusions", "Reference"):
        notes = prs.slides[titles(prs).index(title)].notes_slide.notes_text_frame.text
        assert notes.startswith("Say:"), title
        for part in ("Point at:", "Likely question:", "Suggested answer:"):
            assert part in notes, (title, part)
    notes = prs.slides[titles(prs).index("Primary outcomes")].notes_slide.notes_text_frame.text
    assert "Point at: the effect for DAS28-CRP remission" in notes and "not statistically significant" in notes


def test_an_outcome_and_its_effect_lines_stay_on_one_slide():
    """Paginated, a table keeps each outcome's effect lines (``joined`` rows) with the outcome above them, and
    evens its rows out over the slides it needs; a group taller than a slide is still cut."""
    from pipeline.render.deck_fit import Cell, TableSection, paginate

    rows = []
    for k in range(6):
        rows.append([Cell(f"SYNTHETIC outcome {k}"), Cell("12 (5%)")])
        rows += [[Cell(f"Drug {x} vs Drug C", joined=True), Cell("")] for x in "AB"]
    table = TableSection([Cell("Outcome", bold=True), Cell("Drug A", bold=True)], rows, caps=[1.0, 0.3])
    pages = paginate([table], 24.0, 600.0, 260.0)
    assert len(pages) > 1
    for page in pages:
        (block,) = page.blocks
        assert not block.rows[0][0].joined, [r[0].text for r in block.rows]
    tall = TableSection(None, rows[:3] + [[Cell("x", joined=True), Cell("")]] * 20, caps=[1.0, 0.3])
    assert len(paginate([tall], 24.0, 600.0, 260.0)) > 1
