"""Check the numbers: recompute what the record allows and say where it does not add up.

In:  a validated record (``validate.Checked``) or a bare ``model.Study``.
Out: ``AuditResult``:

* ``findings``: ``Finding(severity, code, message, fields, detail)``, errors
  first, then warnings, then info, each group in record order. ``message`` is
  one reader-facing sentence with the arithmetic; ``detail`` a longer
  explanation for speaker notes; ``fields`` the dotted paths involved.
* ``derived``: outcome id (``harm-<i>`` for harms) -> reader-facing
  recomputed values, each marked "recomputed" (absolute effect per 1,000,
  NNTB/NNTH, risk difference, risk ratio, risks; mean difference).
* ``notes``: the messages of the warnings, for readers.

``run_audit`` never raises for what it finds; ``errors_as_record_error``
turns error findings into a located ``RecordError`` for the build to raise.

Checks (code: severity):

``percent-mismatch`` (warning)
    events / total against the reported percentage, at the precision it was
    reported (an integer percentage fits when within 0.5 of 100·e/n, one
    decimal within 0.05, and so on; ties fit either way).
``percent-denominator`` (warning) / ``percent-denominator-other`` (info)
    no total given: the whole numbers n for which e/n gives the reported
    percentage, against the flow's counts for that arm (outcomes: analysed,
    else completed; harms: received, allocated, randomized). Warning when no
    flow count fits; info when only another flow count (e.g. allocated) fits.
``percent-no-denominator`` (warning)
    no whole number of participants gives the count as that percentage.
``events-exceed-arm`` (error) / ``events-exceed-analysed`` (warning)
    more events than people allocated to (or analysed in) the arm.
``effect-vs-crude`` (warning; info when the record marks the estimate adjusted)
    reported risk difference / risk ratio / odds ratio / mean difference
    against the crude value from the per-arm numbers (counts, or reported
    percentages allowing for their rounding and, when counts are given, for
    every denominator that fits the percentages).
``effect-impossible`` (error)
    a risk difference or its limits beyond ±100 percentage points.
``ci-p-mismatch`` (warning)
    an interval that excludes no effect with P ≥ alpha, or the reverse.
``significance-claim`` (warning; info in non-inferiority designs)
    "significant" / "not significant" contradicted by the interval (or, with
    no interval, by P).
``flow-sum`` / ``flow-exceeds`` (error)
    arms' randomized or allocated counts that do not sum to the number
    randomized; a per-arm count above the number allocated.
``flow-balance`` (error if more, warning if fewer, info if lost is unknown)
    completed + discontinued + lost against allocated.
``primary-no-effect`` (warning) / ``primary-no-ci`` (info)
    reporting completeness of primary outcomes.

Numbers are written with the minus sign U+2212, like ``content.number``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable, Literal, Optional, Union

from . import stats
from .errors import Problem, RecordError, shown_name
from .model import ArmResult, Effect, Outcome, Study, known

__all__ = [
    "Finding",
    "AuditResult",
    "run_audit",
    "format_findings",
    "errors_as_record_error",
    "raise_for_errors",
    "implied_denominators",
    "percent_fits",
]

Severity = Literal["info", "warning", "error"]
MINUS = "\u2212"
_RANK = {"error": 0, "warning": 1, "info": 2}
_EPS = 1e-9


@dataclass(frozen=True)
class Finding:
    """One observation about the record's numbers."""

    severity: Severity
    code: str
    message: str
    fields: tuple[str, ...] = ()
    detail: str = ""
    fragment: str = ""   # the arithmetic alone, e.g. "64/76 is 84% (reported 85%)", for grouped reader notes

    def __str__(self) -> str:
        where = f" {', '.join(self.fields)}:" if self.fields else ""
        return f"{self.severity}:{where} {self.message}"


@dataclass(frozen=True)
class AuditResult:
    findings: tuple[Finding, ...] = ()
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")


# --------------------------------------------------------------------------
# number helpers


