"""The brief's results table as a reader sees it (shipped records, read back from the PDF): the values of one
row's arms wrap alike — all whole or all broken, never one arm's rate whole beside the next arm's broken — and
no interval is broken across lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import BuildOptions, render
from pipeline.content import ABSENT
from pipeline.loader import load_bytes
from pipeline.model import Study
from pipeline.report import prepare
from pipeline.validate import check_source
from readback import brief_text

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "sources").glob("*.yaml"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_a_rows_arm_values_wrap_alike_and_intervals_stay_whole(path):
    checked = check_source(load_bytes(path.read_bytes(), path.name))
    if not isinstance(checked.study, Study):
        pytest.skip(f"{path.stem}: a review (no trial results table)")
    report = prepare(checked)
    lines = brief_text(render(report, BuildOptions(only=("brief",)))["brief.pdf"]).splitlines()

    def whole(value: str) -> bool:
        return any(value in line for line in lines)

    for row in report.content.primary_rows + report.content.harm_rows:
        values = [v for v in row.cells if v not in ABSENT and " " in v]
        kept = [whole(v) for v in values]
        assert all(kept) or not any(kept), f"{row.label}: {dict(zip(values, kept, strict=True))}"
        for e in row.effects:
            assert e.range in ABSENT or whole(e.range), f"{row.label}: {e.range!r} broken"
