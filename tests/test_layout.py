"""Geometry of the design, flow and forest figures, and their alt text.

Every diagram is checked for the same invariants (``check_geometry``): boxes
inside the area and apart, every text line narrower than its box (measured with
the embedded font), the lines fit the box height, connectors orthogonal, starting
on their source's edge and ending on their target's edge without crossing other
boxes, labels/segments/markers inside the area. Records: the shipped one and
generated ones (``make_study``) with 1–6 arms, long labels and missing counts.
"""

from __future__ import annotations

import copy
import json
import math
import random
import re
from pathlib import Path

import pytest

from pipeline.errors import LayoutError
from pipeline.layout.alt import design_alt, flow_alt
from pipeline.layout.boxes import BoxHeights, Para, Sheet, padding_for
from pipeline.layout.columns import Column, solve
from pipeline.layout.design import design_diagram
from pipeline.layout.flow import flow_diagram
from pipeline.layout.forest import forest_alt, forest_plot
from pipeline.layout.geometry import Box, Diagram
from pipeline.layout.text import column_lines, line_count, line_height, shorten, text_width, units, wrap, wrap_runs
from pipeline.loader import load_file
from pipeline.model import Study
from pipeline.validate import load_study

ROOT = Path(__file__).resolve().parent.parent
EPS = 1e-6

LONG = ("Intensive individualised nurse-led telephone follow-up with protocolised escalation of conventional "
        "synthetic disease-modifying antirheumatic therapy")


@pytest.fixture(scope="module")
def imagine() -> Study:
    return load_study(ROOT / "sources" / "imagine-ra.yaml").study


def make_study(**options) -> Study:
    return Study.model_validate(make_data(**options))


def imagine_data() -> dict:
    """The shipped record as plain data (each number keeps its printed text), to change in a test."""
    return copy.deepcopy(load_file(ROOT / "sources" / "imagine-ra.yaml").data)


def make_data(n_arms: int = 2, long_labels: bool = False, missing: bool = False, flow: bool = True,
              measures: tuple[str, ...] = ("risk difference",), single: bool = False,
              higher_is_better: bool | None = True, ci: bool = True, zero: bool = False) -> dict:
    """A valid generated record (SYNTHETIC). ``missing``: flow counts absent or "not reported"; ``zero``: real
    zeros."""
    arms = []
    for i in range(n_arms):
        arms.append({"id": f"arm-{i}", "label": f"{LONG} ({i + 1})" if long_labels else f"Strategy {chr(65 + i)}",
                     "short_label": f"Arm {chr(65 + i)}",
                     "target": ("Sustained remission with no swollen joints on ultrasound and normal CRP"
                                if long_labels else f"Target {i + 1}"),
                     "randomized": "not reported" if missing else 50 + i})
    data: dict = {
        "record": 2, "id": "generated", "title": "Generated study (SYNTHETIC)",
        "question": {"population": ("Adults with long-standing seropositive rheumatoid arthritis in sustained "
                                    "clinical remission for at least twelve months" if long_labels else "Adults with RA"),
                     "eligibility": [f"Criterion number {k + 1} with some words" for k in range(3)],
                     "intervention": "A", "comparator": "B" if n_arms > 1 else None},
        "design": {"type": "single-group" if single else "parallel", "randomized": not single,
                   "allocation_ratio": None if single else ":".join(["1"] * n_arms),
                   "follow_up": "12 months", "visit_schedule": "Every 3 months"},
        "arms": arms,
        "conclusions": {"bottom_line": "Something.", "key_messages": ["One."]},
    }
    if flow:
        arm_flows = []
        for i in range(n_arms):
            if missing:
                arm_flows.append({"arm": f"arm-{i}", "allocated": "not reported", "completed": 40 + i})
            else:
                arm_flows.append({"arm": f"arm-{i}", "allocated": 50 + i, "received": 49 + i,
                                  "discontinued": 0 if zero else 3,
                                  "discontinued_reasons": [{"reason": "Adverse event", "n": 2},
                                                           {"reason": "Withdrew consent", "n": 1}],
                                  "lost": 0 if zero else 2,
                                  "lost_reasons": [{"reason": "Moved away", "n": "not reported"}],
                                  "completed": 45 + i, "analysed": 50 + i})
        total = sum(50 + i for i in range(n_arms))
        data["flow"] = ({"assessed": "not reported", "randomized": "not reported", "arms": arm_flows} if missing else
                        {"assessed": total + 60, "excluded": 60,
                         "excluded_reasons": [{"reason": "Not meeting inclusion criteria", "n": 40},
                                              {"reason": "Declined to participate", "n": 20}],
                         "randomized": total, "arms": arm_flows})
    outcomes = []
    for k, measure in enumerate(measures):
        ratio = "ratio" in measure
        est = [0.8, 1.3, 2.5][k % 3] if ratio else [-4.8, 4.7, 12.0][k % 3]
        effect: dict = {"measure": measure, "estimate": est}
        if ci:
            effect["ci"] = [round(est * 0.6, 2), round(est * 1.5, 2)] if ratio else [round(est - 6, 2), round(est + 6, 2)]
        if n_arms > 1:
            effect["compares"] = ["arm-1", "arm-0"]
        outcomes.append({"id": f"out-{k}", "label": LONG if long_labels else f"Outcome {k + 1}", "primary": k == 0,
                         "timepoint": "12 months", "kind": "binary", "higher_is_better": higher_is_better,
                         # A between-group effect needs two groups (validate refuses one without ``compares``).
                         "effects": [effect] if n_arms > 1 else [],
                         **({} if ratio else {"unit": "percentage points"})})
    data["outcomes"] = outcomes
    return data


# ---------------------------------------------------------------------------
# The invariants.

def _interiors_overlap(a: Box, b: Box) -> bool:
    return a.x < b.right - EPS and b.x < a.right - EPS and a.y < b.bottom - EPS and b.y < a.bottom - EPS