def decimals(value: float) -> int:
    """Decimal places a reported number was given with: 85.0 -> 0, 84.2 -> 1, 0.05 -> 2."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def _half(value: float) -> Fraction:
    """Half a unit in the last reported place: what rounding may hide."""
    return Fraction(1, 2 * 10 ** decimals(value))


def _exact(value: float) -> Fraction:
    return Fraction(repr(float(value)))


def percent_fits(events: int, total: int, percent: float) -> bool:
    """True when ``100·events/total`` rounds to ``percent`` at the precision it was given."""
    if total <= 0:
        return False
    return abs(Fraction(100 * events, total) - _exact(percent)) <= _half(percent)


def implied_denominators(events: int, percent: float) -> Optional[range]:
    """Every whole n >= events (n >= 1) for which ``events/n`` is ``percent`` as reported.

    None when the set is unbounded (e.g. 0 events at 0%); an empty range when
    no whole number fits. The set is always a run of consecutive numbers.
    """
    p, h = _exact(percent), _half(percent)
    low, high = p - h, p + h
    if events == 0:
        return None if low <= 0 else range(0)
    if low <= 0:
        return None
    n_min = max(events, 1, math.ceil(Fraction(100 * events) / high))
    n_max = math.floor(Fraction(100 * events) / low)
    return range(n_min, max(n_min, n_max + 1))


def _round(value: float, places: int) -> Decimal:
    q = Decimal(1).scaleb(-places)
    return Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP)


def _num(value: float, places: int) -> str:
    """Fixed decimals, U+2212 for minus, never "−0"."""
    d = _round(value, places)
    if d == 0:
        d = abs(d)
    return f"{d:,f}".replace("-", MINUS) if abs(d) >= 10000 else f"{d:f}".replace("-", MINUS)


def _signed(value: float, places: int) -> str:
    text = _num(value, places)
    return f"+{text}" if _round(value, places) > 0 else text


def _given(value: float) -> str:
    """A reported number as given: 85.0 -> 85, -4.8 -> −4.8."""
    return _num(value, decimals(value))


def _given_signed(value: float) -> str:
    return _signed(value, decimals(value))


def _pct(value: float) -> str:
    return f"{_given(value)}%"


def _path(*parts: Union[str, int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _parse_path(text: str) -> tuple[Union[str, int], ...]:
    out: list[Union[str, int]] = []
    for piece in text.split("."):
        name, _, rest = piece.partition("[")
        if name:
            out.append(name)
        while rest:
            index, _, rest = rest.partition("]")
            out.append(int(index))
            rest = rest.lstrip("[")
    return tuple(out)


def _list_or(values: Iterable[object]) -> str:
    items = [str(v) for v in values]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def _denominators_text(ns: range) -> str:
    if len(ns) <= 4:
        return f"a denominator of {_list_or(ns)}"
    return f"a denominator between {ns[0]} and {ns[-1]}"


def _parse_p(p: Union[float, str, None]) -> Optional[tuple[float, float]]:
    """The range a reported P value stands for: 0.04 -> (0.035, 0.045); "<0.001" -> (0, 0.001)."""
    if p is None:
        return None
    if not isinstance(p, str):
        h = float(_half(p))
        return max(0.0, p - h), min(1.0, p + h)
    text = p.strip().lower().replace(" ", "").replace("≤", "<").replace("≥", ">")
    if text.startswith("p"):
        text = text[1:]
    op = ""
    if text[:1] in "<>=":
        op, text = text[0], text[1:].lstrip("=")
    try:
        value = float(text)
    except ValueError:
        return None
    if not 0.0 <= value <= 1.0:
        return None
    if op == "<":
        return 0.0, value
    if op == ">":
        return value, 1.0
    h = float(_half(value))
    return max(0.0, value - h), min(1.0, value + h)


# --------------------------------------------------------------------------
# the audit


_OUTCOME_ORDER = ("analysed", "completed", "received", "allocated", "randomized")
_HARM_ORDER = ("received", "allocated", "randomized", "analysed", "completed")
_LABELS = {
    "analysed": "analysed",
    "completed": "who completed",
    "received": "who received the allocated intervention",
    "allocated": "allocated",
    "randomized": "randomized",
}


@dataclass(frozen=True)
class _Count:
    name: str       # analysed, completed, ...
    value: int
    field: str      # dotted path

    @property
    def label(self) -> str:
        return _LABELS[self.name]


@dataclass(frozen=True)
class _Denominator:
    n: int
    exact: bool         # True: the record's total; False: a flow count that fits the percentage
    source: str = ""    # e.g. "allocated" when inferred


class _Audit:
    def __init__(self, study: Study):
        self.study = study
        self.findings: list[Finding] = []
        self.derived: dict[str, tuple[str, ...]] = {}

    def add(self, severity: Severity, code: str, message: str, fields: Iterable[str], detail: str = "",
            fragment: str = "") -> None:
        self.findings.append(Finding(severity, code, message, tuple(fields), detail, fragment))

    # --- participant flow ---------------------------------------------------

    def flow_counts(self, arm_id: str, order: tuple[str, ...]) -> list[_Count]:
        study = self.study
        out: list[_Count] = []
        flow_index = next((k for k, f in enumerate(study.flow.arms) if f.arm == arm_id), None) if study.flow else None
        arm_index = next((k for k, a in enumerate(study.arms) if a.id == arm_id), None)
        for name in order:
            if name == "randomized":
                if arm_index is not None:
                    value = known(study.arms[arm_index].randomized)
                    if value is not None:
                        out.append(_Count(name, value, _path("arms", arm_index, "randomized")))
                continue
            if flow_index is None:
                continue
            value = known(getattr(study.flow.arms[flow_index], name))
            if value is not None:
                out.append(_Count(name, value, _path("flow", "arms", flow_index, name)))
        return out

    def check_flow(self) -> None:
        study, flow = self.study, self.study.flow
        sizes = [known(a.randomized) for a in study.arms]
        total = known(flow.randomized) if flow else None
        if total is not None and all(s is not None for s in sizes) and sum(sizes) != total:
            self.add("error", "flow-sum",
                     f"The arms' randomized counts add up to {' + '.join(map(str, sizes))} = {sum(sizes)}, "
                     f"not the {total} randomized.",
                     ["flow.randomized", *(_path("arms", i, "randomized") for i in range(len(sizes)))])
        if flow is None:
            return
        allocated = [known(f.allocated) for f in flow.arms]
        if (total is not None and flow.arms and len(flow.arms) == len(study.arms)
                and all(a is not None for a in allocated) and sum(allocated) != total):
            self.add("error", "flow-sum",
                     f"The arms' allocated counts add up to {' + '.join(map(str, allocated))} = {sum(allocated)}, "
                     f"not the {total} randomized.",
                     ["flow.randomized", *(_path("flow", "arms", i, "allocated") for i in range(len(allocated)))])
        arm_ids = {a.id for a in study.arms}
        for k, af in enumerate(flow.arms):
            if af.arm not in arm_ids:
                continue
            name = study.arm(af.arm).short
            base = ("flow", "arms", k)
            ceiling, ceiling_field, what = known(af.allocated), _path(*base, "allocated"), "allocated"
            if ceiling is None:
                index = next(i for i, a in enumerate(study.arms) if a.id == af.arm)
                ceiling, ceiling_field, what = known(study.arms[index].randomized), _path("arms", index, "randomized"), "randomized"
            if ceiling is None:
                continue
            for part in ("received", "completed", "analysed", "discontinued", "lost"):
                n = known(getattr(af, part))
                if n is not None and n > ceiling:
                    self.add("error", "flow-exceeds",
                             f"{n} {part} in the {name} arm is more than the {ceiling} {what}.",
                             [_path(*base, part), ceiling_field])
            completed, discontinued, lost = known(af.completed), known(af.discontinued), known(af.lost)
            if completed is None or discontinued is None:
                continue
            fields = [_path(*base, "completed"), _path(*base, "discontinued")]
            if lost is not None:
                fields.append(_path(*base, "lost"))
                used = completed + discontinued + lost
                sum_text = f"{completed} completed + {discontinued} discontinued + {lost} lost = {used}"
            else:
                used = completed + discontinued
                sum_text = f"{completed} completed + {discontinued} discontinued = {used}"
            fields.append(ceiling_field)
            if used > ceiling:
                self.add("error", "flow-balance", f"In the {name} arm, {sum_text}, more than the {ceiling} {what}.", fields)
            elif used < ceiling and lost is not None:
                self.add("warning", "flow-balance",
                         f"In the {name} arm, {sum_text}, not the {ceiling} {what}; "
                         f"{ceiling - used} participants are not accounted for in the flow.",
                         fields,
                         "In a CONSORT flow diagram every participant allocated to an arm should be counted once: "
                         "as having completed, discontinued or been lost to follow-up. A gap usually means a box "
                         "of the diagram (for example deaths or withdrawals of consent) is missing from the record.")
            elif used < ceiling:
                self.add("info", "flow-balance",
                         f"In the {name} arm, {sum_text}, {ceiling - used} fewer than the {ceiling} {what}; "
                         f"the number lost to follow-up is not given.", fields)

    # --- per-arm counts and percentages ---------------------------------------

    def check_result(self, item_label: str, base: tuple, result: ArmResult, harm: bool) -> Optional[_Denominator]:
        """Check one arm's count and percentage; return the denominator that can be used, if any."""
        arm_name = self.study.arm(result.arm).short
        where = f"{_short(item_label)}, {arm_name}: "
        events, total, percent = known(result.events), known(result.total), result.percent
        f_events, f_total, f_percent = _path(*base, "events"), _path(*base, "total"), _path(*base, "percent")
        counts = self.flow_counts(result.arm, _HARM_ORDER if harm else _OUTCOME_ORDER)
        by_name = {c.name: c for c in counts}

        if events is not None and total is None:
            ceiling = by_name.get("allocated") or by_name.get("randomized")
            if ceiling is not None and events > ceiling.value:
                self.add("error", "events-exceed-arm",
                         f"{where}{events} with the outcome is more than the {ceiling.value} {ceiling.label} to this arm.",
                         [f_events, ceiling.field])
                return None
            analysed = by_name.get("analysed")
            if analysed is not None and events > analysed.value:
                self.add("warning", "events-exceed-analysed",
                         f"{where}{events} with the outcome is more than the {analysed.value} analysed in this arm.",
                         [f_events, analysed.field])

        if total is not None:
            if total == 0:
                return None
            if events is not None and percent is not None and not percent_fits(events, total, percent):
                ns = implied_denominators(events, percent)
                implied = (f"; {_pct(percent)} of {events} implies {_denominators_text(ns)}"
                           if ns is not None and len(ns) else "")
                actual = 100 * events / total
                self.add("warning", "percent-mismatch",
                         f"{where}{events} of {total} is {_num(actual, decimals(percent))}%, not the reported "
                         f"{_pct(percent)}{implied}.",
                         [f_percent, f_events, f_total],
                         f"{events}/{total} = {_num(actual, 2)}%, which does not round to the reported "
                         f"{_pct(percent)}. Either a count or the percentage was mistyped in the record or the "
                         f"paper, or the percentage rests on another denominator (for example imputed data).",
                         f"{events}/{total} is {_num(actual, decimals(percent))}% (reported {_pct(percent)})")
            elif events is None and percent is not None:
                if not any(percent_fits(e, total, percent) for e in range(total + 1)):
                    self.add("warning", "percent-mismatch",
                             f"{where}no whole number of participants out of {total} is {_pct(percent)}; "
                             f"{_pct(percent)} of {total} is "
                             f"{_num(percent * total / 100, 1)}.",
                             [f_percent, f_total])
            return _Denominator(total, True) if events is not None else None

        if events is None or percent is None:
            return None
        ns = implied_denominators(events, percent)
        if ns is None:
            return None
        if not len(ns):
            self.add("warning", "percent-no-denominator",
                     f"{where}no whole number of participants gives {events} as {_pct(percent)}; "
                     f"the percentage may be an estimate (e.g. from imputed or "
                     f"time-to-event data) rather than a simple proportion.",
                     [f_percent, f_events],
                     f"{events}/n rounds to {_pct(percent)} for no whole number n: "
                     f"{events}/{max(events, 1)} and its neighbours step over it. Percentages from Kaplan–Meier "
                     f"curves, multiple imputation or weighting need not match any count.")
            return None
        if not counts:
            return None
        if harm:
            reference = counts[0]
        else:
            reference = by_name.get("analysed") or by_name.get("completed") or counts[0]
        fitting = [c for c in counts if c.value in ns]
        if reference.value in ns:
            return _Denominator(reference.value, False, reference.name)
        actual = 100 * events / reference.value
        head = (f"{where}{events} of {reference.value} {reference.label} is {_num(actual, decimals(percent))}%, "
                f"not the reported {_pct(percent)}")
        detail = (f"The record gives {events} ({_pct(percent)}) for {item_label} in the {arm_name} arm but no "
                  f"denominator. In that arm the flow counts {reference.value} {reference.label}; {events}/{reference.value} = "
                  f"{_num(actual, 1)}%, which rounds to {_num(actual, decimals(percent))}%. "
                  f"{events}/n rounds to {_pct(percent)} only for n = {_list_or(ns) if len(ns) <= 4 else f'{ns[0]} to {ns[-1]}'}")
        if fitting:
            other = fitting[0]
            self.add("info", "percent-denominator-other",
                     f"{head}; the percentage fits the {other.value} {other.label} instead.",
                     [f_percent, reference.field, other.field],
                     detail + f", which matches the {other.value} {other.label}.")
            return _Denominator(other.value, False, other.name)
        hint = " (e.g. those analysed)" if "analysed" not in by_name else ""
        self.add("warning", "percent-denominator",
                 f"{head}; {_pct(percent)} of {events} implies {_denominators_text(ns)}, so the percentages may "
                 f"use another denominator{hint}.",
                 [f_percent, reference.field],
                 detail + ". The percentages probably rest on another analysis population (for example those "
                          "with an outcome assessment at that visit, or imputed data); the paper's tables or "
                          "methods should say which.",
                 f"{events} of {reference.value} {reference.label} is {_num(actual, decimals(percent))}% "
                 f"(reported {_pct(percent)})")
        return None

    # --- effects --------------------------------------------------------------

    def check_effect(self, i: int, outcome: Outcome, pair: Optional[tuple[tuple[int, ArmResult], tuple[int, ArmResult]]],
                     denominators: dict[str, _Denominator]) -> None:
        effect = outcome.effect
        assert effect is not None
        base = ("outcomes", i, "effect")
        label = outcome.label
        if effect.measure == "risk difference":
            scale = _rd_scale(effect)
            limit = scale
            bad = [v for v in (effect.estimate, *(effect.ci or ())) if v is not None and abs(v) > limit + _EPS]
            if bad:
                unit = {100: " percentage points", 1000: " per 1,000", 1: ""}[scale]
                self.add("error", "effect-impossible",
                         f"A risk difference of {_given_signed(bad[0])}{unit} is impossible: risks differ by at "
                         f"most {limit}{unit} ({label}).",
                         [_path(*base, "estimate" if bad[0] == effect.estimate else "ci")])
                return
        if pair is not None and effect.estimate is not None:
            self.check_crude(i, outcome, effect, pair, denominators)
        self.check_ci_p(i, outcome, effect)

    def check_crude(self, i: int, outcome: Outcome, effect: Effect, pair, denominators: dict[str, _Denominator]) -> None:
        (j1, r1), (j2, r2) = pair
        est = effect.estimate
        tol_est = float(_half(est)) + _EPS
        res = lambda j, name: _path("outcomes", i, "results", j, name)  # noqa: E731
        measure = effect.measure
        what = f"the reported {measure}, {_given_signed(est) if not effect.is_ratio else _given(est)}" \
               f"{' ' + effect.unit if effect.unit else ''}"
        crude_text = ""
        fields = [_path("outcomes", i, "effect", "estimate")]
        detail = ""
        consistent = True

        if measure in ("risk difference", "risk ratio", "odds ratio"):
            scale = _rd_scale(effect) if measure == "risk difference" else 1
            fn = _MEASURES[measure]
            e1, e2 = known(r1.events), known(r2.events)
            d1, d2 = denominators.get(r1.arm), denominators.get(r2.arm)
            if e1 is not None and e2 is not None and d1 and d2 and d1.exact and d2.exact:
                n1, n2 = d1.n, d2.n
                value = _safe(fn, e1 / n1, e2 / n2)
                if value is None:
                    return
                value *= scale
                places = max(decimals(est), 1 if scale != 1 else 2)
                crude_text = (f"the crude {measure} recomputed from the arms, "
                              f"{_expr(measure, f'{e1}/{n1}', f'{e2}/{n2}')} = {_crude_fmt(value, measure, places, scale)}")
                consistent = abs(value - est) <= tol_est
                fields += [res(j1, "events"), res(j1, "total"), res(j2, "events"), res(j2, "total")]
                detail = (f"Recomputed from the counts without any adjustment, the {measure} is "
                          f"{_crude_fmt(value, measure, 3 if scale == 1 else 2, scale)}; the reported value is "
                          f"{_given(est)}.")
            elif r1.percent is not None and r2.percent is not None:
                p1, p2 = r1.percent, r2.percent
                point = _safe(fn, p1 / 100, p2 / 100)
                if point is None:
                    return
                point *= scale
                places = max(decimals(p1), decimals(p2)) if measure == "risk difference" and scale == 100 else 2
                crude_text = (f"the crude {'difference' if measure == 'risk difference' else measure} of the reported "
                              f"percentages, {_expr(measure, _pct(p1), _pct(p2))} = {_crude_fmt(point, measure, places, scale)}")
                fields += [res(j1, "percent"), res(j2, "percent")]
                # Every value the rounded percentages allow.
                lo1, hi1 = (float(_exact(p1) - _half(p1)) / 100, float(_exact(p1) + _half(p1)) / 100)
                lo2, hi2 = (float(_exact(p2) - _half(p2)) / 100, float(_exact(p2) + _half(p2)) / 100)
                corners = [_safe(fn, a, b) for a in (max(lo1, 0.0), min(hi1, 1.0)) for b in (max(lo2, 0.0), min(hi2, 1.0))]
                if any(c is None for c in corners):
                    return
                low, high = min(corners) * scale, max(corners) * scale
                consistent = low - tol_est <= est <= high + tol_est
                detail = (f"Each reported percentage may be up to half a unit off through rounding, so the crude "
                          f"value lies between {_crude_fmt(low, measure, 2, scale)} and "
                          f"{_crude_fmt(high, measure, 2, scale)}")
                # With the counts, only the denominators that fit the percentages are possible.
                sets = []
                for r, d in ((r1, d1), (r2, d2)):
                    e = known(r.events)
                    ns = None
                    if d is not None and d.exact:
                        ns = range(d.n, d.n + 1)
                    elif e is not None:
                        ns = implied_denominators(e, r.percent)
                    sets.append((e, ns))
                (ea, na), (eb, nb) = sets
                if (ea is not None and eb is not None and na is not None and nb is not None
                        and 0 < len(na) * len(nb) <= 10_000):
                    values = [v * scale for a in na for b in nb if (v := _safe(fn, ea / a, eb / b)) is not None]
                    if values:
                        consistent = consistent and any(abs(v - est) <= tol_est for v in values)
                        combos = (f"{ea}/{_list_or(na) if len(na) <= 3 else f'({na[0]} to {na[-1]})'} and "
                                  f"{eb}/{_list_or(nb) if len(nb) <= 3 else f'({nb[0]} to {nb[-1]})'}")
                        span = (_crude_fmt(min(values), measure, 2, scale) if len(values) == 1 or
                                _round(min(values), 2) == _round(max(values), 2) else
                                f"{_crude_fmt(min(values), measure, 2, scale)} to {_crude_fmt(max(values), measure, 2, scale)}")
                        detail += (f"; with the counts and the only denominators that fit the percentages "
                                   f"({combos}) it is {span}")
                detail += f". The reported value is {_given(est)}."
            else:
                return
        elif measure == "mean difference" and outcome.kind == "continuous":
            if r1.mean is None or r2.mean is None:
                return
            m1, m2 = r1.mean, r2.mean
            value = m1 - m2
            # 4.0 reads back as 4: the means share the finer of their two precisions.
            places = max(decimals(m1), decimals(m2))
            tol = 2 * float(Fraction(1, 2 * 10 ** places)) + tol_est
            consistent = abs(value - est) <= tol
            crude_text = (f"the difference of the reported means, {_given(m1)} − {_given(m2)} = {_signed(value, places)}")
            fields += [res(j1, "mean"), res(j2, "mean")]
            detail = (f"The difference of the arms' means is {_signed(value, places)}; allowing for rounding of the "
                      f"means it could be {_signed(value - tol + tol_est, places + 1)} to "
                      f"{_signed(value + tol - tol_est, places + 1)}, and the reported value is {_given(est)}.")
        else:
            return
        if consistent:
            return
        if effect.adjusted:
            severity: Severity = "info"
            tail = "as expected, since the record marks the estimate as adjusted"
        elif effect.adjusted is False:
            severity = "warning"
            tail = "the record marks the estimate as unadjusted, so the paper's denominators or analysis may be worth checking"
        else:
            severity = "warning"
            tail = "the paper may report an adjusted estimate"
        self.add(severity, "effect-vs-crude",
                 f"{_short(outcome.label)}: {what}, differs from {crude_text}; {tail}.",
                 fields,
                 detail + " A trial often reports an estimate adjusted for stratification factors or baseline "
                          "values, or from a model with imputed data; such an estimate need not equal the crude "
                          "difference. The methods section should say which analysis the reported value comes from.",
                 f"{_short(outcome.label)}: reported {_given_signed(est) if not effect.is_ratio else _given(est)}, "
                 f"crude {crude_text.rsplit(' = ', 1)[-1]}" if crude_text else "")

    def check_ci_p(self, i: int, outcome: Outcome, effect: Effect) -> None:
        base = ("outcomes", i, "effect")
        null = effect.null_value
        alpha = 1.0 - effect.ci_level / 100.0
        level = _given(effect.ci_level)
        p_range = _parse_p(effect.p)
        p_sig: Optional[bool] = None
        if p_range is not None:
            if p_range[1] < alpha - _EPS:
                p_sig = True
            elif p_range[0] >= alpha - _EPS:
                p_sig = False
        ci_sig: Optional[bool] = None
        ci_text = ""
        if effect.ci is not None:
            low, high = effect.ci
            ci_text = f"{level}% CI {_given(low)} to {_given(high)}"
            # A limit exactly at the no-effect value is borderline: no verdict.
            if low > null or high < null:
                ci_sig = True
            elif low < null < high:
                ci_sig = False
        p_text = _p_text(effect.p)
        null_text = f"no effect ({_given(null)})"
        if ci_sig is not None and p_sig is not None and ci_sig != p_sig:
            if ci_sig:
                msg = (f"{_short(outcome.label)}: the {ci_text} excludes {null_text}, yet {p_text}; an interval that "
                       f"excludes no effect usually goes with P < {_num(alpha, 2)}.")
            else:
                msg = (f"{_short(outcome.label)}: the {ci_text} includes {null_text}, yet {p_text}; a P value below "
                       f"{_num(alpha, 2)} usually goes with an interval that excludes no effect.")
            self.add("warning", "ci-p-mismatch", msg, [_path(*base, "ci"), _path(*base, "p")],
                     "A confidence interval and a P value from the same analysis agree: the interval excludes "
                     "the no-effect value exactly when P is below 1 − the confidence level. When they disagree, "
                     "they may come from different analyses (an exact test and an approximate interval, an "
                     "adjusted and an unadjusted model), or one of them may be mistyped.")
        claim = effect.significant
        if claim is None:
            return
        non_inferiority = self.study.design.type == "non-inferiority"
        severity: Severity = "info" if non_inferiority else "warning"
        extra = " (in a non-inferiority trial the claim may refer to the margin)" if non_inferiority else ""
        said = "statistically significant" if claim else "not statistically significant"
        if ci_sig is not None and ci_sig != claim:
            evidence = f"its {ci_text} {'excludes' if ci_sig else 'includes'} {null_text}"
            fields = [_path(*base, "significant"), _path(*base, "ci")]
        elif ci_sig is None and p_sig is not None and p_sig != claim:
            evidence = f"{p_text}"
            fields = [_path(*base, "significant"), _path(*base, "p")]
        else:
            return
        self.add(severity, "significance-claim",
                 f"{_short(outcome.label)}: the record calls the effect {said}, but {evidence}{extra}.",
                 fields,
                 f"At the {level}% level an effect is statistically significant exactly when its {level}% "
                 f"interval excludes the no-effect value ({_given(null)}), i.e. when P < {_num(alpha, 2)}. "
                 f"Check the source for which statement is right.")

    def check_completeness(self, i: int, outcome: Outcome, has_derived: bool) -> None:
        if not outcome.primary or len(self.study.arms) < 2:
            return  # a single-group study has no between-arm effect to report
        effect = outcome.effect
        if effect is None or effect.estimate is None:
            shown = "; the recomputed crude effect is shown instead" if has_derived else ""
            self.add("warning", "primary-no-effect",
                     f"{_short(outcome.label)}: the record gives no between-arm effect estimate for this primary "
                     f"outcome{shown}.",
                     [_path("outcomes", i, "effect")],
                     "A trial report should give, for each primary outcome, the estimated effect and its "
                     "precision (CONSORT item 17a).")
            return
        if effect.ci is None:
            missing = "confidence interval or P value" if effect.p is None else "confidence interval"
            self.add("info", "primary-no-ci",
                     f"{_short(outcome.label)}: the record gives no {missing} for this primary outcome "
                     f"({_MEASURE_SHORT[effect.measure]} {_given_signed(effect.estimate) if not effect.is_ratio else _given(effect.estimate)}"
                     f"{' ' + effect.unit if effect.unit else ''}), so its precision cannot be judged from the record.",
                     [_path("outcomes", i, "effect", "ci")],
                     "Without an interval a reader cannot tell a precise null result from an imprecise one "
                     "(CONSORT item 17a asks for the effect size and its precision).")

    # --- derived values -------------------------------------------------------

    def derive_binary(self, key: str, r1: ArmResult, r2: ArmResult, d1: Optional[_Denominator],
                      d2: Optional[_Denominator], higher_is_better: Optional[bool], level: float) -> tuple[str, ...]:
        e1, e2 = known(r1.events), known(r2.events)
        out: list[str] = []
        if e1 is not None and e2 is not None and d1 and d2 and d1.n >= max(e1, 1) and d2.n >= max(e2, 1):
            if d1.exact and d2.exact:
                mark = "(recomputed)"
            else:
                sources = {d.source or "reported" for d in (d1, d2)}
                what = _LABELS.get(sources.pop(), "") if len(sources) == 1 else "flow counts"
                mark = f"(recomputed over the {d1.n} and {d2.n} {what})"
            rd = stats.risk_difference(e1, d1.n, e2, d2.n, level=level)
            lvl = _given(level * 100)
            pk = stats.per_1000(rd)
            out.append(f"{_signed(pk.value, 0)} per 1,000 ({lvl}% CI {_signed(pk.lower, 0)} to {_signed(pk.upper, 0)}) {mark}")
            if higher_is_better is not None:
                out.append(f"{stats.nnt(rd, higher_is_better=higher_is_better).format()} {mark}")
        elif r1.percent is not None and r2.percent is not None:
            diff = _exact(r1.percent) - _exact(r2.percent)
            out.append(f"{_signed(float(diff) * 10, 0)} per 1,000 (from reported %, recomputed)")
        return tuple(out)

    def derive_continuous(self, r1: ArmResult, r2: ArmResult, unit: Optional[str], level: float) -> tuple[str, ...]:
        n1, n2 = known(r1.total), known(r2.total)
        if None in (r1.mean, r1.sd, r2.mean, r2.sd, n1, n2) or not n1 or not n2:
            return ()
        md = stats.mean_difference(r1.mean, r1.sd, n1, r2.mean, r2.sd, n2, level=level)
        places = min(3, max(decimals(r1.mean), decimals(r2.mean)) + 1)
        unit_text = f" {unit}" if unit else ""
        return (f"MD {_signed(md.value, places)}{unit_text} ({_given(level * 100)}% CI {_signed(md.lower, places)} "
                f"to {_signed(md.upper, places)}) (recomputed)",)

    # --- driver ---------------------------------------------------------------

    def run(self) -> None:
        study = self.study
        self.check_flow()
        for i, outcome in enumerate(study.outcomes):
            denominators = self.check_results(outcome.label, ("outcomes", i), outcome.results, harm=False)
            pair = self.pair(("outcomes", i), outcome.results, outcome.effect.compares if outcome.effect else None)
            level = (outcome.effect.ci_level if outcome.effect else 95) / 100
            derived: tuple[str, ...] = ()
            if pair is not None:
                (_, r1), (_, r2) = pair
                if outcome.kind == "binary":
                    derived = self.derive_binary(outcome.id, r1, r2, denominators.get(r1.arm), denominators.get(r2.arm),
                                                 outcome.higher_is_better, level)
                elif outcome.kind == "continuous":
                    derived = self.derive_continuous(r1, r2, outcome.unit, level)
            if derived:
                self.derived[outcome.id] = derived
            if outcome.effect is not None:
                self.check_effect(i, outcome, pair, denominators)
            self.check_completeness(i, outcome, bool(derived))
        for i, harm in enumerate(study.harms):
            denominators = self.check_results(harm.label, ("harms", i), harm.results, harm=True)
            pair = self.pair(("harms", i), harm.results, None)
            if pair is not None:
                (_, r1), (_, r2) = pair
                derived = self.derive_binary(f"harm-{i}", r1, r2, denominators.get(r1.arm),
                                             denominators.get(r2.arm), False, 0.95)
                if derived:
                    self.derived[f"harm-{i}"] = derived

    def check_results(self, label: str, base: tuple, results: list[ArmResult], harm: bool) -> dict[str, _Denominator]:
        arm_ids = {a.id for a in self.study.arms}
        out: dict[str, _Denominator] = {}
        for j, result in enumerate(results):
            if result.arm not in arm_ids:
                continue
            d = self.check_result(label, (*base, "results", j), result, harm)
            if d is not None:
                out[result.arm] = d
        return out

    def pair(self, base: tuple, results: list[ArmResult], compares: Optional[tuple[str, str]]):
        ids = compares or tuple(a.id for a in self.study.arms[:2])
        if len(ids) < 2 or ids[0] == ids[1]:
            return None
        found = []
        for arm_id in ids[:2]:
            match = next(((j, r) for j, r in enumerate(results) if r.arm == arm_id), None)
            if match is None:
                return None
            found.append(match)
        return found[0], found[1]


