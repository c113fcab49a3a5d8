"""A results table on a narrower template (tests/fixtures/template.pptx, 720 pt wide) goes down to its own
minimum there (16 pt × 720/960 = 12 pt) before it takes another slide, the body text staying at 18 pt:
VITAL's secondary outcomes take 4 slides (were 6), RE-LY's 4 (were 6); no table text under 12 pt."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from pipeline.build import BuildOptions, build_record

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "tests" / "fixtures" / "template.pptx"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.mark.parametrize("record,most", [("vital", 4), ("re-ly", 4)])
def test_secondary_outcomes_take_fewer_template_slides(record, most, tmp_path):
    result = build_record(ROOT / "sources" / f"{record}.yaml", tmp_path,
                          BuildOptions(only=("deck",), template=TEMPLATE))
    prs = Presentation(str(tmp_path / result.study_id / "deck.pptx"))
    slides = [s for s in prs.slides if s.shapes.title is not None
              and s.shapes.title.text_frame.text.startswith("Secondary outcomes")]
    assert 1 <= len(slides) <= most
    for slide in slides:
        for shape in slide.shapes:
            if getattr(shape, "has_table", False):
                sizes = [int(r.get("sz")) / 100 for r in shape._element.iter(f"{A}rPr") if r.get("sz")]
                assert min(sizes) >= 12.0
