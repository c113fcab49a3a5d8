"""An effect estimate never wraps inside its measure and number ("HR" over "0.83"): VITAL's four-arm
factorial tables squeezed the Effect column until it did. Reads the deck's tables as a reader's viewer
lays them out: the estimate's line, at its own size, fits its column's width less the cell margins."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu

from pipeline.build import BuildOptions, build_record
from pipeline.layout.text import text_width

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p.stem for p in (ROOT / "sources").glob("*.yaml"))


@pytest.mark.parametrize("name", SOURCES)
def test_effect_estimates_stay_on_one_line(name, tmp_path):
    result = build_record(ROOT / "sources" / f"{name}.yaml", tmp_path, BuildOptions(only=("deck",)))
    deck = Presentation(str(tmp_path / result.study_id / "deck.pptx"))
    checked = 0
    for slide in deck.slides:
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            table = shape.table
            heads = [table.cell(0, j).text for j in range(len(table.columns))]
            cols = [j for j, h in enumerate(heads) if h.split("\n")[0] == "Effect"]
            for j in cols:
                width = Emu(table.columns[j].width).pt
                for i in range(1, len(table.rows)):
                    cell = table.cell(i, j)
                    para = cell.text_frame.paragraphs[0]
                    line = para.text
                    if not line.split(" ")[-1][:1].isdigit():
                        continue
                    size = next(r.font.size.pt for r in para.runs if r.font.size is not None)
                    room = width - Emu(cell.margin_left).pt - Emu(cell.margin_right).pt
                    assert text_width(line, size, False) <= room, (name, line, size, room)
                    checked += 1
    if name == "vital":
        assert checked >= 8
