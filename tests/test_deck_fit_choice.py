"""deck_fit's choice of size and pages, found with less work for the same result: a slide that only one page will
do (``choose_one``), attempts that would be laid out alike tried once, cut cells copied with their styling."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.render import deck_fit
from pipeline.render.deck_fit import (
    BODY_SIZES,
    Cell,
    P,
    TableSection,
    TextSection,
    _pagination,
    choose,
    choose_one,
    split_row,
)


def _table(n_rows: int) -> TableSection:
    rows = [[Cell(f"SYNTHETIC outcome {k}\n12 months", bold=True), Cell(f"{k}/100"),
             Cell("RR 0.74\n0.65 to 0.85", keep=1)] for k in range(n_rows)]
    header = [Cell("Outcome", bold=True), Cell("Drug A", bold=True), Cell("Effect", bold=True)]
    return TableSection(header, rows, caps=[1.0, 0.2, 0.3])


@pytest.mark.parametrize("n_rows", [1, 3, 6, 12])
@pytest.mark.parametrize("height", [120.0, 200.0, 400.0])
def test_one_slide_is_what_choose_lays_on_one_slide(n_rows: int, height: float) -> None:
    sections = [_table(n_rows)]
    size, pages = choose(sections, 860.0, height)
    if len(pages) == 1:
        assert choose_one(sections, 860.0, height) == (size, pages[0])
    else:
        assert choose_one(sections, 860.0, height) is None


def test_attempts_laid_out_alike_are_laid_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lone table is 16 pt at body sizes 20, 19 and 18: laid out once, at 20 (the first of equals)."""
    table = _table(14)
    assert [table.size(s) for s in BODY_SIZES] == [18.0, 16.5, 16.0, 16.0, 16.0]
    tried: list[float] = []
    paginate = deck_fit.paginate

    def counted(sections, size, width, height):     # type: ignore[no-untyped-def]
        if height == 400.0:
            tried.append(size)
        return paginate(sections, size, width, height)

    monkeypatch.setattr(deck_fit, "paginate", counted)
    size, pages = choose([table], 860.0, 400.0)
    assert len(pages) > 1 and size == 24.0
    assert tried == [24.0, 22.0, 20.0]


def test_the_tables_of_an_attempt_that_cannot_be_chosen_are_not_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    """Needing as many slides as an attempt before, a later one ranks no better whether its intervals are whole or
    not: only the first attempt's table pieces are measured for it."""
    table = _table(14)
    first = deck_fit.paginate([table], 24.0, 860.0, 400.0)
    measured: list[TableSection] = []
    kept_whole = deck_fit.kept_whole

    def counted(piece, size, width):     # type: ignore[no-untyped-def]
        measured.append(piece)
        return kept_whole(piece, size, width)

    monkeypatch.setattr(deck_fit, "kept_whole", counted)
    assert len(first) > 1 and choose([table], 860.0, 400.0)[0] == 24.0
    assert len(measured) == len(first)


def test_what_a_pagination_depends_on_besides_the_sections() -> None:
    table, text = _table(2), TextSection([P("SYNTHETIC text")])
    assert _pagination([table], 20.0) == _pagination([table], 18.0)
    assert _pagination([table, table], 20.0) != _pagination([table, table], 18.0)      # the gap between them
    assert _pagination([text], 20.0) != _pagination([text], 18.0)
    assert _pagination([replace(table, body_size=True)], 20.0) != _pagination([replace(table, body_size=True)], 18.0)


def test_a_cut_row_keeps_each_cells_styling() -> None:
    cell = Cell("SYNTHETIC first line of a long cell\nsecond line\nthird line", bold=True, link="https://x.test",
                colour="123456", fill="ABCDEF", align="right", rule="FEDCBA", mute_from=1, span=1, joined=True,
                keep=1)
    before = replace(cell)
    parts = split_row([cell, Cell("SYNTHETIC")], 16.0, [150.0, 100.0], 16.0 * 1.2 * 2 + 8.0)
    assert parts is not None
    (head, _), (tail, _) = parts
    assert head == replace(cell, text=head.text, mute_from=head.mute_from)
    assert tail == replace(cell, text=tail.text, mute_from=tail.mute_from)
    assert f"{head.text}\n{tail.text}".replace("\n", " ") == " ".join(cell.text.split())
    assert cell == before