def _on_edge(point: tuple[float, float], box: Box, side: str) -> bool:
    x, y = point
    if side in ("top", "bottom"):
        edge_y = box.y if side == "top" else box.bottom
        return abs(y - edge_y) < EPS and box.x - EPS <= x <= box.right + EPS
    edge_x = box.x if side == "left" else box.right
    return abs(x - edge_x) < EPS and box.y - EPS <= y <= box.bottom + EPS


def _segment_crosses_interior(p: tuple[float, float], q: tuple[float, float], box: Box) -> bool:
    """An axis-parallel segment passing through the inside of a box (touching an edge is fine)."""
    x0, x1 = sorted((p[0], q[0]))
    y0, y1 = sorted((p[1], q[1]))
    return x0 < box.right - EPS and x1 > box.x + EPS and y0 < box.bottom - EPS and y1 > box.y + EPS


def check_geometry(d: Diagram, width: float, height: float, min_size: float = 6.0) -> None:
    assert d.width == width
    assert 0 < d.height <= height + EPS
    ids = [b.id for b in d.boxes]
    assert len(ids) == len(set(ids)), "box ids are unique"
    for b in d.boxes:
        assert b.x >= -EPS and b.y >= -EPS and b.right <= width + EPS and b.bottom <= d.height + EPS, b.id
        assert b.lines, f"{b.id} has text"
        for line in b.lines:
            assert line.size >= min_size - EPS
            assert text_width(line.text, line.size, line.bold) + 2 * b.padding <= b.w + EPS, (b.id, line.text)
        assert sum(line_height(line.size) for line in b.lines) + 2 * b.padding <= b.h + EPS, b.id
    for i, a in enumerate(d.boxes):
        for b in d.boxes[i + 1:]:
            assert not _interiors_overlap(a, b), f"{a.id} overlaps {b.id}"
    by_id = {b.id: b for b in d.boxes}
    for c in d.connectors:
        src, dst = by_id[c.source], by_id[c.target]
        assert len(c.points) >= 2
        assert _on_edge(c.points[0], src, c.source_side), f"{c.id} starts off its source's {c.source_side} edge"
        assert _on_edge(c.points[-1], dst, c.target_side), f"{c.id} ends off its target's {c.target_side} edge"
        for p, q in zip(c.points, c.points[1:]):
            assert abs(p[0] - q[0]) < EPS or abs(p[1] - q[1]) < EPS, f"{c.id} is orthogonal"
            for other in d.boxes:
                assert not _segment_crosses_interior(p, q, other), f"{c.id} crosses {other.id}"
        for x, y in c.points:
            assert -EPS <= x <= width + EPS and -EPS <= y <= d.height + EPS
    for label in d.labels:
        assert label.x >= -EPS and label.x + label.w <= width + EPS and label.y >= -EPS, label.id
        assert label.y + sum(line_height(t.size) for t in label.lines) <= d.height + EPS, label.id
        for t in label.lines:
            assert t.size >= min_size - EPS
            assert text_width(t.text, t.size, t.bold) <= label.w + EPS, (label.id, t.text)
    for s in d.segments:
        for x, y in ((s.x1, s.y1), (s.x2, s.y2)):
            assert -EPS <= x <= width + EPS and -EPS <= y <= d.height + EPS, s
    for m in d.markers:
        assert m.x - m.size / 2 >= -EPS and m.x + m.size / 2 <= width + EPS
        assert m.y - m.size / 2 >= -EPS and m.y + m.size / 2 <= d.height + EPS


def all_text(d: Diagram) -> list[str]:
    """The text of every box and label, wrapped lines joined."""
    return [box_text(b) for b in d.boxes] + [" ".join(t.text for t in lab.lines) for lab in d.labels]


def box_text(box: Box) -> str:
    """A box's text as one string (wrapped lines joined, hanging indents dropped)."""
    return " ".join(line.text.replace("\u00a0", " ").strip() for line in box.lines)


AREAS = [(540.0, 720.0), (360.0, 600.0), (250.0, 500.0)]


# ---------------------------------------------------------------------------
# The shipped record.

@pytest.mark.parametrize("width,height", AREAS)
def test_imagine_design_geometry(imagine, width, height):
    d = design_diagram(imagine, width, height)
    check_geometry(d, width, height)
    assert d.kind == "design"
    assert box_text(d.box("randomization")) == "Randomized 1:1, n = 200"
    arms = [b for b in d.boxes if b.role == "arm"]
    assert [b.arm for b in arms] == [0, 1]
    assert arms[0].x < arms[1].x and arms[0].y == arms[1].y and arms[0].h == arms[1].h
    assert box_text(arms[0]).startswith("MRI-guided treat-to-target n = 100 randomized Target:")
    assert "Follow-up: 24 months" in box_text(d.box("followup"))
    assert "Every 4 months" in box_text(d.box("followup"))
    assert "DAS28-CRP remission" in box_text(d.box("outcomes"))
    order = ["population", "randomization", "arm-mri", "followup", "outcomes"]
    assert [d.box(i).y for i in order] == sorted(d.box(i).y for i in order)
    # The randomization box branches to each arm.
    branches = {c.target for c in d.connectors if c.source == "randomization"}
    assert branches == {"arm-mri", "arm-conventional"}


def test_imagine_design_uses_only_the_height_it_needs(imagine):
    d = design_diagram(imagine, 540, 2000)
    assert d.height < 600
    assert max(b.bottom for b in d.boxes) == pytest.approx(d.height)
    assert d.extra["font_size"] == 8.0


