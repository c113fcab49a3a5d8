"""The results graphic: each primary outcome's per-arm results and its effects, as geometry.

In:  a ``Study``, the ``width`` in points, the font ``size`` and how many panels
     side by side (``columns``).
Out: a ``Diagram`` (kind ``results``) or None when no primary outcome has a
     per-arm result or an effect to show. Its height follows from the content;
     callers that must fit a height try smaller sizes or leave the graphic out.

One panel per primary outcome, ``columns`` panels to a row, rows stacked:

    title           the outcome's label and time point (``Label`` role ``heading``)
    arm rows        the arm's label (role ``label``), then for a risk or percentage a
                    track 0–100 % (``Box`` role ``track``) with a bar (``Box`` role ``bar``,
                    ``arm`` set) as long as the percentage; for a mean, a ``Marker`` (role
                    ``mean``, ``arm`` set) on an axis shared by the arms, with its interval
                    when the record gives one; the value as printed in the table on the right
                    (role ``value``). The arm's name is on every row, so nothing rests on colour.
    effect rows     one per effect with an estimate: its comparison (role ``label``), an axis
                    (``Segment`` role ``axis``) with the line of no effect (role ``null``,
                    dashed) and, where the record has one, the non-inferiority or equivalence
                    margin (role ``margin``, dashed, labelled); the estimate as a ``Marker``
                    (role ``estimate``) with its interval (role ``ci``); an interval that is not
                    reported has no whisker, a hollow marker and the words "CI not reported" in
                    the value. Ratios are placed on a log scale. Under the axis, the tick values
                    (role ``tick``) and the "favours" words (role ``favours``).

The brief draws the same picture inside its results table instead (``cell_bar``, ``cell_strips``):
a bar under each arm's percentage and a strip under each effect's interval, without text, so the
table's cells state each number once and the page keeps its design diagram.

Every string is formatted by ``content``; this module only measures and places.
``Diagram.extra["panels"]`` lists (outcome id, x, y, w, h) for tests and back-ends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..content import EffectText, arm_cell, effect_text, number
from ..model import ArmResult, Effect, Outcome, Study
from .forest import axis_range, position, tick_text
from .geometry import Box, Diagram, Label, Marker, Segment, TextLine
from .text import line_height, shorten, text_width, wrap

PANEL_GAP = 14.0


def graphed_outcomes(study: Study) -> list[Outcome]:
    """Primary outcomes with something to draw: a per-arm result or an effect estimate."""
    return [o for o in study.outcomes if o.primary and (_arm_rows(study, o) or _effects(o))]


def _effects(o: Outcome) -> list[Effect]:
    return [e for e in o.effects if e.estimate_value is not None]


def _percent(r: ArmResult) -> float | None:
    if isinstance(r.percent, (int, float)):
        return float(r.percent)
    if isinstance(r.events, int) and isinstance(r.total, int) and r.total > 0:
        return 100.0 * r.events / r.total
    return None


def _mean(r: ArmResult) -> float | None:
    return float(r.mean) if isinstance(r.mean, (int, float)) else None


def _estimate(e: Effect) -> float:
    """The estimate of an effect that is drawn (only effects that give one are)."""
    assert e.estimate_value is not None, "an effect without an estimate is not drawn"
    return float(e.estimate_value)


def _arm_rows(study: Study, o: Outcome) -> list[tuple[int, ArmResult]]:
    ids = [a.id for a in study.arms]
    rows: list[tuple[int, ArmResult]] = []
    for r in o.results:
        index = ids.index(r.arm) if r.arm in ids else None
        if _percent(r) is not None or _mean(r) is not None:
            rows.append((index if index is not None else len(rows), r))
    return rows


def results_graphic(study: Study, width: float, size: float = 8.0, columns: int = 2) -> Diagram | None:
    outcomes = graphed_outcomes(study)
    if not outcomes or width <= 0:
        return None
    n = max(1, min(columns, len(outcomes)))
    panel_w = (width - PANEL_GAP * (n - 1)) / n
    boxes: list[Box] = []
    labels: list[Label] = []
    segments: list[Segment] = []
    markers: list[Marker] = []
    panels: list[tuple[str, float, float, float, float]] = []
    y = 0.0
    for start in range(0, len(outcomes), n):
        row_h = 0.0
        for j, o in enumerate(outcomes[start:start + n]):
            x = j * (panel_w + PANEL_GAP)
            h = _panel(study, o, x, y, panel_w, size, boxes, labels, segments, markers)
            panels.append((o.id, x, y, panel_w, h))
            row_h = max(row_h, h)
        y += row_h + (size if start + n < len(outcomes) else 0.0)
    alt = "; ".join(_alt(study, o) for o in outcomes)
    return Diagram("results", width, y, tuple(boxes), labels=tuple(labels), segments=tuple(segments),
                   markers=tuple(markers), alt_text=alt, title=f"{study.name}: primary results",
                   extra={"font_size": size, "panels": panels})


def _alt(study: Study, o: Outcome) -> str:
    arms = ", ".join(f"{study.group_label(r.arm)} {arm_cell(r, o.kind, o.unit)}" for _, r in _arm_rows(study, o))
    effects = ", ".join(effect_text(study, o, e).headline for e in _effects(o))
    return f"{o.label}: " + "; ".join(x for x in (arms, effects) if x)


def _line(text: str, size: float, bold: bool = False) -> tuple[TextLine, ...]:
    return (TextLine(text, size, bold),)


def _panel(study: Study, o: Outcome, x0: float, y0: float, w: float, s: float, boxes: list[Box],
           labels: list[Label], segments: list[Segment], markers: list[Marker]) -> float:
    lh = line_height(s)
    small = max(s - 1.0, 6.0)
    title = o.label + (f" at {o.timepoint}" if o.timepoint else "")
    title_lines = wrap(title, s, w, True)
    labels.append(Label(f"{o.id}-title", x0, y0, w, tuple(TextLine(t, s, True) for t in title_lines),
                        role="heading"))
    y = y0 + len(title_lines) * lh + 0.2 * s
    arm_rows = _arm_rows(study, o)
    effects = _effects(o)
    texts = [effect_text(study, o, e) for e in effects]
    names = [study.group_label(r.arm) for _, r in arm_rows]
    names += _effect_names(texts)
    label_w = min(max((text_width(nm, s) for nm in names), default=0.0) + 0.6 * s, 0.34 * w)
    values = [arm_cell(r, o.kind, o.unit) for _, r in arm_rows]
    values += [_effect_value(t) for t in texts]
    value_w = min(max((text_width(v, s) for v in values), default=0.0) + 0.6 * s, 0.42 * w)
    plot_x = x0 + label_w
    plot_w = max(w - label_w - value_w, 4 * s)
    value_x = plot_x + plot_w + 0.6 * s
    pitch = lh * 1.15
    means = [(_mean(r), r) for _, r in arm_rows if _percent(r) is None]
    mean_axis = None
    if means:
        pts = [v for v, _ in means if v is not None]
        for _, r in means:
            if r.ci is not None:
                pts.extend(float(v) for v in r.ci)
        lo, hi, _ticks = axis_range(pts + [0.0], 0.0, False, small, plot_w)
        mean_axis = position(False, lo, hi, plot_x, plot_w)
    for (index, r), name, value in zip(arm_rows, names, values, strict=False):   # the effects' names follow
        lab = shorten(name, s, label_w - 0.6 * s)
        labels.append(Label(f"{o.id}-{r.arm}-label", x0, y, label_w, _line(lab, s)))
        pct = _percent(r)
        bar_h = lh * 0.72
        by = y + (lh - bar_h) / 2
        if pct is not None:
            boxes.append(Box(f"{o.id}-{r.arm}-track", plot_x, by, plot_w, bar_h, (), role="track", padding=0))
            boxes.append(Box(f"{o.id}-{r.arm}-bar", plot_x, by, max(plot_w * min(pct, 100.0) / 100, 0.8), bar_h, (),
                             role="bar", arm=index, padding=0))
        elif mean_axis is not None and (mean := _mean(r)) is not None:
            cy = y + lh / 2
            if r.ci is not None:
                segments.append(Segment(mean_axis(float(r.ci[0])), cy, mean_axis(float(r.ci[1])), cy, "ci", 0.9))
            markers.append(Marker(mean_axis(mean), cy, 0.7 * s, "mean", arm=index))
        vw = value_w - 0.6 * s
        labels.append(Label(f"{o.id}-{r.arm}-value", value_x, y, vw, _line(shorten(value, s, vw), s), role="value"))
        y += pitch
    if mean_axis is not None:
        zero = mean_axis(0.0)
        top = y - pitch * len(arm_rows)
        segments.append(Segment(zero, top, zero, y - (pitch - lh), "null", 0.6, (2.0, 1.5)))
    if effects:
        y += 0.3 * s
    for k, (e, t) in enumerate(zip(effects, texts, strict=True)):
        y = _effect_row(study, o, e, t, k, names[len(arm_rows) + k], values[len(arm_rows) + k], x0, y, label_w,
                        plot_x, plot_w, value_x, value_w, s, small, labels, segments, markers,
                        _shared_points(effects, texts, e))
    return y - y0


def _effect_names(texts: list[EffectText]) -> list[str]:
    """Each effect row's name: its comparison when the effects compare different arms, else its measure ("MD");
    effects that would share a name are told apart by the parts of their labels they do not share
    ("Estimated treatment difference, trial-product estimand" → "Trial-product estimand")."""
    names = [t.comparison if len({(t.arm, t.reference) for t in texts}) > 1 else t.short for t in texts]
    for name in set(names):
        same = [k for k, n in enumerate(names) if n == name]
        parts = [(texts[k].label or "").split(", ") for k in same]
        if len(same) < 2 or not all(parts[0]) or len({tuple(p) for p in parts}) < len(same):
            continue
        common = 0
        while all(len(p) > common + 1 and p[common] == parts[0][common] for p in parts):
            common += 1
        for k, p in zip(same, parts, strict=True):
            rest = ", ".join(p[common:])
            names[k] = rest[:1].upper() + rest[1:]
    return names


def _effect_value(t: EffectText) -> str:
    if t.range == "not reported":
        return f"{t.value}, CI not reported"
    if t.range == "not in our sources":
        return f"{t.value}, CI not in our sources"
    return f"{t.value} ({t.ci_level_note}{t.range})"


def _points(e: Effect, t: EffectText) -> list[float]:
    """What an effect row's axis must show: no effect, the estimate, its interval and its margin."""
    points = [1.0 if e.is_ratio else 0.0, _estimate(e)] + [float(v) for v in (e.interval or ())]
    if t.margin is not None and (not e.is_ratio or t.margin > 0):
        points.append(t.margin)
    return points


