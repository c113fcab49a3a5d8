"""The forest plot as geometry: one row per reported effect, grouped per outcome.

In:  a ``Study``, the area ``width`` × ``height`` in points, ``base_size`` and
     ``min_size`` (font sizes, points).
Out: a ``Diagram`` (kind ``forest``, no boxes) or None when no effect has an
     estimate; ``LayoutError`` when the rows cannot fit even at ``min_size``
     or a ratio is not positive (it has no place on a log axis).

Rows: every effect with an estimate, primary outcomes first, then in record
order. An outcome whose effects all compare the group's one comparison, one
effect each, is one row; otherwise the outcome's label heads its rows and each
row names its comparison ("A vs B") and the analysis label. Subgroups follow
their outcome's overall result: the variable with its interaction P as a
heading, the levels indented under it. An effect with a confidence interval
but no estimate is not plotted (nothing to centre it on); an estimate without
an interval is a hollow marker with no whisker and reads "CI not reported".
Every number is formatted by ``content`` (as printed in the record).

Axis groups. Rows are grouped by (measure, unit, direction of benefit); every
group gets its own header, its own horizontal axis, its own line of no effect
and its own "favours" labels, stacked top to bottom. So a risk difference never
shares an axis with a hazard ratio, and "favours A" is never written under a
row where higher values mean harm. A group whose rows all compare one pair
names it in its header.

Non-inferiority and equivalence: the margin of an effect on the group's scale
(the effect's own, or the design's for a primary outcome) is a dashed vertical
``Segment`` (role ``margin``) labelled "NI margin 1.46" (``Label`` role
``margin``) above the rows.

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
estimate, interval and margin and keeps the line of no effect between 25% and
75% of the axis so both "favours" labels have room. Under the axis: "← favours
<reference>" to the left and "favours <arm> →" to the right when higher values
are better (mirrored when lower is better; "← lower with <arm>" / "higher with
<arm> →" when the record does not say), role ``favours``.

``forest_alt`` is the plot's alt text: per axis group, the measure, the comparison, each outcome's
estimate and interval (or "CI not reported"), which side favours whom, and the margin.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import pairwise
from types import MappingProxyType

from ..content import MEASURE_SHORT, EffectText, effect_text, number, p_value
from ..errors import LayoutError
from ..model import Effect, Outcome, Study
from .boxes import Para, text_height, wrap_paragraphs
from .fit import Attempt, first_fit, sizes
from .geometry import Diagram, Label, Marker, Segment, TextLine
from .memo import per_study
from .text import line_height, text_width, wrap


@dataclass(frozen=True)
class Row:
    """One line of the plot: a heading (no ``effect``) or an effect with its marker."""

    id: str
    label: str
    indent: int = 0
    effect: Effect | None = None
    text: EffectText | None = None
    field: str = ""             # the record field of the effect (or of the heading)
    label_field: str = ""       # the record field whose text the label shows

    def cells(self, level_in_head: bool = True) -> tuple[str, str]:
        """(estimate, "(interval)"); the CI level is said when the group's heading does not say it."""
        t = self.text
        if t is None:
            return "", ""
        if t.range == "not reported":
            return t.value, "(CI not reported)"
        if t.range == "not in our sources":
            return t.value, "(CI not in our sources)"
        return t.value, f"({'' if level_in_head else t.ci_level_note}{t.range})"