@pytest.mark.parametrize("width,height", AREAS)
def test_imagine_flow_geometry(imagine, width, height):
    d = flow_diagram(imagine, width, height)
    check_geometry(d, width, height)
    # IMAGINE-RA's sources give no arm a number for these stages: one note, said as a gap of our sources
    # (not of the trial), instead of rows of empty boxes.
    assert {b.id for b in d.boxes} == {"randomized", "allocated-mri", "allocated-conventional",
                                       "completed-mri", "completed-conventional"}
    note = " ".join(line.text for label in d.labels for line in label.lines)
    assert note == ("Not in our sources: assessed for eligibility and excluded; received allocated intervention; "
                    "discontinued or lost to follow-up; analysed.")
    assert box_text(d.box("randomized")) == "Randomized 1:1 (n = 200)"
    assert box_text(d.box("completed-mri")) == "Completed (n = 76)"
    assert box_text(d.box("completed-conventional")) == "Completed (n = 95)"
    assert " ".join(box_text(d.box("allocated-mri")).split()) == "MRI-guided treat-to-target Allocated (n = 100)"
    # Columns line up row by row.
    for row in ("allocated", "completed"):
        a, b = d.box(f"{row}-mri"), d.box(f"{row}-conventional")
        assert (a.y, a.h) == (b.y, b.h)


@pytest.mark.parametrize("width,height", AREAS)
def test_imagine_forest_geometry(imagine, width, height):
    d = forest_plot(imagine, width, height)
    assert d is not None
    check_geometry(d, width, height)
    assert len(d.markers) == 2
    assert not [s for s in d.segments if s.role == "ci"], "no interval is reported, none is drawn"
    null = [s for s in d.segments if s.role == "null"]
    assert len(null) == 1 and null[0].x1 == null[0].x2
    remission, progression = d.markers          # primary outcomes in record order
    assert remission.x < null[0].x1 < progression.x
    # Positions are linear in the value: −4.8 and 4.7 sit at distances 4.8 : 4.7 from 0.
    assert (null[0].x1 - remission.x) / (progression.x - null[0].x1) == pytest.approx(4.8 / 4.7)
    text = all_text(d)
    assert "\u22124.8" in text and "+4.7" in text
    # The record's sources lack the intervals: said as such, and the markers are hollow (no certain point).
    assert text.count("(CI not in our sources)") == 2
    assert not any(m.filled for m in d.markers)
    favours = [lab for lab in d.labels if lab.role == "favours"]
    left = next(lab for lab in favours if lab.x + lab.w <= null[0].x1)
    right = next(lab for lab in favours if lab.x >= null[0].x1)
    assert "favours Conventional" in " ".join(t.text for t in left.lines)
    assert "favours MRI-guided" in " ".join(t.text for t in right.lines)
    _labels_apart(d)


def _labels_apart(d: Diagram) -> None:
    """No two free labels overlap (their drawn text extents)."""
    rects = []
    for lab in d.labels:
        widths = [text_width(t.text, t.size, t.bold) for t in lab.lines]
        w = max(widths)
        x = {"left": lab.x, "center": lab.x + (lab.w - w) / 2, "right": lab.x + lab.w - w}[lab.align]
        h = sum(line_height(t.size) for t in lab.lines)
        rects.append((lab.id, x, lab.y, x + w, lab.y + h))
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            overlap = a[1] < b[3] - EPS and b[1] < a[3] - EPS and a[2] < b[4] - EPS and b[2] < a[4] - EPS
            assert not overlap, f"{a[0]} overlaps {b[0]}"


# ---------------------------------------------------------------------------
# Generated records.