def _shared_points(effects: list[Effect], texts: list[EffectText], e: Effect) -> list[float]:
    """The points of every effect of the outcome in ``e``'s measure: comparisons of one outcome share one scale,
    so two estimates can be compared by where they sit (RE-LY's 0.91 and 0.66 were on axes of 0.8–1.5 and
    0.6–1.25)."""
    same = [_points(f, u) for f, u in zip(effects, texts, strict=True) if f.measure == e.measure]
    points = [v for p in same for v in p]
    return [v for v in points if v > 0] if e.is_ratio else points


def _effect_row(study: Study, o: Outcome, e: Effect, t: EffectText, k: int, name: str, value: str, x0: float, y: float,
                label_w: float, plot_x: float, plot_w: float, value_x: float, value_w: float, s: float,
                small: float, labels: list[Label], segments: list[Segment], markers: list[Marker],
                shared: list[float]) -> float:
    lh, slh = line_height(s), line_height(small)
    ratio = e.is_ratio
    null = 1.0 if ratio else 0.0
    points = _points(e, t)
    if ratio and min(points) <= 0:
        return y
    lo, hi, ticks = axis_range(points + shared, null, ratio, small, plot_w)
    pos = position(ratio, lo, hi, plot_x, plot_w)
    top = y
    margin_lines = 0
    if t.margin is not None and t.margin_label and lo <= t.margin <= hi:
        mx = pos(t.margin)
        mw = text_width(t.margin_label, small)
        lx = min(max(mx - mw / 2, plot_x), plot_x + plot_w - mw)
        labels.append(Label(f"{o.id}-{k}-margin-label", lx, y, mw, _line(t.margin_label, small), role="margin"))
        margin_lines = 1
        y += slh
    labels.append(Label(f"{o.id}-{k}-label", x0, y, label_w, _line(shorten(name, s, label_w - 0.6 * s), s)))
    vw = value_w - 0.6 * s
    labels.append(Label(f"{o.id}-{k}-value", value_x, y, vw, _line(shorten(value, s, vw), s), role="value"))
    cy = y + lh / 2
    axis_y = y + lh
    segments.append(Segment(pos(null), top if margin_lines else y, pos(null), axis_y, "null", 0.6, (2.0, 1.5)))
    if margin_lines and t.margin is not None:
        segments.append(Segment(pos(t.margin), top + slh, pos(t.margin), axis_y, "margin", 0.8, (3.0, 1.5)))
    interval = e.interval
    if interval is not None:
        a, b = (max(lo, min(hi, float(v))) for v in interval)
        segments.append(Segment(pos(a), cy, pos(b), cy, "ci", 1.0))
    markers.append(Marker(pos(_estimate(e)), cy, 0.75 * s, "estimate", filled=interval is not None))
    segments.append(Segment(plot_x, axis_y, plot_x + plot_w, axis_y, "axis", 0.5))
    y = axis_y
    for tk in ticks:
        tx = pos(tk)
        segments.append(Segment(tx, axis_y, tx, axis_y + 0.25 * small, "tick", 0.4))
        txt = tick_text(tk)
        tw = text_width(txt, small)
        labels.append(Label(f"{o.id}-{k}-tick-{txt}", tx - tw / 2, axis_y + 0.25 * small, tw,
                            _line(txt, small), align="center", role="tick"))
    y = axis_y + 0.25 * small + slh
    left, right = _favours(study, o, t)
    lw = text_width(left, small)
    rw = text_width(right, small)
    nx = pos(null)
    if lw <= nx - x0 and rw <= plot_x + plot_w + value_w - nx:
        labels.append(Label(f"{o.id}-{k}-favours-left", nx - 0.3 * small - lw, y, lw, _line(left, small),
                            align="right", role="favours"))
        labels.append(Label(f"{o.id}-{k}-favours-right", nx + 0.3 * small, y, rw, _line(right, small),
                            role="favours"))
        y += slh
    return y + 0.3 * s


