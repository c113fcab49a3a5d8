"""Reported effects against the crude values recomputed from the arms' numbers, and values for
comparisons that report no effect.

In:  a comparison's two per-arm results and their denominators (through ``AuditBase``).
Out: findings ``effect-vs-crude``; crude risk differences (with an NNT) or mean differences.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from .. import absolute, stats
from ..absolute import Absolute
from ..arithmetic import (
    as_printed,
    as_printed_signed,
    count_text,
    decimals,
    fixed,
    fraction,
    half_unit,
    number_or_none,
    percent_text,
    rounded,
    signed,
)
from ..loader import Path_
from ..model import ArmResult, Effect, known, rd_scale
from .base import _LABELS, AuditBase, Pair, _Denominator, _Item
from .findings import Severity
from .printed import EPS, _list_or, _path, _short, implied_denominators


def _odds(p: Fraction) -> Fraction:
    return p / (1 - p)


_MEASURES: dict[str, Callable[[Fraction, Fraction], Fraction]] = {
    "risk difference": lambda a, b: a - b,
    "risk ratio": lambda a, b: a / b,
    "odds ratio": lambda a, b: _odds(a) / _odds(b),
}


def _safe(fn: Callable[[Fraction, Fraction], Fraction], a: Fraction, b: Fraction) -> Fraction | None:
    """Exact arithmetic on proportions; None where the measure is undefined (a zero denominator)."""
    try:
        return fn(a, b)
    except ZeroDivisionError:
        return None


def _bounds(percent: float) -> tuple[Fraction, Fraction]:
    """The proportions a printed percentage may stand for (half a unit either way, within 0 to 1)."""
    low, high = (fraction(percent) - half_unit(percent)) / 100, (fraction(percent) + half_unit(percent)) / 100
    return max(low, Fraction(0)), min(high, Fraction(1))


def _expr(measure: str, a: str, b: str) -> str:
    if measure != "risk difference" and "/" in a:
        a, b = f"({a})", f"({b})"
    if measure == "risk difference":
        return f"{a} − {b}"
    if measure == "risk ratio":
        return f"{a} ÷ {b}"
    return f"odds of {a} ÷ odds of {b}"


def _crude_fmt(value: Fraction, measure: str, places: int, scale: float) -> str:
    if measure == "risk difference":
        unit = {100: " points", 1000: " per 1,000"}.get(int(scale), "")
        return f"{signed(value, places)}{unit}"
    return fixed(value, places)


Fields = Callable[[int, str], str]      # (result index, field name) -> the field's path
Crude = tuple[bool, str, list[str], str]  # consistent?, the crude value in words, the fields used, the detail


class CrudeChecks(AuditBase):
    def check_crude(self, item: _Item, base: Path_, where: str, label: str, effect: Effect, pair: Pair,
                    denominators: dict[str, _Denominator]) -> None:
        (j1, r1), (j2, r2) = pair
        est = effect.estimate_value
        assert est is not None
        tol_est = float(half_unit(est)) + EPS

        def res(j: int, name: str) -> str:
            return _path(*item.base, "results", j, name)

        measure = effect.measure
        what = f"the reported {measure}, {as_printed_signed(est) if not effect.is_ratio else as_printed(est)}" \
               f"{' ' + effect.unit if effect.unit else ''}"
        fields = [_path(*base, "estimate")]

        if measure in ("risk difference", "risk ratio", "odds ratio"):
            found = self.crude_binary(effect, r1, r2, j1, j2, res, denominators, tol_est)
        elif measure == "rate ratio":
            if effect.adjusted:
                return  # an adjusted rate ratio is not recomputed
            found = self.crude_rate_ratio(r1, r2, j1, j2, res, tol_est, est)
        elif measure == "mean difference" and item.outcome.kind == "continuous":
            found = self.crude_mean_difference(r1, r2, j1, j2, res, tol_est, est)
        else:
            return  # a hazard ratio (or another measure) is never recomputed
        if found is None:
            return
        consistent, crude_text, more_fields, detail = found
        if consistent:
            return
        fields += more_fields
        if effect.adjusted:
            severity: Severity = "info"
            tail = "as expected, since the record marks the estimate as adjusted"
        elif self.study.design.cluster is not None or self.study.design.type == "cluster":
            severity = "info"
            tail = "a cluster-randomized trial reports the estimate of a model that allows for clustering"
        elif effect.adjusted is False:
            severity = "warning"
            tail = ("the record marks the estimate as unadjusted, so the paper's denominators or analysis may be "
                    "worth checking")
        else:
            severity = "warning"
            tail = "the paper may report an adjusted estimate"
        self.add(severity, "effect-vs-crude",
                 f"{where}{what}, differs from {crude_text}; {tail}.",
                 fields,
                 detail + " A trial often reports an estimate adjusted for stratification factors or baseline "
                          "values, or from a model with imputed data; such an estimate need not equal the crude "
                          "value. The methods section should say which analysis the reported value comes from.",
                 f"{_short(item.outcome.label)}, {label}: reported "
                 f"{as_printed_signed(est) if not effect.is_ratio else as_printed(est)}, crude "
                 f"{crude_text.rsplit(' = ', 1)[-1]}",
                 label, beside=f"{_short(item.outcome.label)}{'' if self._one_comparison() else f', {label}'}: "
                               f"crude {crude_text.rsplit(' = ', 1)[-1]}")

    def _one_comparison(self) -> bool:
        """Whether every effect of the record compares one pair of arms (a results table then names it once)."""
        study = self.study
        return len({study.comparison(e) for o in [*study.outcomes, *study.harms] for e in o.effects}) == 1

    def crude_binary(self, effect: Effect, r1: ArmResult, r2: ArmResult, j1: int, j2: int, res: Fields,
                     denominators: dict[str, _Denominator], tol_est: float) -> Crude | None:
        """(consistent, crude text, fields, detail) for a risk difference / ratio / odds ratio, or None."""
        measure, est = effect.measure, effect.estimate_value
        if est is None:
            return None
        scale = rd_scale(effect) if measure == "risk difference" else 1
        fn = _MEASURES[measure]
        e1, e2 = known(r1.events), known(r2.events)
        d1, d2 = denominators.get(r1.arm), denominators.get(r2.arm)
        p1, p2 = number_or_none(r1.percent), number_or_none(r2.percent)
        if e1 is not None and e2 is not None and d1 and d2 and d1.exact and d2.exact:
            n1, n2 = d1.n, d2.n
            value = _safe(fn, Fraction(e1, n1), Fraction(e2, n2))
            if value is None:
                return None
            value *= scale
            places = max(decimals(est), 1 if scale != 1 else 2)
            crude_text = (f"the crude {measure} recomputed from the arms, "
                          f"{_expr(measure, f'{e1}/{n1}', f'{e2}/{n2}')} = {_crude_fmt(value, measure, places, scale)}")
            detail = (f"Recomputed from the counts without any adjustment, the {measure} is "
                      f"{_crude_fmt(value, measure, 3 if scale == 1 else 2, scale)}; the reported value is "
                      f"{as_printed(est)}.")
            return (abs(value - fraction(est)) <= tol_est, crude_text,
                    [res(j1, "events"), res(j1, "total"), res(j2, "events"), res(j2, "total")], detail)
        if p1 is None or p2 is None:
            return None
        point = _safe(fn, fraction(p1) / 100, fraction(p2) / 100)
        if point is None:
            return None
        point *= scale
        places = max(decimals(p1), decimals(p2)) if measure == "risk difference" and scale == 100 else 2
        crude_text = (f"the crude {'difference' if measure == 'risk difference' else measure} of the reported "
                      f"percentages, {_expr(measure, percent_text(p1), percent_text(p2))} = "
                      f"{_crude_fmt(point, measure, places, scale)}")
        # Every value the printed percentages allow.
        (lo1, hi1), (lo2, hi2) = _bounds(p1), _bounds(p2)
        corners = [c for a in (lo1, hi1) for b in (lo2, hi2) if (c := _safe(fn, a, b)) is not None]
        if len(corners) < 4:
            return None
        low, high = min(corners) * scale, max(corners) * scale
        consistent = low - tol_est <= fraction(est) <= high + tol_est
        detail = (f"Each printed percentage may be up to half a unit off through rounding, so the crude "
                  f"value lies between {_crude_fmt(low, measure, 2, scale)} and "
                  f"{_crude_fmt(high, measure, 2, scale)}")
        # With the counts, only the denominators that fit the percentages are possible.
        sets = []
        for r, d, p in ((r1, d1, p1), (r2, d2, p2)):
            e = known(r.events)
            ns = None
            if d is not None and d.exact:
                ns = range(d.n, d.n + 1)
            elif e is not None:
                ns = implied_denominators(e, p)
            sets.append((e, ns))
        (ea, na), (eb, nb) = sets
        if (ea is not None and eb is not None and na is not None and nb is not None
                and 0 < len(na) * len(nb) <= 10_000):
            values = [v * scale for a in na for b in nb
                      if (v := _safe(fn, Fraction(ea, a), Fraction(eb, b))) is not None]
            if values:
                consistent = consistent and any(abs(v - fraction(est)) <= tol_est for v in values)
                combos = (f"{ea}/{_list_or(na) if len(na) <= 3 else f'({na[0]} to {na[-1]})'} and "
                          f"{eb}/{_list_or(nb) if len(nb) <= 3 else f'({nb[0]} to {nb[-1]})'}")
                span = (_crude_fmt(min(values), measure, 2, scale) if len(values) == 1 or
                        rounded(min(values), 2) == rounded(max(values), 2) else
                        f"{_crude_fmt(min(values), measure, 2, scale)} to {_crude_fmt(max(values), measure, 2, scale)}")
                detail += (f"; with the counts and the only denominators that fit the percentages "
                           f"({combos}) it is {span}")
        detail += f". The reported value is {as_printed(est)}."
        return consistent, crude_text, [res(j1, "percent"), res(j2, "percent")], detail

    def crude_rate_ratio(self, r1: ArmResult, r2: ArmResult, j1: int, j2: int, res: Fields, tol_est: float,
                         est: float) -> Crude | None:
        """The unadjusted rate ratio from events and person-time, else from the printed rates."""
        e1, e2 = known(r1.events), known(r2.events)
        pt1, pt2 = r1.person_time, r2.person_time
        if e1 and e2 and pt1 is not None and pt2 is not None and pt1.unit == pt2.unit and pt1.value > 0 \
                and pt2.value > 0:
            t1, t2 = pt1.value, pt2.value
            value = stats.rate_ratio(e1, t1, e2, t2)
            assert value is not None  # both arms have events
            # Person-time is printed rounded too: allow for it.
            corners = [Fraction(e1) / a / (Fraction(e2) / b)
                       for a in (fraction(t1) - half_unit(t1), fraction(t1) + half_unit(t1))
                       for b in (fraction(t2) - half_unit(t2), fraction(t2) + half_unit(t2)) if a > 0 and b > 0]
            consistent = bool(corners) and min(corners) - tol_est <= fraction(est) <= max(corners) + tol_est
            text = (f"the crude rate ratio from events and person-time, ({e1}/{as_printed(t1)}) ÷ "
                    f"({e2}/{as_printed(t2)}) "
                    f"= {fixed(value.value, 2)}")
            return (consistent, text,
                    [res(j1, "events"), res(j1, "person_time"), res(j2, "events"), res(j2, "person_time")],
                    f"From the events and person-time, the unadjusted rate ratio is {fixed(value.value, 3)} "
                    f"(95% CI {fixed(value.lower, 2)} to {fixed(value.upper, 2)}, Wald on the log scale); the reported "
                    f"value is {as_printed(est)}.")
        a, b = r1.rate, r2.rate
        if a is None or b is None or a.unit != b.unit or b.value <= 0:
            return None
        point = fraction(a.value) / fraction(b.value)
        lo_b = fraction(b.value) - half_unit(b.value)
        if lo_b <= 0:
            return None
        low = max(fraction(a.value) - half_unit(a.value), Fraction(0)) / (fraction(b.value) + half_unit(b.value))
        high = (fraction(a.value) + half_unit(a.value)) / lo_b
        text = (f"the crude ratio of the printed rates, {as_printed(a.value)} ÷ {as_printed(b.value)} = "
                f"{fixed(point, max(2, decimals(est)))}")
        return (low - tol_est <= fraction(est) <= high + tol_est, text, [res(j1, "rate"), res(j2, "rate")],
                f"The printed rates ({as_printed(a.value)} and {as_printed(b.value)} {a.unit}) allow a crude ratio "
                "between "
                f"{fixed(low, 3)} and {fixed(high, 3)}; the reported value is {as_printed(est)}. A crude ratio of "
                "rates "
                f"ignores any adjustment or allowance for clustering in the paper's model.")

    def crude_mean_difference(self, r1: ArmResult, r2: ArmResult, j1: int, j2: int, res: Fields, tol_est: float,
                              est: float) -> Crude | None:
        m1, m2 = number_or_none(r1.mean), number_or_none(r2.mean)
        if m1 is None or m2 is None or r1.change != r2.change:
            return None
        value = fraction(m1) - fraction(m2)
        # 4.0 reads back as 4: the means share the finer of their two precisions.
        places = max(decimals(m1), decimals(m2))
        tol = 2 * Fraction(1, 2 * 10 ** places) + Fraction(tol_est)
        consistent = abs(value - fraction(est)) <= tol
        text = f"the difference of the reported means, {as_printed(m1)} − {as_printed(m2)} = {signed(value, places)}"
        return (consistent, text, [res(j1, "mean"), res(j2, "mean")],
                f"The difference of the arms' means is {signed(value, places)}; allowing for rounding of the "
                f"means it could be {signed(value - tol + Fraction(tol_est), places + 1)} to "
                f"{signed(value + tol - Fraction(tol_est), places + 1)}, and the reported value is {as_printed(est)}.")

    # --- values for comparisons without a reported effect ------------------------

    def from_counts(self, item: _Item, comparison: tuple[str, str],
                    denominators: dict[str, _Denominator]) -> list[Absolute | tuple[str, str]]:
        """A comparison with no reported effect: the crude risk difference from the counts (and an
        NNT), or the mean difference from the means and SDs; never from printed percentages alone."""
        pair = self.pair(item.outcome.results, comparison)
        if pair is None:
            return []
        (_, r1), (_, r2) = pair
        label = self.comparison_label(comparison)
        if item.outcome.kind == "continuous":
            return [(label, text)] if (text := self.mean_difference(r1, r2, item.outcome.unit)) else []
        if item.outcome.kind != "binary":
            return []
        e1, e2 = known(r1.events), known(r2.events)
        d1, d2 = denominators.get(r1.arm), denominators.get(r2.arm)
        if e1 is None or e2 is None or not d1 or not d2 or d1.n < max(e1, 1) or d2.n < max(e2, 1):
            return []
        if d1.exact and d2.exact:
            mark = "recomputed from the counts"
        else:
            sources = {d.source or "reported" for d in (d1, d2)}
            what = _LABELS.get(sources.pop(), "") if len(sources) == 1 else "flow counts"
            mark = f"recomputed over the {count_text(d1.n)} and {count_text(d2.n)} {what}"
        rd = stats.risk_difference(e1, d1.n, e2, d2.n)
        out: list[Absolute | tuple[str, str]] = [absolute.from_risk_difference(self.study, comparison, rd, mark)]
        higher_is_better = item.outcome.higher_is_better
        if item.harm and higher_is_better is None:
            higher_is_better = False
        if higher_is_better is not None:
            out.append((label, f"{stats.nnt(rd, higher_is_better=higher_is_better).format()} ({mark})"))
        return out

    @staticmethod
    def mean_difference(r1: ArmResult, r2: ArmResult, unit: str | None) -> str:
        m1, m2, n1, n2 = number_or_none(r1.mean), number_or_none(r2.mean), known(r1.total), known(r2.total)
        sd1, sd2 = r1.sd, r2.sd
        if m1 is None or m2 is None or sd1 is None or sd2 is None or not n1 or not n2 or r1.change != r2.change:
            return ""
        md = stats.mean_difference(m1, sd1, n1, m2, sd2, n2)
        places = min(3, max(decimals(m1), decimals(m2)) + 1)
        unit_text = f" {unit}" if unit else ""
        return (f"MD {signed(md.value, places)}{unit_text} (95% CI {signed(md.lower, places)} "
                f"to {signed(md.upper, places)}) (recomputed from the means and SDs)")