CASES = {
    "2 arms": dict(n_arms=2),
    "3 arms": dict(n_arms=3),
    "4 arms": dict(n_arms=4),
    "6 arms": dict(n_arms=6),
    "4 arms, long labels": dict(n_arms=4, long_labels=True),
    "2 arms, long labels": dict(n_arms=2, long_labels=True),
    "missing counts": dict(n_arms=3, missing=True, ci=False),
    "single group": dict(n_arms=1, single=True, measures=("mean difference",), higher_is_better=None),
    "no flow": dict(n_arms=3, flow=False),
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("make", [design_diagram, flow_diagram], ids=["design", "flow"])
def test_generated_diagrams_keep_the_invariants(name, make):
    study = make_study(**CASES[name])
    d = make(study, 540, 720)
    check_geometry(d, 540, 720)
    arm_boxes = [b for b in d.boxes if b.role == "arm"]
    assert [b.arm for b in arm_boxes] == list(range(len(study.arms)))
    xs = [b.x for b in arm_boxes]
    assert xs == sorted(xs) and len({b.y for b in arm_boxes}) == 1
    for box, arm in zip(arm_boxes, study.arms):
        assert box_text(box).startswith(arm.label)


@pytest.mark.parametrize("n_arms", [2, 3, 4])
def test_brief_column_width(n_arms):
    study = make_study(n_arms=n_arms)
    for make in (design_diagram, flow_diagram):
        check_geometry(make(study, 250, 600), 250, 600)


def test_long_labels_shrink_the_font_but_not_below_the_minimum():
    study = make_study(n_arms=4, long_labels=True)
    roomy = design_diagram(study, 540, 2000, base_size=9.0)
    tight = design_diagram(study, 540, 380, base_size=9.0, min_size=6.0)
    assert roomy.extra["font_size"] == 9.0
    assert 6.0 <= tight.extra["font_size"] < 9.0
    assert tight.height <= 380
    check_geometry(tight, 540, 380)


@pytest.mark.parametrize("make,field", [(design_diagram, "arms["), (flow_diagram, "arms[")])
def test_content_that_cannot_fit_raises_layout_error_naming_fields(make, field):
    study = make_study(n_arms=4, long_labels=True)
    with pytest.raises(LayoutError) as info:
        make(study, 300, 150, min_size=6.0)
    assert field in str(info.value)
    assert "6 pt" in str(info.value)


def test_forest_that_cannot_fit_raises_layout_error():
    study = make_study(n_arms=2, long_labels=True, measures=("risk difference",) * 3)
    with pytest.raises(LayoutError, match=r"outcomes\[\d\]\.label"):
        forest_plot(study, 300, 60)


def test_single_group_design_has_no_randomization():
    study = make_study(n_arms=1, single=True)
    d = design_diagram(study, 400, 600)
    assert "randomization" not in {b.id for b in d.boxes}
    assert {(c.source, c.target) for c in d.connectors} >= {("population", "arm-arm-0")}
    assert "n = 50 enrolled" in box_text(d.box("arm-arm-0"))
    f = flow_diagram(study, 400, 600)
    assert box_text(f.box("randomized")).startswith("Enrolled")


def test_missing_counts_read_not_reported_never_zero():
    study = make_study(n_arms=3, missing=True)
    design = design_diagram(study, 540, 720)
    assert box_text(design.box("randomization")) == "Randomized 1:1:1, n not reported"
    for i in range(3):
        assert "not reported" in box_text(design.box(f"arm-arm-{i}"))
    flow = flow_diagram(study, 540, 720)
    texts = [box_text(b) for b in flow.boxes]
    assert all(not re.search(r"\bn = 0\b", t) for t in texts), texts
    for box_id in ("randomized", "allocated-arm-0"):
        assert "not reported" in box_text(flow.box(box_id)), box_id
    assert box_text(flow.box("completed-arm-2")) == "Completed (n = 42)"
    # Stages no arm has a number for are named once, not drawn as boxes.
    assert not {"assessed", "excluded", "followup-arm-1", "analysed-arm-2"} & {b.id for b in flow.boxes}
    note = " ".join(line.text for label in flow.labels for line in label.lines)
    assert note.startswith("Not reported: assessed for eligibility and excluded;") and note.endswith("analysed.")
    assert "not reported" in flow.alt_text and " 0 " not in flow.alt_text


def test_a_reported_zero_is_shown_as_zero():
    flow = flow_diagram(make_study(n_arms=2, zero=True), 540, 720)
    assert "Discontinued intervention (n = 0)" in box_text(flow.box("followup-arm-0"))
    assert "Lost to follow-up (n = 0)" in box_text(flow.box("followup-arm-1"))


def test_flow_reasons_and_counts():
    flow = flow_diagram(make_study(n_arms=2), 540, 720)
    assert "• Not meeting inclusion criteria (n = 40)" in box_text(flow.box("excluded"))
    # The excluded box hangs off the trunk to the side, between assessed and randomized.
    ex = flow.box("excluded")
    assert flow.box("assessed").bottom < ex.y and ex.bottom < flow.box("randomized").y
    trunk = next(c for c in flow.connectors if c.target == "excluded")
    assert trunk.target_side == "left" and trunk.points[0][0] < ex.x
    assert not flow.labels, "every stage has numbers: no note"
    fu = box_text(flow.box("followup-arm-0"))
    assert "Discontinued intervention (n = 3)" in fu and "• Adverse event (n = 2)" in fu
    assert "• Moved away (n not reported)" in fu
    assert flow.box("followup-arm-0").align == "left"


def test_flow_without_flow_record_shows_allocation_and_a_note():
    study = make_study(n_arms=3, flow=False)
    d = flow_diagram(study, 540, 720)
    assert {b.id for b in d.boxes} == {"randomized", "allocated-arm-0", "allocated-arm-1", "allocated-arm-2"}
    assert box_text(d.box("randomized")) == "Randomized 1:1:1 (n = 153)"
    assert "Allocated (n = 51)" in box_text(d.box("allocated-arm-1"))
    assert [lab.role for lab in d.labels] == ["note"]
    assert "not reported" in d.labels[0].lines[0].text


def test_wrapping_keeps_counts_together():
    assert units("Allocated (n = 100) and (n not reported) < 2.6") == \
        ["Allocated", "(n = 100)", "and", "(n not reported)", "< 2.6"]
    assert units("Analysed (n not in our sources); not in place") == \
        ["Analysed", "(n not in our sources);", "not", "in", "place"]
    assert units("• Moved away") == ["• Moved", "away"]
    lines = wrap("Received allocated intervention (n = 49)", 8, text_width("Received allocated intervention (n", 8), glued=True)
    assert lines[-1] == "(n = 49)"
    hanging = wrap("• Withdrew consent after a long discussion", 8, 80, glued=True)
    assert len(hanging) > 1 and all(line.startswith("\u00a0" * 3) for line in hanging[1:])
    assert all(text_width(line, 8) <= 80 for line in hanging)
    plain = wrap("• Withdrew consent after a long discussion (n = 49)", 8, 80)
    assert plain[1:] and not any(line.startswith("\u00a0") for line in plain) and "(n = 49)" not in plain



def test_the_columns_of_a_band_take_the_widths_that_make_it_lowest():
    def lines(column: int, width: float) -> list[float]:     # the first column: 4 lines under 40 pt, 2 under 80, then 1
        return [1.0 if column else (4.0 if width < 40 else 2.0 if width < 80 else 1.0)]

    def band(narrowest: list[float], widest: list[float], room: float) -> list[float] | None:
        return solve([Column(n, w) for n, w in zip(narrowest, widest)], room, lines)

    assert band([20.0, 20.0], [120.0, 20.0], 100.0) == [80.0, 20.0]     # one line fits the room
    two = band([20.0, 20.0], [120.0, 20.0], 90.0)                        # two lines, the rest shared
    assert two is not None and 40.0 <= two[0] < 80.0 and two[1] > 20.0 and abs(sum(two) - 90.0) < 1e-9
    assert band([50.0, 50.0], [120.0, 50.0], 90.0) is None              # too narrow for the words


def test_a_kept_line_stays_whole_where_it_fits():
    """An interval (kept) does not wrap to save the label a line; when the kept lines cannot all fit, the one
    asking most beyond its words gives way first, and the label (flexible) takes the rest."""
    label, interval, rate = "Stroke or systemic embolism", "0.74 to 1.11", "1.53% per year"
    cells = [[label], [interval], [rate]]

    def heights(j: int, w: float) -> list[float]:
        return [len(wrap(t, 10, w)) for t in cells[j]]

    def column(j: int, kept: bool) -> Column:
        text = cells[j][0]
        return Column(max(text_width(w, 10) for w in text.split()), text_width(text, 10),
                      text_width(text, 10) if kept else 0.0)

    room = text_width("systemic", 10) + text_width(interval, 10) + text_width("1.53%", 10) + 5
    widths = solve([column(0, False), column(1, True), column(2, False)], room, heights, flex=0)
    assert widths is not None and abs(sum(widths) - room) < 1e-6
    assert len(wrap(interval, 10, widths[1])) == 1
    free = solve([column(0, False), column(1, False), column(2, False)], room, heights, flex=0)
    assert free is not None and len(wrap(interval, 10, free[1])) > 1       # without keeping, it would wrap
    both = solve([column(0, False), column(1, True), column(2, True)], room, heights, flex=0)
    assert both is not None and len(wrap(interval, 10, both[1])) == 1 and len(wrap(rate, 10, both[2])) > 1


def test_runs_of_bold_and_regular_text_wrap_together():
    runs = [("Main limitations:", True), ("open label; a short follow-up of twelve weeks", False), ("", False),
            ("Antidisestablishmentarianism", True)]
    lines = wrap_runs(runs, 8, 100)
    assert [w for line in lines for w, _ in line][:3] == ["Main", "limitations:", "open"]
    assert lines[0][0][1] == 0 and lines[0][-1][1] == 1                    # the lead-in and the text share a line
    for line in lines:
        width = sum(text_width(w, 8, runs[k][1]) for w, k in line) + text_width(" ", 8) * (len(line) - 1)
        assert width <= 100
    pieces = [w for line in lines for w, k in line if k == 3]
    assert len(pieces) > 1 and "".join(pieces) == "Antidisestablishmentarianism"       # broken into pieces that fit
    assert wrap_runs([("", False)], 8, 100) == []


def test_line_count_is_the_number_of_wrapped_lines():
    texts = ["", "\n", "Adults with heart failure and reduced ejection fraction\nEligible: NYHA class II–IV",
             "0.74 (0.65 to 0.85)", "Antidisestablishmentarianism was long", "a  b\n\nc ≤40% d", "x" * 90]
    for text in texts:
        for bold in (False, True):
            for width in (1.0, 6.0, 20.0, 33.3, 47.0, 80.5, 120.0, 200.0, 1000.0):
                assert line_count(text, 10, width, bold) == len(wrap(text, 10, width, bold)), (text, width, bold)


def test_glued_line_count_is_the_number_of_glued_wrapped_lines():
    texts = ["", "• Drug A 5 mg once daily (n = 210) and a hanging indent after the bullet",
             "Randomized 1:1, n = 4,744; DAS28-CRP < 2.6 (n not in our sources)\n• a\n• b c ≤ 3.2",
             "Eligible: NYHA class II–IV; ejection fraction ≤40%; eGFR <30 mL/min/1.73 m²", "x" * 90 + " y"]
    for text in texts:
        for bold in (False, True):
            for width in (1.0, 6.0, 20.0, 33.3, 47.0, 80.5, 120.0, 200.0, 1000.0):
                assert line_count(text, 10, width, bold, glued=True) == len(wrap(text, 10, width, bold, glued=True)), \
                    (text, width, bold)


def test_line_count_is_the_number_of_wrapped_lines_at_every_break():
    """Random texts at random widths and at each width where a line could break (a run of words' width, and a
    hair either side of it): the counted lines are the wrapped ones."""
    rng = random.Random(15)
    vocabulary = ["a", "of", "n = 12", "0.74", "(0.65 to 0.85)", "placebo", "≤40%", "mycophenolate", "II–IV",
                  "Antidisestablishmentarianism", "•", "x" * 40, "WWW", "iii"]
    for _ in range(150):
        paragraphs = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 14))) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.2:
            paragraphs[0] = "• " + paragraphs[0]
        text = "\n".join(paragraphs)
        size, bold, glued = rng.choice((8.0, 10.0, 13.5, 18.7)), rng.random() < 0.5, rng.random() < 0.3
        words = text.split()
        runs = {text_width(" ".join(words[i:j]), size, bold) for i in range(len(words))
                for j in range(i + 1, min(i + 8, len(words)) + 1)}
        widths = [rng.uniform(1.0, 600.0) for _ in range(10)] + \
            [w + d for w in rng.sample(sorted(runs), min(len(runs), 15)) for d in (-1e-9, 0.0, 1e-9)]
        for width in widths:
            assert line_count(text, size, width, bold, glued) == len(wrap(text, size, width, bold, glued)), \
                (text, size, width, bold, glued)


