"""The results graphic's geometry (layout/results.py) for every record in sources/ and every SYNTHETIC shape:
everything inside its width, an estimate without an interval hollow and without a whisker."""

from __future__ import annotations

from pathlib import Path

import pytest

import shapes
from pipeline.layout.results import results_graphic
from pipeline.layout.text import text_width
from pipeline.model import Study
from pipeline.validate import load_study

ROOT = Path(__file__).resolve().parent.parent
TRIALS = [p for p in sorted((ROOT / "sources").glob("*.yaml"))
          if isinstance(load_study(p).study, Study)]
SHAPES = shapes.shapes()


def _check(study: Study, width: float) -> None:
    d = results_graphic(study, width, 8.0)
    if d is None:
        return
    assert d.height > 0
    for label in d.labels:
        for line in label.lines:
            right = label.x + (label.w if label.align == "right" else text_width(line.text, line.size, line.bold))
            assert label.x >= -0.01 and right <= width + 0.5, (label.id, line.text)
    for box in d.boxes:
        assert box.x >= 0 and box.right <= width + 0.01, box.id
    estimates = [m for m in d.markers if m.role == "estimate"]
    cis = [s for s in d.segments if s.role == "ci"]
    hollow = [m for m in estimates if not m.filled]
    for m in hollow:      # no whisker through a hollow marker
        assert not any(abs(s.y1 - m.y) < 0.01 and s.x1 <= m.x <= s.x2 for s in cis)


@pytest.mark.parametrize("path", TRIALS, ids=lambda p: p.stem)
def test_sources_results_graphic_fits(path):
    study = load_study(path).study
    d = results_graphic(study, 535.0, 8.0)
    assert d is not None, "every trial in sources/ has a primary outcome to draw"
    _check(study, 535.0)
    _check(study, 260.0)


def test_imagine_ra_interval_not_reported_is_hollow():
    study = load_study(ROOT / "sources" / "imagine-ra.yaml").study
    d = results_graphic(study, 535.0, 8.0)
    assert d is not None
    est = [m for m in d.markers if m.role == "estimate"]
    assert est and all(not m.filled for m in est)
    assert not [s for s in d.segments if s.role == "ci"]
    bars = [b for b in d.boxes if b.role == "bar"]
    assert len(bars) == 4 and {b.arm for b in bars} == {0, 1}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_shapes_results_graphic_fits(name):
    study = Study.model_validate(SHAPES[name])
    _check(study, 535.0)