def _favours(study: Study, o: Outcome, t: EffectText) -> tuple[str, str]:
    arm, ref = study.group_label(t.arm), study.group_label(t.reference)
    if o.higher_is_better is None:
        return f"\u2190 lower with {arm}", f"higher with {arm} \u2192"
    if o.higher_is_better:
        return f"\u2190 favours {ref}", f"favours {arm} \u2192"
    return f"\u2190 favours {arm}", f"favours {ref} \u2192"


# --- the same picture in the cells of a results table ----------------------------------------------------------
# The brief draws each primary outcome's results inside its table rows: a bar under each arm's
# percentage and a strip under each effect's interval. The cells state the numbers, the marks show
# them, so the page states each fact once.

CELL_BAR = 3.2     # height of a per-arm bar in a table cell
CELL_STRIP = 7.0   # height of an effect strip in a table cell


def cell_bar(percent: float, arm: int | None, width: float) -> Diagram:
    """A percentage as a bar in a 0–100 % track, ``width`` wide (no text: the cell above states it)."""
    length = max(width * min(max(percent, 0.0), 100.0) / 100.0, 0.8)
    boxes = (Box("track", 0.0, 0.0, width, CELL_BAR, (), role="track", padding=0),
             Box("bar", 0.0, 0.0, length, CELL_BAR, (), role="bar", arm=arm, padding=0))
    return Diagram("results", width, CELL_BAR, boxes, alt_text=f"{number(round(percent, 1))}% of the arm")


