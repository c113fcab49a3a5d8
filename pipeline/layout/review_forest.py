"""The study-level forest plot of one review outcome as geometry (Cochrane / R ``meta`` style).

In:  a ``review.content.ForestData`` (every string already formatted), the area
     ``width`` × ``height`` in points, ``base_size`` and ``min_size``.
Out: a ``Diagram`` (kind ``forest``); ``LayoutError`` naming the outcome, the
     number of rows and the overflow when it cannot fit even at ``min_size``.

Columns: study (``Label`` role ``label``), the intervention and control arm
numbers (role ``value``, right-aligned; left out at a size where they would squeeze the
plot below ``MIN_PLOT_SHARE`` of the width, before a smaller size is tried), the plot, the effect and its
interval (role ``value``), the weight (role ``value``, right-aligned). One
header row (role ``heading``) names them.

Rows (``studies=False``: none, and a note saying where they are): one per study, a square ``Marker``
(area proportional to the weight; a fixed size when no weight is known) on a ``ci`` ``Segment``; a study without
an estimate reads "not reported" and has no marker. Then one row per pooled
result: its label in bold, a ``Polygon`` diamond (role ``pooled``) spanning
its CI (primary analysis filled, others outlined), its numbers on the right; a
prediction interval is a thick ``Segment`` (role ``prediction``) on its own row.
The line of no effect (role ``null``), the axis with ticks (role ``tick``;
log scale for ratios, shared with the trial forest plot's ``axis_range``),
"favours" labels under the axis (role ``favours``), then one line per pooled
result (model, heterogeneity, test for overall effect) and the computed-values
note (role ``note``, spanning the width) close the plot.
"""

from __future__ import annotations

import math

from ..errors import LayoutError
from ..review.content import ForestData
from .boxes import Para, minor_size, text_height, wrap_paragraphs
from .fit import Attempt, first_fit, sizes
from .forest import axis, axis_range, position
from .geometry import Align, Diagram, Label, Marker, Polygon, Segment, TextLine
from .text import line_height, shorten, text_width

MIN_PLOT_SHARE = 0.22


def review_forest(data: ForestData, width: float, height: float, base_size: float = 8.0,
                  min_size: float = 6.0, studies: bool = True) -> Diagram:
    """``studies=False``: the pooled rows only, with a note that the study rows are in the deck and figures
    (a page's last resort for a review of many studies)."""
    laid_out = (_layout(data, width, size, arms, studies)
                for size in sizes(base_size, min_size) for arms in ((True, False) if studies else (False,)))
    chosen, last = first_fit((Attempt(d, False, {}) for d in laid_out if d is not None), height)
    if chosen is not None:
        return chosen
    rows = len(data.rows) + len(data.pooled)
    need = f"{last.diagram.height:.0f} pt of height" if last is not None else f"more than {width:.0f} pt of width"
    raise LayoutError(f"forest plot of {data.title!r}: {rows} rows need {need} but only {height:.0f} pt "
                      f"is available at {width:.0f} pt wide, even with {min_size:g} pt text; "
                      f"the plot overflows (shorten study labels or show fewer studies)")