def _random_cells(rng: random.Random) -> tuple[tuple[str, bool], ...]:
    """1 to 6 cells of 1 to 3 paragraphs of random words (some a bullet: "• …"), some bold."""
    vocabulary = ["a", "of", "n = 12", "0.74", "(0.65 to 0.85)", "placebo", "≤40%", "mycophenolate", "WWW", "iii"]
    return tuple(("\n".join(("• " if rng.random() < 0.2 else "") + " ".join(rng.choice(vocabulary)
                                                                          for _ in range(rng.randint(0, 9)))
                            for _ in range(rng.randint(1, 3))), rng.random() < 0.3) for _ in range(rng.randint(1, 6)))


def test_a_columns_lines_are_its_cells_counted_lines():
    """A table column's cells (bold and regular; glued or not) at random sizes and widths, narrow to wide and back,
    each width asked again, and at and either side of each width where a count may change: the counts are each
    cell's counted lines, asked at a width for a size."""
    rng = random.Random(16)
    for _ in range(60):
        cells, glued = _random_cells(rng), rng.random() < 0.5
        lines = column_lines(cells, glued)
        widths = [rng.uniform(1.0, 400.0) for _ in range(12)]
        for size in (9.0, 13.5, 18.0):
            edges = [w + d for x in lines.breaks for w in (x * size / (lines.em or 2048),) if w > 1.0
                     for d in (-1e-9, 0.0, 1e-9)]
            by_width = lines.by_width(size)
            for width in widths + widths[::-1] + edges:
                counted = tuple(line_count(t, size, width, b, glued) for t, b in cells)
                assert by_width(width) == counted, (cells, size, width, glued)