def cell_percents(o: Outcome, columns: list[str]) -> dict[int, float]:
    """{column index: percentage} of the outcome's per-arm results with a percentage, by the table's columns
    (the ids of ``content.result_columns``)."""
    by_arm = {r.arm: r for r in o.results}
    found = {j: _percent(by_arm[key]) for j, key in enumerate(columns) if key in by_arm}
    return {j: p for j, p in found.items() if p is not None}


@dataclass(frozen=True)
class Strip:
    """One effect as a strip for a table cell: the line of no effect, the margin when there is one
    (dashed), the interval as a line and the estimate as a square (hollow, with no line, when the
    interval is not given: the cell above says why). ``lo``/``hi``: the outcome's scale (log10 for ratios)."""

    effect: Effect
    ratio: bool
    null: float
    margin: float | None
    lo: float
    hi: float

    def diagram(self, width: float) -> Diagram:
        h = CELL_STRIP
        inset = 0.4 * h

        def x(v: float) -> float:
            t = math.log10(v) if self.ratio else v
            return inset + (t - self.lo) / (self.hi - self.lo) * (width - 2 * inset)

        e, cy = self.effect, h / 2
        segments = [Segment(x(self.null), 0.0, x(self.null), h, "null", 0.6)]
        if self.margin is not None:
            segments.append(Segment(x(self.margin), 0.0, x(self.margin), h, "margin", 0.7, (1.2, 1.0)))
        if e.interval is not None:
            a, b = (float(v) for v in e.interval)
            segments.append(Segment(x(a), cy, x(b), cy, "ci", 1.0))
        marker = Marker(x(_estimate(e)), cy, 0.62 * h, "estimate", filled=e.interval is not None)
        return Diagram("results", width, h, (), segments=tuple(segments), markers=(marker,),
                       alt_text="the estimate and its interval against the line of no effect")


