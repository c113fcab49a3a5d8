"""Per-arm counts and percentages: each against its total, or against the flow's counts.

In:  an outcome's or harm's per-arm results (through ``AuditBase``).
Out: findings ``percent-mismatch``, ``percent-denominator(-other)``, ``percent-no-denominator``,
     ``events-exceed-arm``/``-analysed``, ``summary-outside-interval``; the denominator each arm's
     percentage rests on, for the crude comparisons.
"""

from __future__ import annotations

from fractions import Fraction

from .. import rules
from ..arithmetic import as_printed, count_text, decimals, fixed, fraction, half_unit, number_or_none, percent_text
from ..loader import Path_, format_path
from ..model import ArmResult, known
from .base import _HARM_ORDER, _LABELS, _MEASURED, _MEASURED_HARM, _OUTCOME_ORDER, AuditBase, _Denominator, _Item
from .printed import _denominators_text, _list_or, _path, _short, implied_denominators, percent_fits


class CountChecks(AuditBase):
    def check_result(self, item_label: str, base: Path_, result: ArmResult, harm: bool) -> _Denominator | None:
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
                         f"{where}{count_text(events)} with the outcome is more than the {count_text(analysed.value)} "
                         "analysed in this arm.",
                         [f_events, analysed.field])

        if total is not None:
            if total == 0:
                return None
            if events is not None and percent is not None:
                self.check_percent(where, events, total, percent, [f_percent, f_events, f_total])
            elif events is None and percent is not None and \
                    not any(percent_fits(e, total, percent) for e in range(total + 1)):
                self.add("warning", "percent-mismatch",
                         f"{where}no whole number of participants out of {count_text(total)} is "
                         f"{percent_text(percent)}; "
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
        reference = counts[0] if harm else by_name.get("analysed") or by_name.get("completed") or counts[0]
        if reference.value in ns:
            return _Denominator(reference.value, False, reference.name)
        actual = 100 * events / reference.value
        head = (f"{where}{count_text(events)} of {count_text(reference.value)} {reference.label} is "
                f"{fixed(actual, decimals(percent))}%, "
                f"not the reported {percent_text(percent)}")
        detail = (f"The record gives {events} ({percent_text(percent)}) for {item_label} in the {arm_name} arm but no "
                  f"denominator. In that arm the flow counts {count_text(reference.value)} {reference.label}; "
                  f"{events}/{reference.value} = "
                  f"{fixed(actual, 1)}%, which rounds to {fixed(actual, decimals(percent))}%. "
                  f"{events}/n rounds to {percent_text(percent)} only for n = "
                  f"{_list_or(ns) if len(ns) <= 4 else f'{ns[0]} to {ns[-1]}'}")
        if fitting:
            other = fitting[0]
            self.add("info", "percent-denominator-other",
                     f"{head}; the percentage fits the {other.value} {other.label} instead.",
                     [f_percent, reference.field, other.field],
                     detail + f", which matches the {other.value} {other.label}.")
            return _Denominator(other.value, False, other.name)
        hint = " (e.g. those analysed)" if "analysed" not in by_name else ""
        self.add("warning", "percent-denominator",
                 f"{head}; {percent_text(percent)} of {events} implies {_denominators_text(ns)}, so the percentages "
                 "may "
                 f"use another denominator{hint}.",
                 [f_percent, reference.field],
                 detail + ". The percentages probably rest on another analysis population (for example those "
                          "with an outcome assessment at that visit, or imputed data); the paper's tables or "
                          "methods should say which.",
                 f"{count_text(events)} of {count_text(reference.value)} {reference.label} is "
                 f"{fixed(actual, decimals(percent))}% "
                 f"(reported {percent_text(percent)})",
                 beside=f"{count_text(events)} of {count_text(reference.value)} {reference.label} is "
                        f"{fixed(actual, decimals(percent))}%")
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
                 f"{where}{count_text(events)} of {count_text(total)} is {fixed(actual, decimals(percent))}%, not the "
                 "reported "
                 f"{percent_text(percent)}{implied}.",
                 fields,
                 f"{events}/{total} = {fixed(actual, 2)}%, which does not round to the reported "
                 f"{percent_text(percent)} (judged at the {decimals(percent)} decimal place(s) it was printed with). "
                 f"Either a count or the percentage was mistyped in the record or the paper, or the "
                 f"percentage rests on another denominator (for example imputed data).",
                 f"{events}/{total} is {fixed(actual, decimals(percent))}% (reported {percent_text(percent)})",
                 beside=f"{events}/{total} is {fixed(actual, decimals(percent))}%")

    def check_summary(self, where: str, base: Path_, result: ArmResult) -> None:
        """A mean inside its own interval, a median inside its IQR (allowing for printed rounding)."""
        for centre_name, bounds_name, what in (("mean", "ci", "confidence interval"),
                                               ("median", "iqr", "interquartile range")):
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

    def check_results(self, item: _Item, results: list[ArmResult], base: Path_) -> dict[str, _Denominator]:
        known_ids = {a.id for a in self.study.arms} | {g.id for g in self.study.factor_groups}
        out: dict[str, _Denominator] = {}
        for j, result in enumerate(results):
            if result.arm not in known_ids:
                continue
            d = self.check_result(item.outcome.label, (*base, "results", j), result, item.harm)
            if d is not None:
                out[result.arm] = d
        return out