def _layout(d: ForestData, width: float, size: float, arms: bool = True, studies: bool = True) -> Diagram | None:
    s = size
    rows = d.rows if studies else ()
    lh = line_height(s)
    gap = max(5.0, 0.9 * s)
    labels: list[Label] = []
    segments: list[Segment] = []
    markers: list[Marker] = []
    polygons: list[Polygon] = []

    def w(text: str, bold: bool = False) -> float:
        return text_width(text, s, bold)

    heads = ("Study", d.arm_heads[0], d.arm_heads[1], f"{d.abbrev} (95% CI)", "Weight")
    # Study labels take at most 26% of the width; pooled labels (bold, on their own rows) up to 34% when
    # the arm columns are left out, so "Fixed effect (…)" keeps to one or two lines.
    label_w = min(max([w(r.label) for r in d.rows] + [w(heads[0], True)]) + 1, 0.26 * width)
    if not arms:
        label_w = max(label_w, min(max((w(p.label, True) for p in d.pooled), default=0.0) + 1, 0.34 * width))
    arm_w = [max([w(r.cells[k]) for r in d.rows] + [w(d.cell_head)] + [min(w(heads[1 + k], True), 0.16 * width)]) + 1
             if arms else -gap for k in (0, 1)]
    num_w = max([w(r.text) for r in d.rows] + [w(p.text) for p in d.pooled] + [w(heads[3], True)]) + 1
    wt_w = max([w(r.weight_text) for r in d.rows] + [w(heads[4], True)]) + 1
    plot_w = width - label_w - sum(arm_w) - num_w - wt_w - 5 * gap
    if plot_w < MIN_PLOT_SHARE * width:
        return None
    x_arm = [label_w + gap, label_w + gap + arm_w[0] + gap]
    px0 = x_arm[1] + arm_w[1] + gap
    px1 = px0 + plot_w
    x_num = px1 + gap
    x_wt = x_num + num_w + gap

    values = [1.0 if d.is_ratio else 0.0]
    for r in d.rows:
        values += [v for v in (r.estimate, r.lower, r.upper) if v is not None]
    for p in d.pooled:
        values += [v for v in (p.estimate, p.lower, p.upper, *(p.prediction or ())) if v is not None]
    lo, hi, ticks = axis_range(values, 1.0 if d.is_ratio else 0.0, d.is_ratio, s, plot_w)
    pos = position(d.is_ratio, lo, hi, px0, plot_w)

    def clamp(x: float) -> float:
        return min(max(x, px0), px1)

    # Header: wrapped arm names over what their column holds, bottom-aligned.
    head_cells = []
    columns: tuple[tuple[str, float, float, Align], ...] = (
        (heads[0], 0.0, label_w, "left"), (heads[1], x_arm[0], arm_w[0], "right"),
        (heads[2], x_arm[1], arm_w[1], "right"), (heads[3], x_num, num_w, "left"), (heads[4], x_wt, wt_w, "right"))
    for k, (text, x, cw, align) in enumerate(columns):
        if k in (1, 2) and not arms:
            continue
        paras = [Para(text, True)] + ([Para(d.cell_head)] if k in (1, 2) else [])
        lines, _ = wrap_paragraphs(paras, s, cw * 1.02)
        head_cells.append((k, lines, x, cw, align))
    head_h = max(text_height(lines) for _, lines, _, _, _ in head_cells)
    for k, lines, x, cw, align in head_cells:
        labels.append(Label(f"head-{k}", x, head_h - text_height(lines), cw, tuple(lines), align, "heading"))
    y = head_h + 0.35 * s
    segments.append(Segment(0.0, y, width, y, role="grid", width=0.5))
    y += 0.35 * s
    rows_top = y
    pitch = lh * 1.12
    weights = [r.weight for r in d.rows if r.weight is not None]
    w_max = max(weights) if weights else None
    small, big = max(3.0, 0.45 * s), max(5.0, 1.25 * s)
    for i, r in enumerate(rows):
        cy = y + pitch / 2
        top = cy - lh / 2
        labels.append(Label(f"study-{i}", 0.0, top, label_w, (TextLine(shorten(r.label, s, label_w), s),), "left",
                            "label"))
        for k in (0, 1) if arms else ():
            labels.append(Label(f"arm{k}-{i}", x_arm[k], top, arm_w[k], (TextLine(r.cells[k], s),), "right", "value"))
        labels.append(Label(f"est-{i}", x_num, top, num_w, (TextLine(r.text, s),), "left", "value"))
        labels.append(Label(f"wt-{i}", x_wt, top, wt_w, (TextLine(r.weight_text, s),), "right", "value"))
        if r.estimate is not None:
            if r.lower is not None and r.upper is not None:
                segments.append(Segment(clamp(pos(r.lower)), cy, clamp(pos(r.upper)), cy, role="ci", width=0.9))
            size_ = small + (big - small) * math.sqrt(r.weight / w_max) if (r.weight is not None and w_max) else \
                (small + big) / 2
            markers.append(Marker(pos(r.estimate), cy, round(size_, 2), role="estimate"))
        y += pitch
    y += 0.3 * s
    segments.append(Segment(0.0, y, width, y, role="grid", width=0.4))
    y += 0.3 * s
    for j, p in enumerate(d.pooled):
        lines, _ = wrap_paragraphs([Para(p.label, True)], s, px0 - gap)
        row_h = max(text_height(lines), pitch)
        cy = y + min(row_h, pitch) / 2
        labels.append(Label(f"pooled-{j}", 0.0, y, px0 - gap, tuple(lines), "left", "label"))
        labels.append(Label(f"pooled-est-{j}", x_num, cy - lh / 2, width - x_num,
                            (TextLine(p.text, s, True),), "left", "value"))
        half = max(2.2, 0.42 * s)
        left = pos(p.lower) if p.lower is not None else pos(p.estimate) - 2
        right = pos(p.upper) if p.upper is not None else pos(p.estimate) + 2
        polygons.append(Polygon(((left, cy), (pos(p.estimate), cy - half), (right, cy), (pos(p.estimate), cy + half)),
                                role="pooled" if p.primary else "outline"))
        y += row_h
        if p.prediction:
            cy = y + pitch / 2
            labels.append(Label(f"prediction-{j}", 0.0, cy - lh / 2, px0 - gap, (TextLine("Prediction interval", s),),
                                "left", "label"))
            segments.append(Segment(clamp(pos(p.prediction[0])), cy, clamp(pos(p.prediction[1])), cy,
                                    role="prediction", width=2.2))
            y += pitch

    # Line of no effect through the rows, the axis and its ticks.
    axis_y = y + 0.1 * s
    null_x = pos(1.0 if d.is_ratio else 0.0)
    segments.insert(0, Segment(null_x, rows_top - 0.2 * s, null_x, axis_y, role="null", width=0.8, dash=(3.0, 2.0)))
    tick_len = axis(segments, labels, (px0, px1, axis_y), ticks, pos, s, width, "tick-")
    y = axis_y + tick_len + 0.15 * s + lh + 0.3 * s
    left_text, right_text = d.favours
    left_w = null_x - 3
    right_w = width - null_x - 3
    left_lines, _ = wrap_paragraphs([Para(left_text)], s, left_w)
    right_lines, _ = wrap_paragraphs([Para(right_text)], s, right_w)
    labels.append(Label("favours-left", null_x - 3 - left_w, y, left_w, tuple(left_lines), "right", "favours"))
    labels.append(Label("favours-right", null_x + 3, y, right_w, tuple(right_lines), "left", "favours"))
    y += max(text_height(left_lines), text_height(right_lines))
    notes = [(f"{p.label}: " if not p.heterogeneity.startswith(p.label) else "") +
             f"{p.heterogeneity}. Overall effect: {p.p}." for p in d.pooled] + ([d.note] if d.note else [])
    if not studies:
        notes.append(f"The {len(d.rows)} study rows are on the deck's forest plot slide and in the figure.")
    y += 0.4 * s
    for j, text in enumerate(notes):
        note_lines, _ = wrap_paragraphs([Para(text)], minor_size(s), width)
        labels.append(Label(f"note-{j}", 0.0, y, width, tuple(note_lines), "left", "note"))
        y += text_height(note_lines) + 0.15 * s
    return Diagram(kind="forest", width=width, height=y, boxes=(), labels=tuple(labels), segments=tuple(segments),
                   markers=tuple(markers), polygons=tuple(polygons), alt_text=d.alt,
                   title=f"Forest plot: {d.title}", extra={"font_size": s, "plot": (px0, px1)})
