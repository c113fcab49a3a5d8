"""The design slide of every trial in sources/ (and of SYNTHETIC many-arm, long-label trials), as a presenter
sees it: the whole design on one slide, its text at least 16 pt, the diagram filling most of the slide's
height; and the slide arrangement (``layout.design_slide``) keeps the diagram invariants for the shipped
records and the SYNTHETIC shapes; a participant flow or PRISMA diagram of few boxes grows to fill its slide; a
small results graphic and a short primary table share one slide."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pptx import Presentation

import shapes
from pipeline.build import BuildOptions, build_record
from pipeline.errors import LayoutError
from pipeline.layout.design_slide import slide_design
from pipeline.loader import load_file
from pipeline.render.deck_package import open_presentation
from pipeline.validate import check_source
from test_layout import check_geometry, make_study
from test_review_layout import synthetic_review

ROOT = Path(__file__).resolve().parents[1]
TRIALS = [p for p in sorted((ROOT / "sources").glob("*.yaml"))
          if yaml.safe_load(p.read_text(encoding="utf-8")).get("kind") != "review"]
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
FILLED = 0.8       # the least share of the slide's diagram area's height the design diagram takes


@pytest.mark.parametrize("path", TRIALS + ["arms-5", "arms-6", "long-labels", "factorial-2x3"],
                         ids=lambda p: getattr(p, "stem", p))
def test_the_design_is_one_well_filled_slide(path, tmp_path):
    if isinstance(path, str):        # a SYNTHETIC shape: many arms side by side, or long arm labels (short ones)
        path = tmp_path / f"{path}.yaml"
        path.write_text(shapes.dump(shapes.shapes()[path.stem]), encoding="utf-8")
    result = build_record(path, tmp_path, BuildOptions(only=("deck",)))
    prs = Presentation(str(tmp_path / result.study_id / "deck.pptx"))
    design = [s for s in prs.slides
              if s.shapes.title is not None and s.shapes.title.text_frame.text.startswith("Design")]
    assert len(design) == 1, f"the design takes {len(design)} slides"
    groups = [sh for sh in design[0].shapes if sh.shape_type == 6]
    assert len(groups) == 1, "the design slide has no diagram"
    area = open_presentation(None)[1].diagram
    assert groups[0].height / 12700 >= FILLED * area.h, "the design diagram leaves its slide half empty"
    sizes = [int(r.get("sz")) / 100 for r in groups[0]._element.iter(f"{A}rPr") if r.get("sz")]
    assert sizes and min(sizes) >= 16.0


SLIDE = (864.0, 413.1)


@pytest.mark.parametrize("path", TRIALS, ids=lambda p: p.stem)
def test_slide_design_of_each_trial_keeps_the_invariants(path):
    study = check_source(load_file(path)).study
    d = slide_design(study, *SLIDE, 24.0, 16.0)
    check_geometry(d, *SLIDE, min_size=16.0)
    arms = [b for b in d.boxes if b.role == "arm"]
    assert [b.arm for b in arms] == list(range(len(study.arms)))
    assert {c.target for c in d.connectors if c.source == "randomization"} == {b.id for b in arms}


@pytest.mark.parametrize("name", ["4 arms", "6 arms", "4 arms, long labels", "single group", "no flow"])
def test_slide_design_of_generated_studies_keeps_the_invariants(name):
    from test_layout import CASES
    study = make_study(**CASES[name])
    for width, height in (SLIDE, (864.0, 4 * 413.1)):
        try:
            d = slide_design(study, width, height, 24.0, 16.0)
        except LayoutError:
            continue
        check_geometry(d, width, height, min_size=16.0)


def test_a_tall_area_gets_the_rows_a_slide_can_be_cut_between():
    d = slide_design(make_study(n_arms=4, long_labels=True), 864.0, 4 * 413.1, 16.0, 16.0)
    assert d.extra["arrangement"] == "rows"




def _few_box_prisma_review(tmp_path: Path) -> Path:
    """A SYNTHETIC review whose PRISMA record gives only what was identified and what was included."""
    record = yaml.safe_load(synthetic_review(3, 7, 2))
    prisma = record["prisma"]
    record["prisma"] = {"identified": prisma["identified"], "studies_included": 7, "reports_included": 7}
    path = tmp_path / f"{record['id']}.yaml"
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("record,title", [("imagine-ra", "Participant flow"),
                                          ("synthetic-prisma", "Search and selection (PRISMA 2020)")])
def test_a_flow_of_few_boxes_grows_to_fill_its_slide(record, title, tmp_path):
    source = (_few_box_prisma_review(tmp_path) if record == "synthetic-prisma"
              else ROOT / "sources" / f"{record}.yaml")
    result = build_record(source, tmp_path / "out", BuildOptions(only=("deck",)))
    prs = Presentation(str(tmp_path / "out" / result.study_id / "deck.pptx"))
    slide = next(s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text_frame.text == title)
    group = next(sh for sh in slide.shapes if sh.shape_type == 6)
    area = open_presentation(None)[1].diagram
    assert group.height / 12700 >= 0.85 * area.h
    assert group.top / 12700 + group.height / 12700 <= area.bottom + 0.5


@pytest.mark.parametrize("record", ["dapa-hf", "ssass"])
def test_a_small_results_graphic_shares_its_slide_with_the_primary_table(record, tmp_path):
    result = build_record(ROOT / "sources" / f"{record}.yaml", tmp_path, BuildOptions(only=("deck",)))
    prs = Presentation(str(tmp_path / result.study_id / "deck.pptx"))
    titles = [s.shapes.title.text_frame.text for s in prs.slides if s.shapes.title is not None]
    assert "Primary outcomes at a glance" not in titles and "Primary outcomes (cont.)" not in titles
    slide = prs.slides[titles.index("Primary outcomes")]
    group = next(sh for sh in slide.shapes if sh.shape_type == 6)
    table = next(sh for sh in slide.shapes if getattr(sh, "has_table", False))
    assert table.top >= group.top + group.height
    area = open_presentation(None)[1].body
    assert (table.top + table.height) / 12700 <= area.bottom + 0.5
    sizes = [int(r.get("sz")) / 100 for sh in (group, table) for r in sh._element.iter(f"{A}rPr") if r.get("sz")]
    assert min(sizes) >= 16.0


@pytest.mark.parametrize("record", ["re-ly", "ssass"])
def test_a_forest_cut_over_slides_keeps_the_largest_type_that_needs_no_more_slides(record, tmp_path):
    result = build_record(ROOT / "sources" / f"{record}.yaml", tmp_path, BuildOptions(only=("deck",)))
    prs = Presentation(str(tmp_path / result.study_id / "deck.pptx"))
    slides = [s for s in prs.slides if s.shapes.title is not None
              and s.shapes.title.text_frame.text.startswith("Forest plot")]
    assert len(slides) == 2
    area = open_presentation(None)[1].diagram
    for slide in slides:
        group = next(sh for sh in slide.shapes if sh.shape_type == 6)
        assert (group.top + group.height) / 12700 <= area.bottom + 0.5
        # Ticks and "favours" words are set a size smaller than the labels.
        sizes = [int(r.get("sz")) / 100 for r in group._element.iter(f"{A}rPr") if r.get("sz")]
        assert max(sizes) >= 18.0 and min(sizes) >= 16.0
