"""``render.copies.copied``: a dataclass copied as ``dataclasses.replace`` would copy it, for the classes the
renderers copy in their hot loops."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.render.copies import copied
from pipeline.render.deck_fit import Cell, TableSection
from pipeline.render.pdf_blocks import At, Line


def test_cells_tables_and_drawing_operations_are_copied_as_replace_would() -> None:
    """Cut cells, page tables and moved drawing operations are copied field by field: the same as ``replace`` only
    while they run no ``__post_init__`` and hold their fields in ``__dict__`` (no ``__slots__``); a change to no
    field is refused as ``replace`` refuses it."""
    for kind in (Cell, TableSection, At, Line):
        assert not hasattr(kind, "__post_init__")
        assert not any("__slots__" in vars(base) for base in kind.__mro__[:-1])
    cell = Cell("SYNTHETIC", bold=True, fill="ABCDEF", keep=1)
    table = TableSection([Cell("Outcome", bold=True)], [[Cell("SYNTHETIC row")], [Cell("SYNTHETIC row 2")]],
                         caps=[1.0], flex=0, name="SYNTHETIC")
    assert copied(cell, text="SYNTHETIC cut", mute_from=0) == replace(cell, text="SYNTHETIC cut", mute_from=0)
    assert copied(table, rows=table.rows[:1], widths=[1.0]) == replace(table, rows=table.rows[:1], widths=[1.0])
    line = Line(1.0, 2.0, 3.0, 4.0)
    moved = copied(line)
    assert moved == line and moved is not line
    with pytest.raises(TypeError, match="no field txt"):
        copied(cell, txt="SYNTHETIC")
