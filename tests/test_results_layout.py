"""The results graphic's geometry (layout/results.py) for every record in sources/ and every SYNTHETIC shape:
everything inside its width, an estimate without an interval hollow and without a whisker; and the same
picture in the brief's table cells (bars as long as their percentages, effect strips on one scale per measure)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import shapes
from pipeline.layout.results import cell_bar, cell_percents, cell_strips, graphed_outcomes, results_graphic
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
    _one_scale_per_measure(study, d)


def _one_scale_per_measure(study: Study, d) -> None:
    """An outcome's comparisons in one measure are drawn on one scale: the same ticks at the same places."""
    for o in graphed_outcomes(study):
        drawn = [e for e in o.effects if e.estimate_value is not None]
        scales: dict[str, set[tuple[tuple[str, float], ...]]] = {}
        for k, e in enumerate(drawn):
            ticks = tuple(sorted((lb.lines[0].text, round(lb.x, 2)) for lb in d.labels
                                 if lb.id.startswith(f"{o.id}-{k}-tick-")))
            if ticks:
                scales.setdefault(e.measure, set()).add(ticks)
        assert all(len(v) == 1 for v in scales.values()), (o.id, scales)


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


# --- the same picture in the cells of the brief's results table ------------------------------------------------

def _strip_positions(strip, width=60.0):
    d = strip.diagram(width)
    (marker,) = d.markers
    null = next(s for s in d.segments if s.role == "null")
    return d, marker, null


def test_cell_bar_is_as_long_as_its_percentage_and_says_no_number():
    d = cell_bar(85.0, 0, 80.0)
    track, bar = d.boxes
    assert (track.role, bar.role, bar.arm) == ("track", "bar", 0)
    assert track.w == 80.0 and abs(bar.w - 68.0) < 1e-9 and not d.labels
    assert cell_bar(0.0, 1, 80.0).boxes[1].w > 0        # 0% still shows where the bar starts
    assert cell_bar(140.0, 1, 80.0).boxes[1].w == 80.0   # never past its track


def test_imagine_ra_strips_share_one_scale_and_are_hollow_without_an_interval():
    study = load_study(ROOT / "sources" / "imagine-ra.yaml").study
    primary = [o for o in study.outcomes if o.primary]
    strips = cell_strips(study, primary)
    assert set(strips) == {(o.id, 0) for o in primary}
    (_, fewer, null_a), (_, more, null_b) = (_strip_positions(strips[(o.id, 0)]) for o in primary)
    assert abs(null_a.x1 - null_b.x1) < 1e-9               # one scale: the line of no effect in one place
    assert fewer.x < null_a.x1 < more.x                     # −4.8 left of it, +4.7 right of it
    assert not fewer.filled and not more.filled             # the CI is not in our sources: no whisker
    assert not any(s.role == "ci" for o in primary for s in strips[(o.id, 0)].diagram(60.0).segments)
    assert cell_percents(primary[0], [a.id for a in study.arms]) == {0: 85.0, 1: 88.0}


def test_re_ly_strips_are_on_a_log_scale_with_the_margin():
    study = load_study(ROOT / "sources" / "re-ly.yaml").study
    primary = [o for o in study.outcomes if o.primary]
    strips = cell_strips(study, primary)
    d, marker, null = _strip_positions(strips[(primary[0].id, 0)], 100.0)
    ci = next(s for s in d.segments if s.role == "ci")
    margin = next(s for s in d.segments if s.role == "margin")
    assert marker.filled and ci.x1 < null.x1 < ci.x2 < margin.x1     # 0.91 (0.74 to 1.11), margin 1.46
    # log scale: 1/0.74 and 1.11 are about as far from 1 as their logs say
    strip = strips[(primary[0].id, 0)]
    assert abs((null.x1 - ci.x1) / (ci.x2 - null.x1) - math.log(1 / 0.74) / math.log(1.11)) < 1e-6
    assert strip.ratio and all(0 <= s.x1 <= 100.0 for s in d.segments)