def test_a_cells_lines_are_stepped_once_with_the_cell():
    """A cell's text measured whole (a column's lines) and line by line (the cell's height): each line's steps are
    worked out once. The caches above the steps are emptied first: a text an earlier test measured would not
    reach them."""
    from pipeline.layout.text import _paragraph_steps, _steps, _text_steps

    for remembered in (column_lines, _steps, _text_steps, _paragraph_steps):
        remembered.cache_clear()
    column_lines((("SYNTHETIC first line of a cell\nand its second line", False),))
    assert _paragraph_steps.cache_info()[:2] == (0, 2)      # (hits, misses): each line stepped
    assert line_count("and its second line", 12.0, 60.0) == len(wrap("and its second line", 12.0, 60.0))
    assert _paragraph_steps.cache_info()[:2] == (1, 2)      # the second line's steps found, not worked out again


def test_box_heights_are_the_heights_of_the_boxes_wrapped():
    """Boxes of random paragraphs at random sizes and widths: ``BoxHeights`` says each box's height as
    ``Sheet.box`` makes it (its lines wrapped, and the padding)."""
    rng = random.Random(15)
    for _ in range(40):
        boxes = [[Para(text, bold) for text, bold in _random_cells(rng)] for _ in range(rng.randint(0, 4))]
        for size in (8.0, 16.0, 18.5):
            heights = BoxHeights(boxes, size, padding_for(size))
            for width in [rng.uniform(20.0, 500.0) for _ in range(8)]:
                made = [Sheet(size).box("b", paras, 0.0, width, 0.0, "step").h for paras in boxes]
                assert heights.at(width) == pytest.approx(made), (boxes, size, width)
    assert BoxHeights([], 8.0, 3.0).at(100.0) == []      # a column of no boxes (a design with nothing after its arms)


def test_a_label_too_wide_is_shortened_at_a_word_with_an_ellipsis():
    label = "Marshall-Hughes, Ramaswamy and colleagues 2019"
    assert shorten(label, 8, text_width(label, 8)) == label
    short = shorten(label, 8, 90)
    assert short.endswith("…") and text_width(short, 8) <= 90
    assert label.startswith(short[:-1]) and label[len(short) - 1] == ","      # cut between words, the comma dropped
    footer = shorten("SYNTHETIC-TRIAL · Journal of Long Names", 8, text_width("SYNTHETIC-TRIAL · Jou", 8))
    assert footer == "SYNTHETIC-TRIAL…"                                          # no dangling separator
    one_word = shorten("Supercalifragilistic", 8, 30)
    assert one_word.endswith("…") and text_width(one_word, 8) <= 30

# ---------------------------------------------------------------------------
# Forest plot.

def test_forest_none_without_estimates(imagine):
    data = imagine_data()
    for o in data["outcomes"]:
        for e in o["effects"]:
            e["estimate"] = "not reported"
    assert forest_plot(Study.model_validate(data), 540, 400) is None
    assert forest_alt(Study.model_validate(data)) == ""


def _mutable_parts(value: object, path: str = "") -> list[str]:
    """Where ``value`` (a layout's dataclasses, tuples, read-only mappings) holds something its readers could
    change: a list, dict or set, or a dataclass not frozen. The record's own models are not looked into."""
    from dataclasses import fields, is_dataclass
    from types import MappingProxyType

    from pydantic import BaseModel

    if isinstance(value, (list, dict, set)):
        return [path]
    if isinstance(value, (tuple, frozenset)):
        return [p for k, v in enumerate(value) for p in _mutable_parts(v, f"{path}[{k}]")]
    if isinstance(value, MappingProxyType):
        return [p for k, v in value.items() for p in _mutable_parts(v, f"{path}[{k!r}]")]
    if is_dataclass(value) and not isinstance(value, type) and not isinstance(value, BaseModel):
        here = [] if type(value).__dataclass_params__.frozen else [path]     # type: ignore[attr-defined]
        return here + [p for f in fields(value) for p in _mutable_parts(getattr(value, f.name), f"{path}.{f.name}")]
    return []


@pytest.mark.parametrize("name", ["subgroups", "non-inferiority", "arms-3"])     # SYNTHETIC (tests/shapes.py)
def test_what_a_figure_remembers_per_study_is_read_only(name):
    """``layout.memo.per_study`` hands every caller the same object: the forest's groups and rows and the flow's
    texts hold nothing a caller could change (tuples, frozen dataclasses, read-only mappings)."""
    from pipeline.layout.flow import _texts
    from pipeline.layout.forest import _groups

    study = shape_study(name)
    assert _mutable_parts(tuple(_groups(study))) == []
    assert _mutable_parts(_texts(study)) == []


def test_forest_groups_measures_on_separate_axes():
    study = make_study(n_arms=2, measures=("risk difference", "hazard ratio", "odds ratio", "risk ratio"))
    d = forest_plot(study, 540, 720)
    check_geometry(d, 540, 720)
    _labels_apart(d)
    assert len([s for s in d.segments if s.role == "null"]) == 4
    assert len([s for s in d.segments if s.role == "axis"]) == 4
    assert len(d.markers) == 4 and len([s for s in d.segments if s.role == "ci"]) == 4
    headings = [lab.lines[0].text for lab in d.labels if lab.role == "heading" and lab.x == 0]
    assert [h.split(",")[0] for h in headings] == ["Risk difference (percentage points)", "Hazard ratio",
                                                  "Odds ratio", "Risk ratio"]