@dataclass(frozen=True)
class Group:
    """Rows that share one axis (read only: ``forest_groups`` is remembered per study)."""

    study: Study
    measure: str
    unit: str | None
    higher_is_better: bool | None
    pairs: tuple[tuple[str, str], ...] = ()
    times: frozenset[str | None] = frozenset()
    rows: tuple[Row, ...] = ()
    margins: Mapping[float, str] = field(default_factory=lambda: MappingProxyType({}))   # margin -> its first label

    @property
    def is_ratio(self) -> bool:
        return self.measure in ("risk ratio", "odds ratio", "hazard ratio", "rate ratio", "win ratio")

    @property
    def null(self) -> float:
        return 1.0 if self.is_ratio else 0.0

    @property
    def effects(self) -> list[Effect]:
        return [r.effect for r in self.rows if r.effect is not None]

    def _names(self) -> tuple[str | None, str | None]:
        """The arm(s) and the reference every row compares: "Drug A"; "Dabigatran (either arm)" when the arms
        against one reference are doses of one thing ("Dabigatran 110 mg", "Dabigatran 150 mg"), else
        "Drug A or Drug B" (up to three); None where the rows differ more."""
        arms = list(dict.fromkeys(a for a, _ in self.pairs))
        refs = {r for _, r in self.pairs}
        ref = self.study.group_label(refs.pop()) if len(refs) == 1 else None
        names = [self.study.group_label(a) for a in arms]
        if len(names) == 1:
            return names[0], ref
        # "Dabigatran 110 mg", "Dabigatran 150 mg" -> "Dabigatran (either arm)"
        words = [n.split() for n in names]
        common = []
        for column in zip(*words, strict=False):   # up to the shortest name
            if len(set(column)) > 1:
                break
            common.append(column[0])
        doses = all(len(w) > len(common) and w[len(common)][:1].isdigit() for w in words)
        if common and doses and ref is not None:
            return " ".join(common) + (" (either arm)" if len(names) == 2 else " (any arm)"), ref
        if ref is not None and len(names) <= 3:
            return " or ".join(names), ref
        return None, ref

    def _favoured(self) -> tuple[str, tuple[str, str] | None]:
        """The arm named first, and the arms favoured left and right of the null (None: no direction is better)."""
        arm, ref = self._names()
        arm = arm or "the arm named first"
        if self.higher_is_better is None or ref is None:
            return arm, None
        return arm, ((ref, arm) if self.higher_is_better else (arm, ref))

    def side_labels(self) -> tuple[str, str]:
        """Text under the left and right side of the axis."""
        arm, sides = self._favoured()
        if sides is None:
            return f"\u2190 lower with {arm}", f"higher with {arm} \u2192"
        return f"\u2190 favours {sides[0]}", f"favours {sides[1]} \u2192"

    def side_words(self) -> tuple[str, str]:
        """The same as verb phrases, for alt text: values below the null …, above …"""
        arm, sides = self._favoured()
        if sides is None:
            return f"mean lower values with {arm}", f"mean higher values with {arm}"
        return f"favour {sides[0]}", f"favour {sides[1]}"

    def title(self) -> str:
        name = self.measure[0].upper() + self.measure[1:]
        unit = f" ({self.unit})" if self.unit else ""
        vs = ""
        if len(set(self.pairs)) == 1:
            a, r = self.pairs[0]
            vs = f", {self.study.group_label(a)} vs {self.study.group_label(r)}"
        when = f", at {next(iter(self.times))}" if len(self.times) == 1 and None not in self.times else ""
        return f"{name}{unit}{vs}{when}"

    @property
    def shared_time(self) -> bool:
        return len(self.times) == 1 and None not in self.times


def _plottable(e: Effect) -> bool:
    return e.estimate_value is not None


def plotted_outcomes(study: Study) -> list[Outcome]:
    """Outcomes with at least one effect estimate, primary first, then record order."""
    rows = [o for o in study.outcomes if any(_plottable(e) for e in o.effects)]
    return sorted(rows, key=lambda o: not o.primary)


GroupKey = tuple[str, str | None, bool | None]    # measure, unit, higher is better


