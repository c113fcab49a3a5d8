"""Check the numbers: recompute what the record allows and say where it does not add up.

In:  a validated record (``validate.Checked``) or a bare ``model.Study``.
Out: ``AuditResult``:

* ``findings``: ``Finding(severity, code, message, fields, detail, fragment,
  comparison)``, errors first, then warnings, then info, each group in record
  order, each once. ``message`` is one reader-facing sentence with the
  arithmetic, naming the comparison it is about ("Drug A vs Placebo");
  ``detail`` a longer explanation for speaker notes; ``fields`` the dotted
  paths involved; ``comparison`` the comparison's label ("" when none).
* ``absolute``: outcome or harm id -> ``Absolute`` effects per 1,000, one per
  comparison (and per distinct reported value), each saying how it was made.
* ``derived``: outcome or harm id -> the same as reader-facing strings
  (``str(Absolute)``), with an NNT or a mean difference where one is
  recomputed; prefixed "Drug A vs Placebo: " when there are several comparisons.
* ``recomputed``: the part of ``derived`` that belongs to no reported effect
  (recomputed from the per-arm numbers), for the row rather than an effect.
* ``notes``: the messages of the warnings, for readers.

``run_audit`` never raises for what it finds; ``errors_as_record_error``
turns error findings into a located ``RecordError`` for the build to raise.

What the audit may compare. Per-arm ``events``/``total``/``percent`` are
proportions of participants and are checked against each other; a
Kaplan–Meier percentage and a rate are never compared with them. A hazard
ratio is never recomputed; a rate ratio is recomputed (from events and
person-time, else as the crude ratio of the printed rates) only when the
record does not mark it adjusted. A percentage is judged at the precision it
was printed with (``14.0`` to one decimal, ``14`` to none), with exact
decimal arithmetic.

Absolute effects (per 1,000) come from the reported effect (``absolute``: a
reported risk difference rescaled, or a reported ratio applied to the
reference arm's risk or rate, GRADE's method). Only when a comparison has no
reported effect are they computed here from the per-arm counts (marked
"recomputed"). The crude difference of printed percentages appears in the
findings only. Printed-number arithmetic and text: ``arithmetic``.

Checks (code: severity):

``percent-mismatch`` (warning)
    events / total against the reported percentage, at the precision it was
    printed (an integer percentage fits when within 0.5 of 100·e/n, one
    decimal within 0.05, and so on; ties fit either way).
``percent-denominator`` (warning) / ``percent-denominator-other`` (info)
    no total given: the whole numbers n for which e/n gives the reported
    percentage, against the flow's counts for that arm (outcomes: analysed,
    else completed; harms: received, allocated, randomized). Warning when no
    flow count fits; info when only another flow count (e.g. allocated) fits.
    When the record says the total is "not in sources" / "not reported", only
    the people measured (analysed, completed; harms also received) are held
    against the percentage, never the arm's size.
``percent-no-denominator`` (warning)
    no whole number of participants gives the count as that percentage.
``events-exceed-arm`` (error) / ``events-exceed-analysed`` (warning)
    more events than people allocated to (or analysed in) the arm.
``summary-outside-interval`` (warning)
    a mean outside its own confidence interval, a median outside its IQR.
``effect-impossible`` (error)
    a ratio (or a limit) at or below 0; a risk difference beyond ±100 points.
``ci-excludes-estimate`` (warning)
    an estimate outside its own interval (beyond the printed precision).
``effect-vs-crude`` (warning; info when the record marks the estimate
adjusted or the trial is cluster-randomized)
    reported risk difference / risk ratio / odds ratio / rate ratio / mean
    difference against the crude value from the per-arm numbers.
``ci-p-mismatch`` (warning)
    a superiority interval that excludes no effect with P ≥ 1 − level, or
    the reverse.
``significance-claim`` (warning)
    "significant" / "not significant" contradicted by P at the effect's own
    ``threshold`` (or, at the default threshold, by the interval).
``margin`` (info) / ``margin-not-checked`` (info)
    a non-inferiority or equivalence interval against its margin, said in
    words ("upper 95% CI bound 1.11 < margin 1.46: non-inferiority shown").
``flow-sum`` / ``flow-exceeds`` (error)
    arms' randomized or allocated counts that do not sum to the number
    randomized; a per-arm count above the number allocated.
``flow-balance`` (error if more, warning if fewer, info if lost is unknown)
    completed + discontinued + lost against allocated.
``primary-no-effect`` (warning; info when our sources lack it) /
``primary-no-ci`` (info)
    reporting completeness of primary outcomes.

Subgroups are checked lightly: per-arm percentages, ratio signs and each
estimate inside its interval.

Numbers are written with the minus sign U+2212, like ``content.number``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable, Literal, Optional, Union

from . import absolute, rules, stats
from .absolute import MEASURE_SHORT, Absolute, comparison_label, per_1000_words, rd_scale
from .arithmetic import (as_printed, as_printed_signed, count_text, decimals, fixed, fraction, half_unit,
                         number_or_none, percent_text, rounded, signed)
from .errors import Problem, RecordError, shown_name
from .loader import Source, format_path, parse_path
from .model import NOT_IN_SOURCES, ArmResult, Effect, Margin, Outcome, Study, known

__all__ = [
    "Absolute",
    "per_1000_words",
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
    comparison: str = ""  # e.g. "Dabigatran 150 mg vs Warfarin"; "" for per-arm and flow findings
    line: int = field(default=0, compare=False)    # where fields[0] stands in the record file; 0: not known
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        where = f" {', '.join(self.fields)}:" if self.fields else ""
        return f"{self.severity}:{where} {self.message}"


@dataclass(frozen=True)
class AuditResult:
    findings: tuple[Finding, ...] = ()
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    absolute: dict[str, tuple[Absolute, ...]] = field(default_factory=dict)
    recomputed: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")


# --------------------------------------------------------------------------
# number helpers


def percent_fits(events: int, total: int, percent: float) -> bool:
    """True when ``100·events/total`` rounds to ``percent`` at the precision it was printed."""
    if total <= 0:
        return False
    return abs(Fraction(100 * events, total) - fraction(percent)) <= half_unit(percent)


def implied_denominators(events: int, percent: float) -> Optional[range]:
    """Every whole n >= events (n >= 1) for which ``events/n`` is ``percent`` as printed.

    None when the set is unbounded (e.g. 0 events at 0%); an empty range when
    no whole number fits. The set is always a run of consecutive numbers.
    """
    p, h = fraction(percent), half_unit(percent)
    low, high = p - h, p + h
    if events == 0:
        return None if low <= 0 else range(0)
    if low <= 0:
        return None
    n_min = max(events, 1, math.ceil(Fraction(100 * events) / high))
    n_max = math.floor(Fraction(100 * events) / low)
    return range(n_min, max(n_min, n_max + 1))


def _path(*parts: str | int) -> str:
    return format_path(parts)


def _list_or(values: Iterable[object]) -> str:
    items = [str(v) for v in values]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def _denominators_text(ns: range) -> str:
    if len(ns) <= 4:
        return f"a denominator of {_list_or(count_text(n) for n in ns)}"
    return f"a denominator between {count_text(ns[0])} and {count_text(ns[-1])}"


def _parse_p(p: Union[float, str, None]) -> Optional[tuple[float, float]]:
    """The range a printed P value stands for: 0.04 -> (0.035, 0.045); "<0.001" -> (0, 0.001)."""
    if p is None:
        return None
    if not isinstance(p, str):
        h = float(half_unit(p))
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
    h = float(Fraction(1, 2 * 10 ** max(0, -Decimal(text).as_tuple().exponent)))
    return max(0.0, value - h), min(1.0, value + h)


# --------------------------------------------------------------------------
# the audit


_OUTCOME_ORDER = ("analysed", "completed", "received", "allocated", "randomized")
_HARM_ORDER = ("received", "allocated", "randomized", "analysed", "completed")
_MEASURED = ("analysed", "completed")
_MEASURED_HARM = ("received", "analysed", "completed")
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


@dataclass(frozen=True)
class _Item:
    """An outcome or a harm, with where it sits in the record."""

    key: str             # outcome or harm id
    base: tuple          # ("outcomes", i) or ("harms", i)
    outcome: Outcome
    harm: bool


class _Audit:
    def __init__(self, study: Study):
        self.study = study
        self.findings: list[Finding] = []
        self.seen: set[tuple[str, str, str]] = set()
        self.derived: dict[str, tuple[str, ...]] = {}
        self.absolute: dict[str, tuple[Absolute, ...]] = {}
        self.recomputed: dict[str, tuple[str, ...]] = {}

    def add(self, severity: Severity, code: str, message: str, fields: Iterable[str], detail: str = "",
            fragment: str = "", comparison: str = "") -> None:
        """Record a finding once: the same observation reached twice (e.g. through a
        non-inferiority and a superiority entry of one comparison) is said once."""
        key = (severity, code, message)
        if key in self.seen:
            return
        self.seen.add(key)
        self.findings.append(Finding(severity, code, message, tuple(fields), detail, fragment, comparison))

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
        """The breaches of ``rules`` as errors (validate lets none through); a flow that leaves
        participants unaccounted for as a warning, or a note when the number lost is not given."""
        study = self.study
        for breach, counts in ((rules.randomized_sum(study), "randomized"), (rules.allocated_sum(study), "allocated")):
            if breach is not None:
                self.add("error", "flow-sum",
                         f"The arms' {counts} counts add up to {' + '.join(map(str, breach.parts))} = {breach.sum}, "
                         f"not the {breach.total} randomized.",
                         ["flow.randomized", *map(format_path, breach.paths)])
        excesses = list(rules.flow_excesses(study))
        balances = {b.base: b for b in rules.flow_balances(study)}
        for k, af, ceiling in rules.flow_ceilings(study):
            name = study.arm(af.arm).short
            base = ("flow", "arms", k)
            for excess in (e for e in excesses if e.path[:3] == base):
                self.add("error", "flow-exceeds",
                         f"{count_text(excess.value)} {excess.name} in the {name} arm is more than the "
                         f"{count_text(ceiling.value)} {ceiling.name}.",
                         [format_path(excess.path), format_path(ceiling.path)])
            if base in balances:
                self.check_balance(name, balances[base])

    def check_balance(self, name: str, balance: rules.Balance) -> None:
        base, ceiling, used = balance.base, balance.ceiling.value, balance.used
        completed, discontinued, lost = balance.completed, balance.discontinued, balance.lost
        fields = [_path(*base, "completed"), _path(*base, "discontinued")]
        what = balance.ceiling.name
        if lost is not None:
            fields.append(_path(*base, "lost"))
            sum_text = (f"{count_text(completed)} completed + {count_text(discontinued)} discontinued + "
                        f"{count_text(lost)} lost = {count_text(used)}")
        else:
            sum_text = (f"{count_text(completed)} completed + {count_text(discontinued)} discontinued = "
                        f"{count_text(used)}")
        fields.append(format_path(balance.ceiling.path))
        if balance.over:
            self.add("error", "flow-balance",
                     f"In the {name} arm, {sum_text}, more than the {count_text(ceiling)} {what}.", fields)
        elif used < ceiling and lost is not None:
            self.add("warning", "flow-balance",
                     f"In the {name} arm, {sum_text}, not the {count_text(ceiling)} {what}; "
                     f"{count_text(ceiling - used)} participants are not accounted for in the flow.",
                     fields,
                     "In a CONSORT flow diagram every participant allocated to an arm should be counted once: "
                     "as having completed, discontinued or been lost to follow-up. A gap usually means a box "
                     "of the diagram (for example deaths or withdrawals of consent) is missing from the record.")
        elif used < ceiling:
            self.add("info", "flow-balance",
                     f"In the {name} arm, {sum_text}, {count_text(ceiling - used)} fewer than the "
                     f"{count_text(ceiling)} {what}; the number lost to follow-up is not given.", fields)

    # --- per-arm counts and percentages ---------------------------------------

    def label_of(self, group_id: str) -> str:
        return self.study.group_label(group_id)

    def check_result(self, item_label: str, base: tuple, result: ArmResult, harm: bool) -> Optional[_Denominator]:
        """Check one arm's count and percentage; return the denominator that can be used, if any."""
        arm_name = self.label_of(result.arm)
        where = f"{_short(item_label)}, {arm_name}: "
        events, total, percent = known(result.events), known(result.total), number_or_none(result.percent)
        f_events, f_total, f_percent = _path(*base, "events"), _path(*base, "total"), _path(*base, "percent")
        self.check_summary(where, base, result)
        counts = self.flow_counts(result.arm, _HARM_ORDER if harm else _OUTCOME_ORDER)
        by_name = {c.name: c for c in counts}

        if events is not None and total is None:
            excess = rules.result_excess(self.study, base, result)
            if excess is not None and excess.ceiling.path:  # an arm's size (a group's is the sum of its arms)
                ceiling = excess.ceiling
                self.add("error", "events-exceed-arm",
                         f"{where}{count_text(events)} with the outcome is more than the {count_text(ceiling.value)} "
                         f"{_LABELS[ceiling.name]} to this arm.",
                         [f_events, format_path(ceiling.path)])
                return None
            analysed = by_name.get("analysed")
            if analysed is not None and events > analysed.value:
                self.add("warning", "events-exceed-analysed",
                         f"{where}{count_text(events)} with the outcome is more than the {count_text(analysed.value)} analysed in this arm.",
                         [f_events, analysed.field])

        if total is not None:
            if total == 0:
                return None
            if events is not None and percent is not None:
                self.check_percent(where, events, total, percent, [f_percent, f_events, f_total])
            elif events is None and percent is not None:
                if not any(percent_fits(e, total, percent) for e in range(total + 1)):
                    self.add("warning", "percent-mismatch",
                             f"{where}no whole number of participants out of {count_text(total)} is {percent_text(percent)}; "
                             f"{percent_text(percent)} of {count_text(total)} is "
                             f"{fixed(percent * total / 100, 1)}.",
                             [f_percent, f_total])
            return _Denominator(total, True) if events is not None else None

        if events is None or percent is None:
            return None
        ns = implied_denominators(events, percent)
        if ns is None:
            return None
        if not len(ns):
            self.add("warning", "percent-no-denominator",
                     f"{where}no whole number of participants gives {events} as {percent_text(percent)}; "
                     f"the percentage may be an estimate (e.g. from imputed or weighted data) rather than "
                     f"a simple proportion.",
                     [f_percent, f_events],
                     f"{events}/n rounds to {percent_text(percent)} for no whole number n: "
                     f"{events}/{max(events, 1)} and its neighbours step over it. A percentage from multiple "
                     f"imputation or weighting need not match any count; a Kaplan–Meier percentage belongs "
                     f"in kaplan_meier, not percent.")
            return None
        if not counts:
            return None
        fitting = [c for c in counts if c.value in ns]
        if isinstance(result.total, str):
            # The record says the paper's denominator is unknown: only the people measured (analysed,
            # completed; for harms also those treated) may be held against the percentage, never the
            # arm's size, which the paper's percentages need not use.
            counts = [c for c in counts if c.name in (_MEASURED_HARM if harm else _MEASURED)]
            if not counts:
                return _Denominator(fitting[0].value, False, fitting[0].name) if fitting else None
        if harm:
            reference = counts[0]
        else:
            reference = by_name.get("analysed") or by_name.get("completed") or counts[0]
        if reference.value in ns:
            return _Denominator(reference.value, False, reference.name)
        actual = 100 * events / reference.value
        head = (f"{where}{count_text(events)} of {count_text(reference.value)} {reference.label} is {fixed(actual, decimals(percent))}%, "
                f"not the reported {percent_text(percent)}")
        detail = (f"The record gives {events} ({percent_text(percent)}) for {item_label} in the {arm_name} arm but no "
                  f"denominator. In that arm the flow counts {count_text(reference.value)} {reference.label}; {events}/{reference.value} = "
                  f"{fixed(actual, 1)}%, which rounds to {fixed(actual, decimals(percent))}%. "
                  f"{events}/n rounds to {percent_text(percent)} only for n = {_list_or(ns) if len(ns) <= 4 else f'{ns[0]} to {ns[-1]}'}")
        if fitting:
            other = fitting[0]
            self.add("info", "percent-denominator-other",
                     f"{head}; the percentage fits the {other.value} {other.label} instead.",
                     [f_percent, reference.field, other.field],
                     detail + f", which matches the {other.value} {other.label}.")
            return _Denominator(other.value, False, other.name)
        hint = " (e.g. those analysed)" if "analysed" not in by_name else ""
        self.add("warning", "percent-denominator",
                 f"{head}; {percent_text(percent)} of {events} implies {_denominators_text(ns)}, so the percentages may "
                 f"use another denominator{hint}.",
                 [f_percent, reference.field],
                 detail + ". The percentages probably rest on another analysis population (for example those "
                          "with an outcome assessment at that visit, or imputed data); the paper's tables or "
                          "methods should say which.",
                 f"{count_text(events)} of {count_text(reference.value)} {reference.label} is {fixed(actual, decimals(percent))}% "
                 f"(reported {percent_text(percent)})")
        return None

    def check_percent(self, where: str, events: int, total: int, percent: float, fields: list[str]) -> None:
        """events/total against a printed percentage, at its printed precision."""
        if percent_fits(events, total, percent):
            return
        ns = implied_denominators(events, percent)
        implied = (f"; {percent_text(percent)} of {events} implies {_denominators_text(ns)}"
                   if ns is not None and len(ns) else "")
        actual = Fraction(100 * events, total)
        self.add("warning", "percent-mismatch",
                 f"{where}{count_text(events)} of {count_text(total)} is {fixed(actual, decimals(percent))}%, not the reported "
                 f"{percent_text(percent)}{implied}.",
                 fields,
                 f"{events}/{total} = {fixed(actual, 2)}%, which does not round to the reported "
                 f"{percent_text(percent)} (judged at the {decimals(percent)} decimal place(s) it was printed with). "
                 f"Either a count or the percentage was mistyped in the record or the paper, or the "
                 f"percentage rests on another denominator (for example imputed data).",
                 f"{events}/{total} is {fixed(actual, decimals(percent))}% (reported {percent_text(percent)})")

    def check_summary(self, where: str, base: tuple, result: ArmResult) -> None:
        """A mean inside its own interval, a median inside its IQR (allowing for printed rounding)."""
        for centre_name, bounds_name, what in (("mean", "ci", "confidence interval"), ("median", "iqr", "interquartile range")):
            centre, bounds = number_or_none(getattr(result, centre_name)), getattr(result, bounds_name)
            if centre is None or bounds is None:
                continue
            low, high = bounds
            if fraction(low) - half_unit(low) <= fraction(centre) <= fraction(high) + half_unit(high):
                continue
            self.add("warning", "summary-outside-interval",
                     f"{where}the {centre_name} {as_printed(centre)} lies outside its {what} "
                     f"{as_printed(low)} to {as_printed(high)}.",
                     [_path(*base, centre_name), _path(*base, bounds_name)],
                     "A summary value always lies inside its own interval; one of the numbers is probably mistyped.")

    def check_results(self, item: _Item, results: list[ArmResult], base: tuple) -> dict[str, _Denominator]:
        known_ids = {a.id for a in self.study.arms} | {g.id for g in self.study.factor_groups}
        out: dict[str, _Denominator] = {}
        for j, result in enumerate(results):
            if result.arm not in known_ids:
                continue
            d = self.check_result(item.outcome.label, (*base, "results", j), result, item.harm)
            if d is not None:
                out[result.arm] = d
        return out

    # --- comparisons ----------------------------------------------------------

    def comparison_label(self, comparison: tuple[str, str]) -> str:
        return comparison_label(self.study, comparison)

    def default_comparisons(self) -> list[tuple[str, str]]:
        """The comparisons a result without a reported effect is read for: each arm against the
        one control arm; the two levels of each two-level factor; the first two of two arms."""
        study = self.study
        if study.design.factorial is not None:
            return [(f.groups[0].id, f.groups[1].id) for f in study.design.factorial.factors if len(f.groups) == 2]
        controls = [a.id for a in study.arms if a.role == "control"]
        if len(controls) == 1:
            return [(a.id, controls[0]) for a in study.arms if a.id != controls[0]]
        if len(study.arms) == 2:
            return [(study.arms[0].id, study.arms[1].id)]
        return []

    @staticmethod
    def pair(results: list[ArmResult], comparison: tuple[str, str]):
        if comparison[0] == comparison[1]:
            return None
        found = []
        for arm_id in comparison:
            match = next(((j, r) for j, r in enumerate(results) if r.arm == arm_id), None)
            if match is None:
                return None
            found.append(match)
        return found[0], found[1]

    def hypothesis(self, item: _Item, effect: Effect) -> tuple[str, Optional[Margin]]:
        """The effect's hypothesis and margin; a primary outcome inherits the design's."""
        design = self.study.design
        primary = item.outcome.primary and not item.harm
        hypothesis = effect.hypothesis or (design.hypothesis if primary else "superiority")
        margin = effect.margin
        if margin is None and primary and hypothesis != "superiority" and hypothesis == design.hypothesis:
            margin = design.margin
        return hypothesis, margin

    # --- effects --------------------------------------------------------------

    def check_shape(self, where: str, base: tuple, effect: Effect, comparison: str) -> bool:
        """Impossible values and an estimate outside its interval. False when the effect is impossible."""
        est, ci = effect.estimate_value, effect.interval
        values = [(v, "estimate") for v in (est,) if v is not None] + [(v, "ci") for v in (ci or ())]
        if effect.is_ratio:
            bad = [(v, name) for v, name in values if v <= 0]
            if bad:
                self.add("error", "effect-impossible",
                         f"{where}a {effect.measure} of {as_printed(bad[0][0])} is impossible: a ratio is above 0.",
                         [_path(*base, bad[0][1])], comparison=comparison)
                return False
        if effect.measure == "risk difference":
            scale = rd_scale(effect)
            bad = [(v, name) for v, name in values if abs(v) > scale + _EPS]
            if bad:
                unit = {100: " percentage points", 1000: " per 1,000", 1: ""}[scale]
                self.add("error", "effect-impossible",
                         f"{where}a risk difference of {as_printed_signed(bad[0][0])}{unit} is impossible: risks differ "
                         f"by at most {scale}{unit}.",
                         [_path(*base, bad[0][1])], comparison=comparison)
                return False
        if est is not None and ci is not None:
            low, high = ci
            if not fraction(low) - half_unit(low) - half_unit(est) <= fraction(est) <= fraction(high) + half_unit(high) + half_unit(est):
                self.add("warning", "ci-excludes-estimate",
                         f"{where}the estimate {as_printed(est)} lies outside its interval {as_printed(low)} to {as_printed(high)}.",
                         [_path(*base, "estimate"), _path(*base, "ci")],
                         "An estimate always lies inside its own confidence interval; one of the numbers is "
                         "probably mistyped, or the limits are swapped.", comparison=comparison)
        return True

    def check_effect(self, item: _Item, k: int, effect: Effect, comparison: tuple[str, str],
                     denominators: dict[str, _Denominator], first: bool) -> None:
        base = (*item.base, "effects", k)
        label = self.comparison_label(comparison)
        where = f"{_short(item.outcome.label)}, {label}: "
        if not self.check_shape(where, base, effect, label):
            return
        pair = self.pair(item.outcome.results, comparison)
        if first and pair is not None and effect.estimate_value is not None:
            self.check_crude(item, base, where, label, effect, pair, denominators)
        hypothesis, margin = self.hypothesis(item, effect)
        if hypothesis == "superiority":
            self.check_ci_p(where, base, effect, label)
        else:
            self.check_margin(where, base, effect, hypothesis, margin, label)

    def check_crude(self, item: _Item, base: tuple, where: str, label: str, effect: Effect, pair,
                    denominators: dict[str, _Denominator]) -> None:
        (j1, r1), (j2, r2) = pair
        est = effect.estimate_value
        assert est is not None
        tol_est = float(half_unit(est)) + _EPS
        res = lambda j, name: _path(*item.base, "results", j, name)  # noqa: E731
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
            tail = "the record marks the estimate as unadjusted, so the paper's denominators or analysis may be worth checking"
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
                 f"{as_printed_signed(est) if not effect.is_ratio else as_printed(est)}, crude {crude_text.rsplit(' = ', 1)[-1]}",
                 label)

    def crude_binary(self, effect: Effect, r1: ArmResult, r2: ArmResult, j1: int, j2: int, res,
                     denominators: dict[str, _Denominator], tol_est: float):
        """(consistent, crude text, fields, detail) for a risk difference / ratio / odds ratio, or None."""
        measure, est = effect.measure, effect.estimate_value
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
                      f"percentages, {_expr(measure, percent_text(p1), percent_text(p2))} = {_crude_fmt(point, measure, places, scale)}")
        # Every value the printed percentages allow.
        lo1, hi1 = max((fraction(p1) - half_unit(p1)) / 100, Fraction(0)), min((fraction(p1) + half_unit(p1)) / 100, Fraction(1))
        lo2, hi2 = max((fraction(p2) - half_unit(p2)) / 100, Fraction(0)), min((fraction(p2) + half_unit(p2)) / 100, Fraction(1))
        corners = [_safe(fn, a, b) for a in (lo1, hi1) for b in (lo2, hi2)]
        if any(c is None for c in corners):
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
            values = [v * scale for a in na for b in nb if (v := _safe(fn, Fraction(ea, a), Fraction(eb, b))) is not None]
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

    def crude_rate_ratio(self, r1: ArmResult, r2: ArmResult, j1: int, j2: int, res, tol_est: float, est: float):
        """The unadjusted rate ratio from events and person-time, else from the printed rates."""
        e1, e2 = known(r1.events), known(r2.events)
        t1, t2 = r1.person_time, r2.person_time
        if e1 and e2 and t1 is not None and t2 is not None and t1.unit == t2.unit and t1.value > 0 and t2.value > 0:
            t1, t2 = t1.value, t2.value
            value = stats.rate_ratio(e1, t1, e2, t2)
            assert value is not None  # both arms have events
            # Person-time is printed rounded too: allow for it.
            corners = [Fraction(e1) / a / (Fraction(e2) / b)
                       for a in (fraction(t1) - half_unit(t1), fraction(t1) + half_unit(t1))
                       for b in (fraction(t2) - half_unit(t2), fraction(t2) + half_unit(t2)) if a > 0 and b > 0]
            consistent = bool(corners) and min(corners) - tol_est <= fraction(est) <= max(corners) + tol_est
            text = (f"the crude rate ratio from events and person-time, ({e1}/{as_printed(t1)}) ÷ ({e2}/{as_printed(t2)}) "
                    f"= {fixed(value.value, 2)}")
            return (consistent, text, [res(j1, "events"), res(j1, "person_time"), res(j2, "events"), res(j2, "person_time")],
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
        text = f"the crude ratio of the printed rates, {as_printed(a.value)} ÷ {as_printed(b.value)} = {fixed(point, max(2, decimals(est)))}"
        return (low - tol_est <= fraction(est) <= high + tol_est, text, [res(j1, "rate"), res(j2, "rate")],
                f"The printed rates ({as_printed(a.value)} and {as_printed(b.value)} {a.unit}) allow a crude ratio between "
                f"{fixed(low, 3)} and {fixed(high, 3)}; the reported value is {as_printed(est)}. A crude ratio of rates "
                f"ignores any adjustment or allowance for clustering in the paper's model.")

    def crude_mean_difference(self, r1: ArmResult, r2: ArmResult, j1: int, j2: int, res, tol_est: float, est: float):
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

    def check_ci_p(self, where: str, base: tuple, effect: Effect, label: str) -> None:
        null = effect.null_value
        alpha = 1.0 - effect.ci_level / 100.0
        threshold = effect.threshold if effect.threshold is not None else None
        level = as_printed(effect.ci_level)
        p_range = _parse_p(effect.p)
        p_text = _p_text(effect.p)

        def below(limit: float) -> Optional[bool]:
            if p_range is None:
                return None
            if p_range[1] < limit - _EPS:
                return True
            if p_range[0] >= limit - _EPS:
                return False
            return None

        ci_sig: Optional[bool] = None
        ci_text = ""
        interval = effect.interval
        if interval is not None:
            low, high = interval
            ci_text = f"{level}% CI {as_printed(low)} to {as_printed(high)}"
            # A limit exactly at the no-effect value is borderline: no verdict.
            if low > null or high < null:
                ci_sig = True
            elif low < null < high:
                ci_sig = False
        null_text = f"no effect ({as_printed(null)})"
        p_sig = below(alpha)
        if ci_sig is not None and p_sig is not None and ci_sig != p_sig:
            if ci_sig:
                msg = (f"{where}the {ci_text} excludes {null_text}, yet {p_text}; an interval that "
                       f"excludes no effect usually goes with P < {fixed(alpha, 2)}.")
            else:
                msg = (f"{where}the {ci_text} includes {null_text}, yet {p_text}; a P value below "
                       f"{fixed(alpha, 2)} usually goes with an interval that excludes no effect.")
            self.add("warning", "ci-p-mismatch", msg, [_path(*base, "ci"), _path(*base, "p")],
                     "A confidence interval and a P value from the same analysis agree: the interval excludes "
                     "the no-effect value exactly when P is below 1 − the confidence level. When they disagree, "
                     "they may come from different analyses (an exact test and an approximate interval, an "
                     "adjusted and an unadjusted model), or one of them may be mistyped.", comparison=label)
        claim = effect.significant
        if claim is None:
            return
        said = "statistically significant" if claim else "not statistically significant"
        if threshold is None or abs(threshold - alpha) <= _EPS:
            judge = threshold if threshold is not None else alpha
            ci_verdict = ci_sig
        else:
            # The interval is a test at 1 − level only: it settles a claim at a stricter threshold only
            # when it includes no effect, and at a looser one only when it excludes it.
            judge = threshold
            ci_verdict = (False if ci_sig is False and threshold < alpha else
                          True if ci_sig is True and threshold > alpha else None)
        p_verdict = below(judge)
        at = f" at the threshold of {as_printed(threshold)}" if threshold is not None else ""
        if p_verdict is not None and p_verdict != claim:
            evidence = f"{p_text}{at}"
            fields = [_path(*base, "significant"), _path(*base, "p")]
        elif p_verdict is None and ci_verdict is not None and ci_verdict != claim:
            evidence = f"its {ci_text} {'excludes' if ci_verdict else 'includes'} {null_text}"
            fields = [_path(*base, "significant"), _path(*base, "ci")]
        else:
            return
        self.add("warning", "significance-claim",
                 f"{where}the record calls the effect {said}, but {evidence}.",
                 fields,
                 f"An effect is statistically significant when P is below the threshold it is judged at "
                 f"({as_printed(judge)} here); at the {level}% level its interval then excludes the no-effect value "
                 f"({as_printed(null)}). Check the source for which statement is right.", comparison=label)

    def check_margin(self, where: str, base: tuple, effect: Effect, hypothesis: str, margin: Optional[Margin],
                     label: str) -> None:
        """A non-inferiority / equivalence interval against its margin, in words (never a contradiction)."""
        interval = effect.interval
        if margin is None or interval is None:
            return
        if margin.measure is not None and margin.measure != effect.measure:
            self.add("info", "margin-not-checked",
                     f"{where}the margin ({as_printed(margin.value)}) is on the {margin.measure} scale and the effect "
                     f"is a {effect.measure}, so the interval is not checked against it.",
                     [_path(*base, "margin"), _path(*base, "ci")], comparison=label)
            return
        low, high = interval
        m, null = margin.value, effect.null_value
        level = as_printed(effect.ci_level)
        if hypothesis == "equivalence":
            # The mirror image of the margin: 1/m on a ratio scale, −m on a difference scale.
            mirror = 1 / m if effect.is_ratio else -m
            mirror_text = fixed(mirror, max(2, decimals(m)) if effect.is_ratio else decimals(m))
            (bottom, bottom_text), (top, top_text) = sorted([(m, as_printed(m)), (mirror, mirror_text)])
            shown = bottom < low and high < top
            msg = (f"the {level}% CI {as_printed(low)} to {as_printed(high)} {'lies' if shown else 'does not lie'} within "
                   f"the equivalence margins {bottom_text} to {top_text}: equivalence {'shown' if shown else 'not shown'}.")
        elif m > null:
            shown = high < m
            msg = (f"upper {level}% CI bound {as_printed(high)} {'<' if shown else '≥'} margin {as_printed(m)}: "
                   f"non-inferiority {'shown' if shown else 'not shown'}.")
        else:
            shown = low > m
            msg = (f"lower {level}% CI bound {as_printed(low)} {'>' if shown else '≤'} margin {as_printed(m)}: "
                   f"non-inferiority {'shown' if shown else 'not shown'}.")
        self.add("info", "margin", where + msg, [_path(*base, "ci"), _path(*base, "margin")],
                 "Non-inferiority is shown when the whole confidence interval lies on the acceptable side of "
                 "the margin; a P value for superiority answers a different question.", comparison=label)

    def check_completeness(self, item: _Item, has_derived: bool) -> None:
        outcome = item.outcome
        if item.harm or not outcome.primary or len(self.study.arms) < 2:
            return  # a single-group study has no between-arm effect to report
        path = _path(*item.base, "effects")
        estimates = [e for e in outcome.effects if e.estimate_value is not None]
        if not estimates:
            gap = any(e.estimate == NOT_IN_SOURCES for e in outcome.effects)
            if gap:
                self.add("info", "primary-no-effect",
                         f"{_short(outcome.label)}: the sources used for this record do not give the between-arm "
                         f"effect estimate of this primary outcome.", [path])
                return
            shown = "; the recomputed crude effect is shown instead" if has_derived else ""
            self.add("warning", "primary-no-effect",
                     f"{_short(outcome.label)}: the record gives no between-arm effect estimate for this primary "
                     f"outcome{shown}.",
                     [path],
                     "A trial report should give, for each primary outcome, the estimated effect and its "
                     "precision (CONSORT item 17a).")
            return
        for k, effect in enumerate(outcome.effects):
            if effect.estimate_value is None or effect.interval is not None:
                continue
            est = effect.estimate_value
            label = self.comparison_label(self.study.comparison(effect))
            shown = (f"{MEASURE_SHORT.get(effect.measure, effect.measure)} "
                     f"{as_printed(est) if effect.is_ratio else as_printed_signed(est)}{' ' + effect.unit if effect.unit else ''}")
            if effect.ci == NOT_IN_SOURCES:
                msg = (f"{_short(outcome.label)}, {label}: the sources used for this record do not give the "
                       f"confidence interval ({shown}).")
            else:
                missing = "confidence interval or P value" if effect.p is None else "confidence interval"
                msg = (f"{_short(outcome.label)}, {label}: the record gives no {missing} for this primary "
                       f"outcome ({shown}), so its precision cannot be judged from the record.")
            self.add("info", "primary-no-ci", msg, [_path(*item.base, "effects", k, "ci")],
                     "Without an interval a reader cannot tell a precise null result from an imprecise one "
                     "(CONSORT item 17a asks for the effect size and its precision).", comparison=label)

    def check_subgroups(self, item: _Item) -> None:
        """Light checks: per-arm percentages, ratio signs, each estimate inside its interval."""
        for s, subgroup in enumerate(item.outcome.subgroups):
            for lv, level in enumerate(subgroup.levels):
                base = (*item.base, "subgroups", s, "levels", lv)
                name = f"{_short(item.outcome.label)} ({subgroup.variable} {level.level})"
                for j, result in enumerate(level.results):
                    events, total, percent = known(result.events), known(result.total), number_or_none(result.percent)
                    if events is not None and total and percent is not None:
                        r = (*base, "results", j)
                        self.check_percent(f"{name}, {self.label_of(result.arm)}: ", events, total, percent,
                                           [_path(*r, "percent"), _path(*r, "events"), _path(*r, "total")])
                for k, effect in enumerate(level.effects):
                    label = self.comparison_label(self.study.comparison(effect))
                    self.check_shape(f"{name}, {label}: ", (*base, "effects", k), effect, label)

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
        higher_is_better = False if item.harm and item.outcome.higher_is_better is None else item.outcome.higher_is_better
        if higher_is_better is not None:
            out.append((label, f"{stats.nnt(rd, higher_is_better=higher_is_better).format()} ({mark})"))
        return out

    @staticmethod
    def mean_difference(r1: ArmResult, r2: ArmResult, unit: Optional[str]) -> str:
        m1, m2, n1, n2 = number_or_none(r1.mean), number_or_none(r2.mean), known(r1.total), known(r2.total)
        if None in (m1, r1.sd, m2, r2.sd) or not n1 or not n2 or r1.change != r2.change:
            return ""
        md = stats.mean_difference(m1, r1.sd, n1, m2, r2.sd, n2)
        places = min(3, max(decimals(m1), decimals(m2)) + 1)
        unit_text = f" {unit}" if unit else ""
        return (f"MD {signed(md.value, places)}{unit_text} (95% CI {signed(md.lower, places)} "
                f"to {signed(md.upper, places)}) (recomputed from the means and SDs)")

    # --- driver ---------------------------------------------------------------

    def items(self) -> list[_Item]:
        study = self.study
        return ([_Item(o.id, ("outcomes", i), o, False) for i, o in enumerate(study.outcomes)]
                + [_Item(h.id, ("harms", i), h, True) for i, h in enumerate(study.harms)])

    def run(self) -> None:
        self.check_flow()
        for item in self.items():
            outcome = item.outcome
            denominators = self.check_results(item, outcome.results, item.base)
            made: list[Absolute | tuple[str, str]] = []
            covered: set[frozenset[str]] = set()
            for k, effect in enumerate(outcome.effects):
                comparison = self.study.comparison(effect)
                # The per-arm numbers belong to a comparison's first analysis; a further one (another
                # estimand, a superiority test after non-inferiority) is not checked against them.
                first = frozenset(comparison) not in covered
                covered.add(frozenset(comparison))
                self.check_effect(item, k, effect, comparison, denominators, first)
                made_here = absolute.from_effect(self.study, outcome, k, effect)
                if made_here is not None and not any(isinstance(a, Absolute) and (a.comparison, a.text, a.method)
                                                     == (made_here.comparison, made_here.text, made_here.method)
                                                     for a in made):
                    made.append(made_here)
            for comparison in self.default_comparisons():
                if frozenset(comparison) not in covered:
                    made += self.from_counts(item, comparison, denominators)
            self.check_subgroups(item)
            self.check_completeness(item, bool(made))
            absolutes = tuple(a for a in made if isinstance(a, Absolute))
            if absolutes:
                self.absolute[item.key] = absolutes
            if made:
                several = len({a.comparison for a in absolutes}) > 1
                self.derived[item.key] = tuple(self.derived_text(m, several) for m in made)
                row = tuple(self.derived_text(m, several) for m in made
                            if not (isinstance(m, Absolute) and m.effect is not None))
                if row:
                    self.recomputed[item.key] = row

    @staticmethod
    def derived_text(made: Absolute | tuple[str, str], several: bool) -> str:
        label, text = (made.label, str(made)) if isinstance(made, Absolute) else made
        return f"{label}: {text}" if several else text


def _odds(p: Fraction) -> Fraction:
    return p / (1 - p)


_MEASURES: dict[str, Callable[[Fraction, Fraction], Fraction]] = {
    "risk difference": lambda a, b: a - b,
    "risk ratio": lambda a, b: a / b,
    "odds ratio": lambda a, b: _odds(a) / _odds(b),
}


def _safe(fn: Callable[[Fraction, Fraction], Fraction], a: Fraction, b: Fraction) -> Optional[Fraction]:
    """Exact arithmetic on proportions; None where the measure is undefined (a zero denominator)."""
    try:
        return fn(a, b)
    except ZeroDivisionError:
        return None


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
    return f"P = {as_printed(p)}"


# --------------------------------------------------------------------------
# public API


def run_audit(checked_or_study, source: Source | None = None) -> AuditResult:
    """Audit a ``Checked`` record or a ``Study``. Never raises for what it finds.

    Each finding is placed at its first field's line and column by the loader's positions: those of
    ``source``, else of the ``Checked`` record's source (a bare ``Study`` has none: line 0)."""
    study = getattr(checked_or_study, "study", checked_or_study)
    if not isinstance(study, Study):
        raise TypeError(f"run_audit needs a validate.Checked or a model.Study, got {type(checked_or_study).__name__}")
    audit = _Audit(study)
    audit.run()
    ordered = sorted(audit.findings, key=lambda f: _RANK[f.severity])
    findings = placed(ordered, source or getattr(checked_or_study, "source", None))
    return AuditResult(findings, dict(audit.derived), reader_notes(findings), dict(audit.absolute),
                       dict(audit.recomputed))


def placed(findings: Iterable[Finding], source: Source | None) -> tuple[Finding, ...]:
    """The findings, each with the line and column of its first field in ``source`` (when there is one)."""
    if source is None:
        return tuple(findings)
    return tuple(replace(f, line=line, column=column) if f.fields else f for f in findings
                 for line, column in [source.position(parse_path(f.fields[0])) if f.fields else (0, 0)])


_NOTE_LEADS = {
    "percent-denominator": ("Reported percentages do not match the counts in the participant flow: ",
                            ". The paper's denominators are not in the record."),
    "percent-mismatch": ("Reported percentages do not match the counts: ", "."),
    "effect-vs-crude": ("Reported effects differ from the crude values recomputed from the arms' numbers (",
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
    """A ``RecordError`` naming ``file`` and the fields of every error finding, or None when there is none."""
    errors = [f for f in result.findings if f.severity == "error"]
    return RecordError(located(errors, file)) if errors else None


def located(findings: Iterable[Finding], file: Union[str, Path] = "") -> list[Problem]:
    """Each finding as a ``Problem`` in ``file`` at its first field's line and column (see ``placed``)."""
    return [Problem(str(file), f.line, f.column, f.fields[0] if f.fields else "", f.message) for f in findings]


def raise_for_errors(result: AuditResult, source_file: Union[str, Path] = "") -> None:
    """Raise ``RecordError`` when the audit found impossible numbers."""
    error = errors_as_record_error(result, source_file)
    if error is not None:
        raise error