def cell_strips(study: Study, outcomes: list[Outcome]) -> dict[tuple[str, int], Strip]:
    """{(outcome id, index into its effects): strip}: every effect with an estimate, the effects of one
    measure on one scale (ratios on a log scale) so that their strips compare."""
    drawn = [(o, k, e) for o in outcomes for k, e in enumerate(o.effects) if e.estimate_value is not None]
    margins = {(o.id, k): effect_text(study, o, e).margin for o, k, e in drawn}
    strips: dict[tuple[str, int], Strip] = {}
    for measure in {e.measure for _, _, e in drawn}:
        same = [(o, k, e) for o, k, e in drawn if e.measure == measure]
        ratio = same[0][2].is_ratio
        null = 1.0 if ratio else 0.0
        points = [null]
        for o, k, e in same:
            points += [_estimate(e), *(float(v) for v in e.interval or ())]
            margin = margins[(o.id, k)]
            if margin is not None:
                points.append(float(margin))
        if ratio and min(points) <= 0:
            continue
        scale = [math.log10(v) for v in points] if ratio else points
        lo, hi = min(scale), max(scale)
        span = (hi - lo) or 1.0
        strips.update({(o.id, k): Strip(e, ratio, null, margins[(o.id, k)], lo - 0.06 * span, hi + 0.06 * span)
                       for o, k, e in same})
    return strips