def forest_groups(study: Study) -> list[Group]:
    members: dict[GroupKey, list[tuple[Outcome, list[tuple[int, Effect]]]]] = {}
    for o in plotted_outcomes(study):
        by_key: dict[GroupKey, list[tuple[int, Effect]]] = {}
        for k, e in enumerate(o.effects):
            if _plottable(e):
                unit = (e.unit or o.unit) if not e.is_ratio else None
                by_key.setdefault((e.measure, unit, o.higher_is_better), []).append((k, e))
        for key, effects in by_key.items():
            members.setdefault(key, []).append((o, effects))
    groups = []
    for key, outcomes in members.items():
        g = Group(study, *key, pairs=tuple(study.comparison(e) for _, effects in outcomes for _, e in effects),
                  times=frozenset(o.timepoint for o, _ in outcomes))
        rows: list[Row] = []
        margins: dict[float, str] = {}
        for o, effects in outcomes:
            rows += _outcome_rows(study, g, o, effects, margins)
        groups.append(replace(g, rows=tuple(rows), margins=MappingProxyType(margins)))
    return groups


_groups = per_study(forest_groups)      # the same for every area and size a search tries (read only)


def _outcome_rows(study: Study, g: Group, o: Outcome, effects: list[tuple[int, Effect]],
                 margins: dict[float, str]) -> list[Row]:
    """The rows of outcome ``o`` in ``g`` (its ``effects``, then its subgroups'); the margins of its effects
    (the first label of each) added to ``margins``."""
    base = f"outcomes[{study.outcomes.index(o)}]"
    label = o.label if g.shared_time or not o.timepoint else f"{o.label} at {o.timepoint}"
    single = len(set(g.pairs)) == 1
    rows: list[Row] = []

    def name(e: Effect, t: EffectText) -> str:
        parts = [] if single else [t.comparison]
        if t.label:
            parts.append(t.label)
        return ", ".join(parts)

    def add_margin(t: EffectText) -> None:
        if t.margin is not None and t.margin_label:
            margins.setdefault(t.margin, t.margin_label)

    if len(effects) == 1 and single:
        k, e = effects[0]
        t = effect_text(study, o, e)
        add_margin(t)
        extra = f" ({t.label})" if t.label else ""
        rows.append(Row(f"{o.id}-{k}", label + extra, 0, e, t, f"{base}.effects[{k}]", f"{base}.label"))
    else:
        rows.append(Row(f"{o.id}-head", label, 0, None, None, f"{base}.label", f"{base}.label"))
        for k, e in effects:
            t = effect_text(study, o, e)
            add_margin(t)
            rows.append(Row(f"{o.id}-{k}", name(e, t) or label, 1, e, t, f"{base}.effects[{k}]",
                            f"{base}.effects[{k}].label" if t.label else "arms[].short_label"))
    for si, s in enumerate(o.subgroups):
        level_rows: list[Row] = []
        plotted = [(li, level, k, e) for li, level in enumerate(s.levels) for k, e in enumerate(level.effects)
                   if _plottable(e) and e.measure == g.measure]
        pairs = {study.comparison(e) for _, _, _, e in plotted}
        shared = single or len(pairs) == 1
        for li, level, k, e in plotted:
            t = effect_text(study, o, e)
            extra = ", ".join(([] if shared else [t.comparison]) + ([t.label] if t.label else []))
            where = f"{base}.subgroups[{si}].levels[{li}]"
            level_rows.append(Row(f"{o.id}-s{si}-{li}-{k}", f"{level.level}: {extra}" if extra else level.level, 2,
                                  e, t, f"{where}.effects[{k}]", f"{where}.level"))
        if level_rows:
            ip = p_value(s.interaction_p)
            head = s.variable
            if shared and not single:
                head += f", {effect_text(study, o, plotted[0][3]).comparison}"
            head += f" (P for interaction{ip[1:]})" if ip.startswith("P") else ""
            rows.append(Row(f"{o.id}-s{si}", head, 1, None, None, f"{base}.subgroups[{si}]",
                            f"{base}.subgroups[{si}].variable"))
            rows.extend(level_rows)
    return rows