_MEASURE_SHORT = {
    "risk difference": "RD", "risk ratio": "RR", "odds ratio": "OR", "hazard ratio": "HR", "rate ratio": "rate ratio",
    "mean difference": "MD", "standardized mean difference": "SMD", "median difference": "median difference",
}


def _odds(p: float) -> float:
    return p / (1.0 - p)


_MEASURES: dict[str, Callable[[float, float], float]] = {
    "risk difference": lambda a, b: a - b,
    "risk ratio": lambda a, b: a / b,
    "odds ratio": lambda a, b: _odds(a) / _odds(b),
}


def _safe(fn: Callable[[float, float], float], a: float, b: float) -> Optional[float]:
    try:
        value = fn(a, b)
    except ZeroDivisionError:
        return None
    return value if math.isfinite(value) else None


def _expr(measure: str, a: str, b: str) -> str:
    if measure != "risk difference" and "/" in a:
        a, b = f"({a})", f"({b})"
    if measure == "risk difference":
        return f"{a} − {b}"
    if measure == "risk ratio":
        return f"{a} ÷ {b}"
    return f"odds of {a} ÷ odds of {b}"


def _crude_fmt(value: float, measure: str, places: int, scale: float) -> str:
    if measure == "risk difference":
        unit = {100: " points", 1000: " per 1,000"}.get(int(scale), "")
        return f"{_signed(value, places)}{unit}"
    return _num(value, places)


