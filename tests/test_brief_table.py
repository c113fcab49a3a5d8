"""The brief's results table as a reader sees it (shipped records, read back from the PDF): the values of one
row's arms wrap alike — all whole or all broken, never one arm's rate whole beside the next arm's broken — and
no interval is broken across lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import BuildOptions, render
from pipeline.content import ABSENT
from pipeline.layout.text import RUNT
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


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_no_column_header_ends_in_a_lone_short_word(path):
    """A header whose last word is short ("Vitamin D", "Placebo (D)", "95% CI") reads whole on a line, not with
    that word alone on the next (VITAL's arms were "Vitamin / D", "Placebo / (D)"), where the room allows: the
    header is a line of its own (the row labels "Vitamin D vs Placebo (D)" hold the words too)."""
    checked = check_source(load_bytes(path.read_bytes(), path.name))
    if not isinstance(checked.study, Study):
        pytest.skip(f"{path.stem}: a review (no trial results table)")
    report = prepare(checked)
    lines = brief_text(render(report, BuildOptions(only=("brief",)))["brief.pdf"]).splitlines()
    heads = [n for n in report.content.arm_names if " " in n and len(n.split()[-1]) <= RUNT]
    assert heads or path.stem != "vital", "VITAL's arms are the case this test is for"
    for head in heads:
        assert head in (line.strip() for line in lines), f"{head!r} broken before its last word"


def test_bare_counts_are_said_to_be_counts_whatever_else_is_missing():
    """The "Numbers: participants with the event" line follows the cells as printed: bare counts beside a cell
    that says "not reported" still get it; a count with its total or percentage does not."""
    from pipeline.content.rows import ResultRow, counted_only

    def rows(*cells: str) -> list[ResultRow]:
        return [ResultRow("o", "SYNTHETIC outcome", None, True, cells)]

    assert counted_only(rows("793", "1,024")) == "participants with the event"
    assert counted_only(rows("793", "not reported")) == "participants with the event"
    assert counted_only(rows("64/76 (84.2%)", "83")) is None
    assert counted_only(rows("not reported", "not in our sources")) is None