def forest_plot(study: Study, width: float, height: float, base_size: float = 8.0,
                min_size: float = 6.0) -> Diagram | None:
    """The forest plot of ``study`` in ``width`` × ``height`` points, or None with no estimate to plot."""
    groups = _groups(study)
    if not groups:
        return None
    for g in groups:
        if g.is_ratio:
            for row in g.rows:
                e = row.effect
                if e is None:
                    continue
                values = [e.estimate_value, *(e.interval or ())]
                if min(values) <= 0:
                    raise LayoutError(f"{row.field}: a {g.measure} must be positive to be drawn "
                                      f"on a log axis (got {', '.join(number(v) for v in values)})")
            for m in g.margins:
                if m <= 0:
                    raise LayoutError(f"forest plot: a {g.measure} margin must be positive (got {number(m)})")
    if width <= 0 or height <= 0:
        raise LayoutError(f"forest plot: the area {width:g} × {height:g} pt is empty")
    chosen, last = first_fit((_layout(study, width, size) for size in sizes(base_size, min_size)), height)
    if chosen is not None:
        return chosen
    assert last is not None     # sizes() gives at least one size
    diagram = last.diagram
    rows = [r for g in groups for r in g.rows]
    longest = sorted(rows, key=lambda r: len(r.label), reverse=True)[:3]
    names = ", ".join(dict.fromkeys(r.label_field for r in longest))
    raise LayoutError(f"forest plot: {len(rows)} rows need {diagram.height:.0f} pt of height but "
                      f"only {height:.0f} pt is available at {width:.0f} pt wide, even with {min_size:g} pt text; "
                      f"shorten {names} or plot fewer outcomes")


def forest_alt(study: Study) -> str:
    """Per axis group: the measure, each row's comparison, estimate and interval as printed, which side
    favours whom, and the non-inferiority margin."""
    groups = _groups(study)
    if not groups:
        return ""
    parts = []
    for g in groups:
        unit = f" ({g.unit})" if g.unit else ""
        rows = []
        heading = ""
        for row in g.rows:
            if row.text is None:
                heading = row.label
                continue
            t = row.text
            est, ci = row.cells(False)
            name = row.label if row.indent == 0 else f"{heading}, {row.label}" if heading else row.label
            comparison = "" if t.comparison in g.title() or t.comparison in name else f" ({t.comparison})"
            rows.append(f"{name}{comparison}: {est} {ci}")
        parts.append(f"Forest plot, {g.title()[0].lower()}{g.title()[1:]}{unit if unit not in g.title() else ''}: "
                     + "; ".join(rows) + ".")
        left, right = g.side_words()
        null = number(g.null)
        parts.append(f"Values below {null} {left}; values above {null} {right}.")
        for _, text in sorted(g.margins.items()):
            parts.append(f"Dashed line: {text}.")
    return " ".join(parts)


# ---------------------------------------------------------------------------

_alt = per_study(forest_alt)     # the same for every area and size a search tries