def _rd_scale(effect: Effect) -> int:
    """What a risk difference of 1 (everyone vs no one) is on the record's scale: 1, 100 or 1000."""
    unit = (effect.unit or "").lower().replace(",", "").replace(" ", "")
    if "1000" in unit:
        return 1000
    if "point" in unit or "%" in unit or "percent" in unit:
        return 100
    values = [v for v in (effect.estimate, *(effect.ci or ())) if v is not None]
    return 1 if values and all(abs(v) <= 1 for v in values) else 100


def _short(label: str) -> str:
    """An outcome label without a trailing parenthesis: "DAS28-CRP remission (< 2.6)" -> "DAS28-CRP remission"."""
    text = " ".join(label.split())
    if text.endswith(")"):
        depth = 0
        for k in range(len(text) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(text[k], 0)
            if depth == 0:
                head = text[:k].rstrip(" ,;:")
                return head if head else text
    return text


def _p_text(p: Union[float, str, None]) -> str:
    if p is None:
        return ""
    if isinstance(p, str):
        text = p.strip()
        if text[:1].lower() == "p":
            text = text[1:].strip()
        if text[:1] in "<>=≤≥":
            return f"P {text[0]} {text[1:].strip()}"
        return f"P = {text}"
    return f"P = {_given(p)}"


# --------------------------------------------------------------------------
# public API


def run_audit(checked_or_study) -> AuditResult:
    """Audit a ``Checked`` record or a ``Study``. Never raises for what it finds."""
    study = getattr(checked_or_study, "study", checked_or_study)
    if not isinstance(study, Study):
        raise TypeError(f"run_audit needs a validate.Checked or a model.Study, got {type(checked_or_study).__name__}")
    audit = _Audit(study)
    audit.run()
    findings = tuple(sorted(audit.findings, key=lambda f: _RANK[f.severity]))
    return AuditResult(findings, dict(audit.derived), reader_notes(findings))


_NOTE_LEADS = {
    "percent-denominator": ("Reported percentages do not match the counts in the participant flow: ",
                            ". The paper's denominators are not in the record."),
    "percent-mismatch": ("Reported percentages do not match the counts: ", "."),
    "effect-vs-crude": ("Reported effects differ from the crude differences of the reported percentages (",
                        "); the paper may report adjusted estimates."),
}


def reader_notes(findings: Iterable[Finding]) -> tuple[str, ...]:
    """Short notes for readers: one per kind of warning, the arithmetic listed, in first-seen order."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.severity == "warning":
            key = f.code if f.fragment and f.code in _NOTE_LEADS else f"{f.code}#{len(groups)}"
            groups.setdefault(key, []).append(f)
    notes = []
    for key, items in groups.items():
        if key in _NOTE_LEADS:
            lead, tail = _NOTE_LEADS[key]
            notes.append(lead + "; ".join(f.fragment for f in items) + tail)
        else:
            notes.extend(f.message for f in items)
    return tuple(notes)


def format_findings(path: Union[str, Path], findings: Iterable[Finding]) -> str:
    """CLI text: one line per finding prefixed by ``path``, then a summary line."""
    findings = list(findings)
    name = shown_name(path)
    lines = [f"{name}: {f}" for f in findings]
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    words = {"error": "error", "warning": "warning", "info": "note"}
    parts = [f"{n} {words[s]}{'' if n == 1 else 's'}" for s, n in counts.items() if n]
    lines.append(f"{name}: {', '.join(parts) if parts else 'no findings'}")
    return "\n".join(lines)


def errors_as_record_error(result: AuditResult, file: Union[str, Path] = "") -> Optional[RecordError]:
    """A ``RecordError`` naming the fields of every error finding, or None when there is none.

    When ``file`` is a readable record, each problem is located at its field's line and column.
    """
    errors = [f for f in result.findings if f.severity == "error"]
    return RecordError(located(errors, file)) if errors else None


def located(findings: Iterable[Finding], file: Union[str, Path] = "") -> list[Problem]:
    """Each finding as a ``Problem`` at its first field's line and column in ``file`` (when readable)."""
    name = str(file)
    source = None
    if name:
        try:
            from .loader import load_file
            source = load_file(name)
        except RecordError:  # unreadable now: the audit's message matters more than the position
            source = None
    problems = []
    for finding in findings:
        field_ = finding.fields[0] if finding.fields else ""
        line, column = source.position(_parse_path(field_)) if source is not None and field_ else (0, 0)
        problems.append(Problem(name, line, column, field_, finding.message))
    return problems


def raise_for_errors(result: AuditResult, source_file: Union[str, Path] = "") -> None:
    """Raise ``RecordError`` when the audit found impossible numbers."""
    error = errors_as_record_error(result, source_file)
    if error is not None:
        raise error
