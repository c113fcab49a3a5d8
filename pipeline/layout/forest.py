"""The forest plot as geometry: one row per outcome with a reported effect estimate.

In:  a ``Study``, the area ``width`` × ``height`` in points, ``base_size`` and
     ``min_size`` (font sizes, points).
Out: a ``Diagram`` (kind ``forest``, no boxes) or None when no outcome reports
     an estimate; ``LayoutError`` when the rows cannot fit even at ``min_size``
     or a ratio is not positive (it has no place on a log axis).

Rows: outcomes whose ``effect.estimate`` is given, primary outcomes first,
then in record order. An outcome with a confidence interval but no estimate
is not plotted (nothing to centre it on). An estimate without an interval
keeps its marker and reads "CI not reported".

Axis groups. Rows are grouped by (measure, unit, compared arms, direction of
benefit); every group gets its own header, its own horizontal axis, its own
line of no effect and its own "favours" labels, stacked top to bottom. So a
risk difference never shares an axis with a hazard ratio, and "favours A" is
never written under a row where higher values mean harm.

Columns: outcome labels on the left (``Label`` role ``label``), the plot in the
middle, the numbers on the right: the estimate right-aligned (role
``value``) so the decimal points line up for equal precision, then its interval
left-aligned (role ``value``). Group headers have role ``heading``.

Plot geometry (``Segment``/``Marker``): the point estimate is a ``Marker`` (role
``estimate``), the interval a ``Segment`` (role ``ci``), the line of no effect a
dashed vertical ``Segment`` (role ``null``) at 0 for differences and 1 for
ratios, the axis a ``Segment`` (role ``axis``) with ``tick`` segments and
tick labels (``Label`` role ``tick``, centred). Ratios use a log axis: positions
are computed here, renderers draw straight lines. The axis range holds every
estimate and interval and keeps the line of no effect between 25% and 75% of
the axis so both "favours" labels have room. Under the axis: "← favours
<reference>" to the left and "favours <arm> →" to the right when higher values
are better (mirrored when lower is better; "← lower with <arm>" / "higher with
<arm> →" when the record does not say), role ``favours``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import LayoutError
from ..model import Arm, Outcome, Study
from .alt import estimate_text, fmt_number, forest_alt
from .design import Para, first_fit, sizes, text_height, wrap_paragraphs
from .geometry import Diagram, Label, Marker, Segment, TextLine
from .text import line_height, text_width, wrap

MEASURE_ABBREV = {
    "risk difference": "RD", "risk ratio": "RR", "odds ratio": "OR", "hazard ratio": "HR", "rate ratio": "Rate ratio",
    "mean difference": "MD", "standardized mean difference": "SMD", "median difference": "Median difference",
}


@dataclass
class Group:
    """Rows that share one axis."""

    measure: str
    unit: str | None
    arm: Arm
    reference: Arm | None
    higher_is_better: bool | None
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def is_ratio(self) -> bool:
        return self.outcomes[0].effect.is_ratio

    @property
    def null(self) -> float:
        return self.outcomes[0].effect.null_value

    def side_labels(self) -> tuple[str, str]:
        """Text under the left and right side of the axis."""
        arm, ref = self.arm.short, (self.reference.short if self.reference else None)
        if self.higher_is_better is None or ref is None:
            return f"\u2190 lower with {arm}", f"higher with {arm} \u2192"
        if self.higher_is_better:
            return f"\u2190 favours {ref}", f"favours {arm} \u2192"
        return f"\u2190 favours {arm}", f"favours {ref} \u2192"

    def side_words(self) -> tuple[str, str]:
        """The same as verb phrases, for alt text: values below the null …, above …"""
        arm, ref = self.arm.short, (self.reference.short if self.reference else None)
        if self.higher_is_better is None or ref is None:
            return f"mean lower values with {arm}", f"mean higher values with {arm}"
        if self.higher_is_better:
            return f"favour {ref}", f"favour {arm}"
        return f"favour {arm}", f"favour {ref}"

    def title(self) -> str:
        name = self.measure[0].upper() + self.measure[1:]
        unit = f" ({self.unit})" if self.unit else ""
        vs = f", {self.arm.short} vs {self.reference.short}" if self.reference else f", {self.arm.short}"
        times = {o.timepoint for o in self.outcomes}
        when = f", at {times.pop()}" if len(times) == 1 and None not in times else ""
        return f"{name}{unit}{vs}{when}"


def plotted_outcomes(study: Study) -> list[Outcome]:
    """Outcomes with a reported estimate, primary first, then record order."""
    rows = [o for o in study.outcomes if o.effect is not None and o.effect.estimate is not None]
    return sorted(rows, key=lambda o: not o.primary)


def forest_groups(study: Study) -> list[Group]:
    groups: dict[tuple, Group] = {}
    for o in plotted_outcomes(study):
        e = o.effect
        if e.compares is not None:
            arm, ref = study.arm(e.compares[0]), study.arm(e.compares[1])
        elif len(study.arms) >= 2:
            arm, ref = study.arms[0], study.arms[1]
        else:
            arm, ref = study.arms[0], None
        unit = e.unit or o.unit if not e.is_ratio else None
        key = (e.measure, unit, arm.id, ref.id if ref else None, o.higher_is_better)
        if key not in groups:
            groups[key] = Group(e.measure, unit, arm, ref, o.higher_is_better)
        groups[key].outcomes.append(o)
    return list(groups.values())


def forest_plot(study: Study, width: float, height: float, base_size: float = 8.0,
                min_size: float = 6.0) -> Diagram | None:
    """The forest plot of ``study`` in ``width`` × ``height`` points, or None with no estimate to plot."""
    groups = forest_groups(study)
    if not groups:
        return None
    for g in groups:
        if g.is_ratio:
            for o in g.outcomes:
                values = [o.effect.estimate, *(o.effect.ci or ())]
                if min(values) <= 0:
                    i = study.outcomes.index(o)
                    raise LayoutError(f"outcomes[{i}].effect: a {g.measure} must be positive to be drawn "
                                      f"on a log axis (got {', '.join(fmt_number(v) for v in values)})")
    if width <= 0 or height <= 0:
        raise LayoutError(f"forest plot: the area {width:g} × {height:g} pt is empty")
    chosen, last = first_fit((_layout(study, groups, width, size) for size in sizes(base_size, min_size)), height)
    if chosen is not None:
        return chosen
    diagram = last[0]
    longest = sorted(plotted_outcomes(study), key=lambda o: len(o.label), reverse=True)[:3]
    names = ", ".join(f"outcomes[{study.outcomes.index(o)}].label" for o in longest)
    raise LayoutError(f"forest plot: {len(plotted_outcomes(study))} rows need {diagram.height:.0f} pt of height but "
                      f"only {height:.0f} pt is available at {width:.0f} pt wide, even with {min_size:g} pt text; "
                      f"shorten {names} or plot fewer outcomes")


# ---------------------------------------------------------------------------

def _cell_texts(o: Outcome) -> tuple[str, str]:
    e = o.effect
    est = fmt_number(e.estimate)
    if e.ci is None:
        return est, "(CI not reported)"
    level = "" if e.ci_level == 95 else f"{fmt_number(e.ci_level)}% CI "
    return est, f"({level}{fmt_number(e.ci[0])} to {fmt_number(e.ci[1])})"


def _row_label(o: Outcome, group_time: bool) -> str:
    return o.label if group_time or not o.timepoint else f"{o.label} at {o.timepoint}"


def _layout(study: Study, groups: list[Group], width: float, size: float):
    s = size
    col_gap = max(6.0, 1.2 * s)
    lh = line_height(s)
    broken = False
    labels: list[Label] = []
    segments: list[Segment] = []
    markers: list[Marker] = []

    rows = [o for g in groups for o in g.outcomes]
    # Numbers column: estimate (right-aligned) + interval (left-aligned).
    est_w = max(text_width(_cell_texts(o)[0], s) for o in rows)
    ci_w = max(text_width(_cell_texts(o)[1], s) for o in rows)
    head_texts = [_numbers_head(g) for g in groups]
    space = text_width(" ", s)
    num_w = min(max(est_w + space + ci_w, max(text_width(h, s, True) for h in head_texts)), 0.34 * width)
    ci_w = min(ci_w, num_w - est_w - space)
    # Label column: as wide as the longest label, within 22%–40% of the width.
    label_need = max(text_width(_row_label(o, _shared_time(g)), s) for g in groups for o in g.outcomes)
    label_w = max(0.22 * width, min(label_need + 1, 0.40 * width))
    plot_w = width - label_w - num_w - 2 * col_gap
    if plot_w < 0.28 * width:
        label_w = max(0.22 * width, width - num_w - 2 * col_gap - 0.28 * width)
        plot_w = width - label_w - num_w - 2 * col_gap
    px0 = label_w + col_gap
    px1 = px0 + plot_w
    nx = px1 + col_gap
    marker = round(max(4.0, 0.75 * s), 2)

    y = 0.0
    for gi, g in enumerate(groups):
        # Header row: the measure, comparison and time point; the numbers' heading on the right.
        title_lines, b = wrap_paragraphs([Para(g.title(), True)], s, label_w + col_gap + plot_w)
        head_lines, b2 = wrap_paragraphs([Para(_numbers_head(g), True)], s, width - nx)
        broken = broken or b or b2
        labels.append(Label(f"group-{gi}", 0.0, y, label_w + col_gap + plot_w, tuple(title_lines), "left", "heading"))
        labels.append(Label(f"group-{gi}-numbers", nx, y, width - nx, tuple(head_lines), "left", "heading"))
        y += max(text_height(title_lines), text_height(head_lines)) + 0.5 * s
        rows_top = y

        lo, hi, ticks = _axis(g, s, plot_w)
        pos = _position(g.is_ratio, lo, hi, px0, plot_w)

        for o in g.outcomes:
            lines, b = wrap_paragraphs([Para(_row_label(o, _shared_time(g)))], s, label_w)
            broken = broken or b
            est, ci = _cell_texts(o)
            ci_lines = [TextLine(t, s) for t in wrap(ci, s, max(ci_w, 1.0))]
            row_h = max(text_height(lines), text_height(ci_lines), marker) + 0.5 * s
            cy = y + row_h / 2
            labels.append(Label(f"label-{o.id}", 0.0, cy - text_height(lines) / 2, label_w, tuple(lines), "left",
                                "label"))
            labels.append(Label(f"estimate-{o.id}", nx, cy - text_height(ci_lines) / 2, est_w,
                                (TextLine(est, s),), "right", "value"))
            labels.append(Label(f"ci-{o.id}", nx + est_w + space, cy - text_height(ci_lines) / 2, ci_w,
                                tuple(ci_lines), "left", "value"))
            e = o.effect
            if e.ci is not None:
                segments.append(Segment(pos(e.ci[0]), cy, pos(e.ci[1]), cy, role="ci", width=1.0))
            markers.append(Marker(pos(e.estimate), cy, marker, role="estimate"))
            y += row_h

        axis_y = y + 0.2 * s
        null_x = pos(g.null)
        segments.insert(0, Segment(null_x, rows_top - 0.2 * s, null_x, axis_y, role="null", width=0.8, dash=(3.0, 2.0)))
        segments.append(Segment(px0, axis_y, px1, axis_y, role="axis", width=0.8))
        tick_len = max(2.5, 0.4 * s)
        for t in ticks:
            x = pos(t)
            segments.append(Segment(x, axis_y, x, axis_y + tick_len, role="tick", width=0.8))
            text = _tick_text(t)
            w = text_width(text, s)
            lx = min(max(x - w / 2, 0.0), width - w)
            labels.append(Label(f"tick-{gi}-{text}", lx, axis_y + tick_len + 0.15 * s, w, (TextLine(text, s),),
                                "center", "tick"))
        y = axis_y + tick_len + 0.15 * s + lh + 0.35 * s

        left, right = g.side_labels()
        left_w = min(null_x - 3, max(null_x - px0 - 3, 0.3 * width))
        right_w = min(width - null_x - 3, max(px1 - null_x - 3, 0.3 * width))
        left_lines, b = wrap_paragraphs([Para(left)], s, left_w)
        right_lines, b2 = wrap_paragraphs([Para(right)], s, right_w)
        broken = broken or b or b2
        labels.append(Label(f"favours-{gi}-left", null_x - 3 - left_w, y, left_w, tuple(left_lines), "right",
                            "favours"))
        labels.append(Label(f"favours-{gi}-right", null_x + 3, y, right_w, tuple(right_lines), "left", "favours"))
        y += max(text_height(left_lines), text_height(right_lines))
        if gi < len(groups) - 1:
            y += 1.6 * s

    diagram = Diagram(kind="forest", width=width, height=y, boxes=(), labels=tuple(labels),
                      segments=tuple(segments), markers=tuple(markers), alt_text=forest_alt(study),
                      title=f"{study.name}: effect estimates",
                      extra={"font_size": s, "plot": (px0, px1)})
    return diagram, broken


def _shared_time(g: Group) -> bool:
    times = {o.timepoint for o in g.outcomes}
    return len(times) == 1 and None not in times


def _numbers_head(g: Group) -> str:
    levels = {o.effect.ci_level for o in g.outcomes if o.effect.ci is not None}
    abbrev = MEASURE_ABBREV[g.measure]
    if levels == {95} or not levels:
        return f"{abbrev} (95% CI)"
    return f"{abbrev} (CI)"


def _tick_text(t: float) -> str:
    return fmt_number(round(t, 10))


def _position(is_ratio: bool, lo: float, hi: float, x0: float, w: float):
    if is_ratio:
        a, b = math.log(lo), math.log(hi)
        return lambda v: x0 + (math.log(v) - a) / (b - a) * w
    return lambda v: x0 + (v - lo) / (hi - lo) * w


def _axis(g: Group, size: float, plot_w: float) -> tuple[float, float, list[float]]:
    """Axis range and ticks: all values inside, the null between 25% and 75%, tick labels apart.

    Differences: a "nice" step (1, 2, 5 × 10^k) aiming at about seven ticks, coarser until the
    tick labels keep a gap; the axis ends on ticks. Ratios: the axis spans the padded data range
    (log scale) and carries the round ratios of the coarsest set that puts at least three ticks
    (with 1) on it with labels apart; when none does, the axis widens to the finest ticks around it.
    """
    values = [g.null]
    for o in g.outcomes:
        values.append(o.effect.estimate)
        values.extend(o.effect.ci or ())
    return axis_range(values, g.null, g.is_ratio, size, plot_w)


def axis_range(values: list[float], null: float, is_ratio: bool, size: float, plot_w: float
               ) -> tuple[float, float, list[float]]:
    """``_axis`` for any values (the study-level forest plot of a review uses it too)."""
    if is_ratio:
        logs = [math.log10(v) for v in values]
        lo, hi = _pad_around_null(min(logs), max(logs), 0.0, min_span=math.log10(1.5))
        for mantissas in RATIO_TICK_SETS[::-1]:          # coarsest first
            ticks = [t for t in _ratio_candidates(mantissas) if lo - 1e-12 <= math.log10(t) <= hi + 1e-12]
            if len(ticks) >= 3 and _fits(ticks, size, plot_w, True, 10 ** lo, 10 ** hi):
                return 10 ** lo, 10 ** hi, ticks
        # Too narrow a range for three round ticks: widen the axis to the finest ticks around it.
        cands = _ratio_candidates(RATIO_TICK_SETS[0])
        first = max([c for c in cands if math.log10(c) <= lo] or [cands[0]])
        last = min([c for c in cands if math.log10(c) >= hi] or [cands[-1]])
        ticks = [c for c in cands if first <= c <= last]
        if not _fits(ticks, size, plot_w, True):
            ticks = [first, 1.0, last]
        return first, last, ticks
    lo0, hi0 = _pad_around_null(min(values), max(values), null, min_span=None)
    step = _nice_step((hi0 - lo0) / 6)
    for _ in range(12):
        lo = math.floor(lo0 / step + 1e-9) * step
        hi = math.ceil(hi0 / step - 1e-9) * step
        count = int(round((hi - lo) / step))
        ticks = [round(lo + i * step, 10) for i in range(count + 1)]
        if _fits(ticks, size, plot_w, False):
            break
        step = _nice_step(step * 1.01)
    return ticks[0], ticks[-1], ticks


def _fits(ticks: list[float], size: float, plot_w: float, ratio: bool, lo: float | None = None,
          hi: float | None = None) -> bool:
    """Neighbouring tick labels keep a gap of at least 0.8 × size."""
    if len(ticks) < 2:
        return True
    pos = _position(ratio, ticks[0] if lo is None else lo, ticks[-1] if hi is None else hi, 0.0, plot_w)
    for a, b in zip(ticks, ticks[1:]):
        wa, wb = text_width(_tick_text(a), size), text_width(_tick_text(b), size)
        if pos(b) - pos(a) < (wa + wb) / 2 + 0.8 * size:
            return False
    return True


def _pad_around_null(lo: float, hi: float, null: float, min_span: float | None) -> tuple[float, float]:
    span = hi - lo
    if span <= 0:
        span = min_span if min_span else max(abs(null), 1.0)
    lo, hi = lo - 0.06 * span, hi + 0.06 * span
    if min_span and hi - lo < min_span:
        extra = (min_span - (hi - lo)) / 2
        lo, hi = lo - extra, hi + extra
    # Keep the null between 25% and 75% of the axis: the side with less room grows.
    if (null - lo) < (hi - null) / 3:
        lo = null - (hi - null) / 3
    if (hi - null) < (null - lo) / 3:
        hi = null + (null - lo) / 3
    return lo, hi


def _nice_step(raw: float) -> float:
    exp = math.floor(math.log10(raw))
    base = 10 ** exp
    for m in (1, 2, 5, 10):
        if m * base >= raw - 1e-12:
            return m * base
    return 10 * base


RATIO_TICK_SETS = ((1, 1.1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9), (1, 1.5, 2, 3, 5, 7), (1, 2, 5), (1,))


def _ratio_candidates(mantissas: tuple[float, ...]) -> list[float]:
    return sorted({round(m * 10 ** k, 10) for k in range(-4, 5) for m in mantissas})