@per_study
def _layout(study: Study, width: float, size: float) -> Attempt:
    groups = _groups(study)
    s = size
    col_gap = max(6.0, 1.2 * s)
    lh = line_height(s)
    indent_w = 1.2 * s
    broken = False
    labels: list[Label] = []
    segments: list[Segment] = []
    markers: list[Marker] = []

    cells = {r.id: r.cells(len(_levels(g)) <= 1) for g in groups for r in g.rows if r.text is not None}
    # Numbers column: estimate (right-aligned) + interval (left-aligned).
    est_w = max(text_width(est, s) for est, _ in cells.values())
    ci_w = max(text_width(ci, s) for _, ci in cells.values())
    head_texts = [_numbers_head(g) for g in groups]
    space = text_width("  ", s)      # between the estimate and its interval: two spaces, so they never touch
    num_w = min(max(est_w + space + ci_w, max(text_width(h, s, True) for h in head_texts)), 0.34 * width)
    ci_w = min(ci_w, num_w - est_w - space)
    # Label column: as wide as the longest label, within 22%–40% of the width.
    label_need = max(text_width(r.label, s) + r.indent * indent_w for g in groups for r in g.rows)
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

        lo, hi, ticks = _axis(g, s, plot_w)
        pos = position(g.is_ratio, lo, hi, px0, plot_w)
        if g.margins:
            # The margin's label sits above the rows, centred on its line (kept inside the plot).
            for m, text in sorted(g.margins.items()):
                w = text_width(text, s)
                x = min(max(pos(m) - w / 2, px0), px1 - w)
                labels.append(Label(f"margin-{gi}-{number(m)}", x, y, w, (TextLine(text, s),), "center", "margin"))
            y += lh + 0.2 * s
        rows_top = y

        for row in g.rows:
            lw = label_w - row.indent * indent_w
            lines, b = wrap_paragraphs([Para(row.label)], s, lw)
            broken = broken or b
            if row.text is None:
                row_h = text_height(lines) + 0.3 * s
                labels.append(Label(f"label-{row.id}", row.indent * indent_w, y + 0.15 * s, lw, tuple(lines), "left",
                                    "label"))
                y += row_h
                continue
            est, ci = cells[row.id]
            ci_lines = [TextLine(t, s) for t in wrap(ci, s, max(ci_w, 1.0))]
            row_h = max(text_height(lines), text_height(ci_lines), marker) + 0.5 * s
            cy = y + row_h / 2
            labels.append(Label(f"label-{row.id}", row.indent * indent_w, cy - text_height(lines) / 2, lw,
                                tuple(lines), "left", "label"))
            labels.append(Label(f"estimate-{row.id}", nx, cy - text_height(ci_lines) / 2, est_w,
                                (TextLine(est, s),), "right", "value"))
            labels.append(Label(f"ci-{row.id}", nx + est_w + space, cy - text_height(ci_lines) / 2, ci_w,
                                tuple(ci_lines), "left", "value"))
            e = row.effect
            assert e is not None and e.estimate_value is not None
            ci_pair = e.interval
            if ci_pair is not None:
                segments.append(Segment(pos(ci_pair[0]), cy, pos(ci_pair[1]), cy, role="ci", width=1.0))
            markers.append(Marker(pos(e.estimate_value), cy, marker, role="estimate", filled=ci_pair is not None))
            y += row_h

        axis_y = y + 0.2 * s
        null_x = pos(g.null)
        segments.insert(0, Segment(null_x, rows_top - 0.2 * s, null_x, axis_y, role="null", width=0.8, dash=(3.0, 2.0)))
        for m in sorted(g.margins):
            mx = pos(m)
            segments.insert(0, Segment(mx, rows_top - 0.2 * s, mx, axis_y, role="margin", width=0.9, dash=(5.0, 2.5)))
        tick_len = axis(segments, labels, (px0, px1, axis_y), ticks, pos, s, width, f"tick-{gi}-")
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
                      segments=tuple(segments), markers=tuple(markers), alt_text=_alt(study),
                      title=f"{study.name}: effect estimates",
                      extra={"font_size": s, "plot": (px0, px1)})
    return Attempt(diagram, broken, {})


def _levels(g: Group) -> set[float]:
    return {float(e.ci_level) for e in g.effects if e.interval is not None}


def _numbers_head(g: Group) -> str:
    levels = _levels(g)
    abbrev = MEASURE_SHORT[g.measure]
    if levels == {95} or not levels:
        return f"{abbrev} (95% CI)"
    if len(levels) == 1:
        return f"{abbrev} ({number(levels.pop())}% CI)"
    return f"{abbrev} (CI)"