def test_ratio_axis_is_logarithmic():
    study = make_study(n_arms=2, measures=("hazard ratio",))
    effect = study.outcomes[0].effects[0]
    assert (effect.estimate, effect.ci) == (0.8, (0.48, 1.2))
    d = forest_plot(study, 540, 400)
    null = next(s for s in d.segments if s.role == "null")
    ci = next(s for s in d.segments if s.role == "ci")
    marker = d.markers[0]
    scale = (marker.x - null.x1) / math.log(0.8)
    assert scale > 0
    assert (ci.x1 - null.x1) / scale == pytest.approx(math.log(0.48))
    assert (ci.x2 - null.x1) / scale == pytest.approx(math.log(1.2))
    ticks = {lab.lines[0].text: lab.x + lab.w / 2 for lab in d.labels if lab.role == "tick"}
    assert ticks["1"] == pytest.approx(null.x1)
    for text, x in ticks.items():
        value = float(text.replace("\u2212", "-"))
        assert (x - null.x1) / scale == pytest.approx(math.log(value)), text


def test_ratio_must_be_positive():
    data = make_data(n_arms=2, measures=("risk ratio",), ci=False)
    data["outcomes"][0]["effects"][0]["estimate"] = -0.5
    with pytest.raises(LayoutError, match=r"outcomes\[0\]\.effects\[0\]"):
        forest_plot(Study.model_validate(data), 540, 400)


@pytest.mark.parametrize("better,left,right", [
    (True, "favours Arm A", "favours Arm B"),     # compares [arm-1 (B), arm-0 (A)]: higher favours B
    (False, "favours Arm B", "favours Arm A"),
    (None, "lower with Arm B", "higher with Arm B"),
])
def test_favours_sides_follow_direction(better, left, right):
    d = forest_plot(make_study(n_arms=2, higher_is_better=better), 540, 400)
    null = next(s for s in d.segments if s.role == "null").x1
    favours = [lab for lab in d.labels if lab.role == "favours"]
    left_text = " ".join(t.text for lab in favours if lab.x + lab.w <= null for t in lab.lines)
    right_text = " ".join(t.text for lab in favours if lab.x >= null for t in lab.lines)
    assert left in left_text and left_text.startswith("\u2190")
    assert right in right_text and right_text.endswith("\u2192")


def test_estimate_without_interval_keeps_its_row():
    d = forest_plot(make_study(n_arms=3, ci=False, measures=("risk difference", "mean difference")), 540, 400)
    assert len(d.markers) == 2 and not [s for s in d.segments if s.role == "ci"]
    assert all_text(d).count("(CI not reported)") == 2


def test_interval_shown_with_numbers():
    d = forest_plot(make_study(n_arms=2), 540, 400)
    assert "(\u221210.8 to 1.2)" in all_text(d)


# ---------------------------------------------------------------------------
# Alt text: from the data, no invented numbers.

def _numbers(text: str) -> set[float]:
    return {float(m.replace("\u2212", "-")) for m in re.findall(r"[\u2212-]?\d+(?:\.\d+)?", text)}


def test_imagine_alt_text(imagine):
    d = design_diagram(imagine, 540, 720)
    assert d.alt_text == design_alt(imagine)
    assert "200 participants randomized 1:1 to MRI-guided treat-to-target (n = 100) or Conventional" in d.alt_text
    flow = flow_diagram(imagine, 540, 720)
    assert flow.alt_text == flow_alt(imagine)
    assert "Completed: 76 (MRI-guided), 95 (Conventional)" in flow.alt_text
    assert "Assessed for eligibility: not in our sources" in flow.alt_text
    forest = forest_plot(imagine, 540, 720)
    assert "\u22124.8 (CI not in our sources)" in forest.alt_text
    assert "+4.7 (CI not in our sources)" in forest.alt_text
    assert "Values below 0 favour Conventional" in forest.alt_text


@pytest.mark.parametrize("name", ["imagine", *CASES])
def test_alt_text_numbers_all_come_from_the_record(imagine, name):
    study = imagine if name == "imagine" else make_study(**CASES[name])
    record_numbers = _numbers((ROOT / "sources" / "imagine-ra.yaml").read_text(encoding="utf-8") if name == "imagine"
                              else json.dumps(make_data(**CASES[name])))
    # Totals the layout states are sums of the arm sizes the record gives; they count as record values.
    record_numbers |= {float(sum(a.randomized for a in study.arms if isinstance(a.randomized, int)))}
    for text in (design_alt(study), flow_alt(study), forest_alt(study)):
        assert text or name != "imagine"
        invented = _numbers(text) - record_numbers
        assert not invented, (text, invented)


# ---------------------------------------------------------------------------
# Version-2 shapes (tests/shapes.py, SYNTHETIC): every diagram of every shape keeps the invariants; the forest
# shows each comparison, the margin and the subgroups as a reader needs them.

import shapes  # noqa: E402  (the generator lives beside the tests)

SHAPES = shapes.shapes()


def shape_study(name: str) -> Study:
    return Study.model_validate(SHAPES[name])


@pytest.mark.parametrize("name", [n for n in SHAPES if n not in shapes.HUGE])
def test_every_shape_keeps_the_diagram_invariants(name):
    study = shape_study(name)
    for make, (width, height) in ((design_diagram, (540, 900)), (flow_diagram, (540, 900)), (forest_plot, (540, 1400))):
        d = make(study, width, height)
        if d is None:
            continue
        check_geometry(d, width, height)
        if d.kind == "forest":
            _labels_apart(d)


def test_forest_names_every_comparison_and_draws_the_margin():
    study = shape_study("non-inferiority")
    d = forest_plot(study, 540, 900)
    text = all_text(d)
    effects = study.outcomes[0].effects
    for e in effects:
        arm, ref = study.comparison(e)
        assert f"{study.group_label(arm)} vs {study.group_label(ref)}, {e.label}" in text
    assert len(d.markers) == len(effects)
    margin = [s for s in d.segments if s.role == "margin"]
    assert len(margin) == 1 and margin[0].dash and margin[0].x1 == margin[0].x2
    label = next(lab for lab in d.labels if lab.role == "margin")
    assert label.lines[0].text == "NI margin 1.38"
    # The margin sits where 1.38 falls on the log axis: between 1 and the axis end.
    null = next(s for s in d.segments if s.role == "null")
    assert margin[0].x1 > null.x1
    assert "Dashed line: NI margin 1.38." in d.alt_text


def test_forest_groups_subgroups_under_their_overall_result():
    study = shape_study("subgroups")
    d = forest_plot(study, 540, 900)
    labels = [lab for lab in d.labels if lab.role == "label"]
    texts = [lab.lines[0].text for lab in labels]
    outcome = study.outcomes[0]
    first = next(i for i, t in enumerate(texts) if t.startswith(outcome.label))
    for s in outcome.subgroups:
        head = next(i for i, t in enumerate(texts) if t.startswith(s.variable))
        assert head > first
        assert "P for interaction" in " ".join(t.text for t in labels[head].lines)
        for k, level in enumerate(s.levels):
            row = labels[head + 1 + k]
            assert row.lines[0].text.startswith(level.level)
            assert row.x > labels[head].x > labels[first].x    # levels indented under their variable
    assert len(d.markers) == 1 + sum(len(lv.effects) for s in outcome.subgroups for lv in s.levels)


def test_estimate_without_interval_is_a_hollow_marker():
    d = forest_plot(make_study(n_arms=2, ci=False), 540, 400)
    assert d.markers and not any(m.filled for m in d.markers)
    d = forest_plot(make_study(n_arms=2), 540, 400)
    assert all(m.filled for m in d.markers)


@pytest.mark.parametrize("name, words", [
    ("non-inferiority", ["Non-inferiority, margin HR 1.38", "Analysis: per-protocol"]),
    ("cluster", ["by village"]),
    ("factorial-2x2", ["2×2 factorial"]),
    ("stopped-early", ["Stopped early:"]),
])
def test_design_diagram_shows_the_design(name, words):
    d = design_diagram(shape_study(name), 540, 900)
    text = " ".join(line.text for b in d.boxes for line in b.lines)
    for word in words:
        assert word in " ".join(text.split()), (word, text)


def test_the_fit_search_takes_the_first_that_fits_else_the_best_ranked():
    from pipeline.layout.fit import search

    assert search([3, 2, 1], lambda x: x <= 2) == (2, 2)                      # stops at the first that fits
    assert search([5, 4, 6], lambda x: x < 3, lambda x: float(x)) == (4, 6)    # none fits: the lowest ranked
    assert search([5, 4, 4], lambda x: x < 3, lambda x: float(x)) == (4, 4)    # the first of equals
    assert search([5, 4], lambda x: x < 3) == (None, 4)                         # no rank: nothing


def test_the_fit_search_ranks_only_what_could_beat_the_lowest_so_far():
    from pipeline.layout.fit import search

    ranked: list[tuple[int, str]] = []

    def rank(x: tuple[int, str]) -> float:     # slides needed, half a slide more when broken
        ranked.append(x)
        return x[0] + (0.5 if x[1] == "broken" else 0.0)

    def slides(x: tuple[int, str]) -> float:
        return float(x[0])

    def never(x: tuple[int, str]) -> bool:
        return False

    attempts = [(3, "broken"), (2, "whole"), (2, "broken"), (3, "whole"), (1, "broken"), (1, "whole")]
    assert search(attempts, never, rank, slides) == ((1, "whole"), (1, "whole"))
    assert ranked == [(3, "broken"), (2, "whole"), (1, "broken"), (1, "whole")]   # a floor equal to the lowest: skipped
    ranked.clear()
    assert search(attempts, never, rank) == ((1, "whole"), (1, "whole"))          # the same choice, all ranked
    assert ranked == attempts
    ties = [(2, "whole"), (2, "whole")]
    assert search(ties, never, rank)[0] is ties[0]                                 # the first of equals
    assert search(ties, never, rank, slides)[0] is ties[0]


@pytest.mark.parametrize("guess", [24.0, 20.0, 17.0, 16.0])
def test_the_fit_search_from_a_guess_finds_the_largest_size_that_fits_whatever_the_guess(guess):
    from pipeline.layout.fit import largest_fit, sizes

    steps = sizes(24.0, 16.0)

    def fit(size: float) -> float | None:
        return size if size <= 19.5 else None

    assert largest_fit(steps, fit, lambda _smallest: guess) == 19.5
    assert largest_fit(steps, lambda size: None, lambda _smallest: guess) is None
    assert largest_fit(steps, lambda size: size, lambda _smallest: guess) == 24.0


def test_even_columns_share_one_width():
    texts = ["1.53% per year", "12.11% per year", "Stroke or systemic embolism"]

    def heights(j: int, w: float) -> list[float]:
        return [len(wrap(texts[j], 10, w))]

    columns = [Column(max(text_width(w, 10) for w in t.split()), text_width(t, 10)) for t in texts]
    room = sum(c.widest for c in columns) - 20
    widths = solve(columns, room, heights, flex=2, even=[0, 1])
    assert widths is not None and abs(widths[0] - widths[1]) < 1e-9 and abs(sum(widths) - room) < 1e-6