def axis(segments: list[Segment], labels: list[Label], line: tuple[float, float, float], ticks: list[float],
         pos: Callable[[float], float], size: float, width: float, name: str) -> float:
    """Add the axis from x0 to x1 at y (``line``), a tick at each value and its label (ids ``name`` + the
    text), kept within ``width``. Returns the ticks' length."""
    x0, x1, y = line
    segments.append(Segment(x0, y, x1, y, role="axis", width=0.8))
    tick_len = max(2.5, 0.4 * size)
    for t in ticks:
        x = pos(t)
        segments.append(Segment(x, y, x, y + tick_len, role="tick", width=0.8))
        text = tick_text(t)
        w = text_width(text, size)
        labels.append(Label(f"{name}{text}", min(max(x - w / 2, 0.0), width - w), y + tick_len + 0.15 * size, w,
                            (TextLine(text, size),), "center", "tick"))
    return tick_len


def tick_text(t: float) -> str:
    """An axis tick's label: the value as printed, without float noise (0.30000000000000004 → 0.3)."""
    return number(round(t, 10))


def position(is_ratio: bool, lo: float, hi: float, x0: float, w: float) -> Callable[[float], float]:
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
    values = [g.null, *g.margins]
    for e in g.effects:
        values.extend(float(v) for v in (e.estimate_value, *(e.interval or ())) if v is not None)
    return axis_range(values, g.null, g.is_ratio, size, plot_w)


def axis_range(values: list[float], null: float, is_ratio: bool, size: float, plot_w: float
               ) -> tuple[float, float, list[float]]:
    """``_axis`` for any values (the study-level forest plot of a review uses it too)."""
    if is_ratio:
        logs = [math.log10(v) for v in values]
        lo, hi = _pad_around_null(min(logs), max(logs), 0.0, min_span=math.log10(1.5))
        for mantissas in RATIO_TICK_SETS[::-1]:          # coarsest first
            ticks = [t for t, log in _ratio_candidates(mantissas) if lo - 1e-12 <= log <= hi + 1e-12]
            if len(ticks) >= 3 and _fits(ticks, size, plot_w, True, 10 ** lo, 10 ** hi):
                return 10 ** lo, 10 ** hi, ticks
        # Too narrow a range for three round ticks: widen the axis to the finest ticks around it.
        finest = _ratio_candidates(RATIO_TICK_SETS[0])
        cands = [c for c, _ in finest]
        first = max([c for c, log in finest if log <= lo] or [cands[0]])
        last = min([c for c, log in finest if log >= hi] or [cands[-1]])
        ticks = [c for c in cands if first <= c <= last]
        if not _fits(ticks, size, plot_w, True):
            ticks = [first, 1.0, last]
        return first, last, ticks
    lo0, hi0 = _pad_around_null(min(values), max(values), null, min_span=None)
    step = _nice_step((hi0 - lo0) / 6)
    for _ in range(12):
        lo = math.floor(lo0 / step + 1e-9) * step
        hi = math.ceil(hi0 / step - 1e-9) * step
        count = round((hi - lo) / step)
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
    pos = position(ratio, ticks[0] if lo is None else lo, ticks[-1] if hi is None else hi, 0.0, plot_w)
    for a, b in pairwise(ticks):
        wa, wb = text_width(tick_text(a), size), text_width(tick_text(b), size)
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
    base: float = 10 ** exp
    for m in (1, 2, 5, 10):
        if m * base >= raw - 1e-12:
            return m * base
    return 10 * base


RATIO_TICK_SETS = ((1, 1.1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9), (1, 1.5, 2, 3, 5, 7), (1, 2, 5), (1,))


@cache
def _ratio_candidates(mantissas: tuple[float, ...]) -> tuple[tuple[float, float], ...]:
    """The round ratios ``mantissas`` × 10^k, k from -4 to 4, ascending, each with its log10 (remembered: every
    axis asks)."""
    return tuple((c, math.log10(c)) for c in sorted({round(m * 10 ** k, 10) for k in range(-4, 5) for m in mantissas}))
