"""Check a review's numbers: re-pool what the study-level data allow and say where it does not add up.

In:  a ``CheckedReview`` or a ``Review``.
Out: ``audit.AuditResult`` (the trial audit's type: findings, reader notes) and,
     per outcome, ``Recomputed``: each study's effect and CI (from its counts
     or means, else as reported), each pooled result re-pooled with the model
     the review names (weights, Q, I², τ², prediction interval).

Findings (code: severity). Comparisons are made at the precision the review
printed: a re-pooled 0.6593 agrees with a printed 0.66.

``repooled`` (info) / ``repool-differs`` (warning; info when the study
    results are themselves rounded estimates and intervals)
    the pooled estimate and CI recomputed with the stated model.
``repool-partial`` (info)
    fewer studies with data than the analysis pooled: not re-pooled.
``i2-from-q`` (warning)
    a printed I² that is not max(0, (Q − df)/Q) of the printed Q.
``weights-sum`` (warning)
    printed weights that do not add up to 100% (allowing for their rounding).
``prisma-sum`` (warning)
    PRISMA counts that do not add up: identified − removed = screened,
    screened − excluded = sought, sought − not retrieved = assessed,
    assessed − excluded with reasons = reports included.
``participants-sum`` (warning)
    an outcome's participants against the sum of its studies' arm totals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from ..audit import AuditResult, Finding, placed, reader_notes
from ..audit.findings import Severity
from ..model import known
from ..numbers import decimals, printed
from .model import OtherMethods, Pooled, Prisma, Review, ReviewOutcome, StudyResult
from .pooling import PoolResult, StudyEffect, back, binary_effect, from_interval, mantel_haenszel, mean_difference, pool

if TYPE_CHECKING:
    from .validate import CheckedReview

_RANK = {"error": 0, "warning": 1, "info": 2}
MINUS = "\u2212"


@dataclass(frozen=True)
class StudyValue:
    """One study's effect on the outcome's measure (not the log scale)."""

    estimate: float
    lower: float
    upper: float
    computed: bool          # True when computed here from the study's numbers
    effect: StudyEffect     # on the analysis scale, for pooling


@dataclass
class Recomputed:
    studies: dict[str, StudyValue] = field(default_factory=dict)
    pooled: list[PoolResult | None] = field(default_factory=list)   # one per reported pooled result
    control_risk: tuple[int, int] | None = None                     # control events, total (all studies)
    arms: tuple[tuple[int, int], tuple[int, int]] | None = None     # (events, total) summed per side


@dataclass(frozen=True)
class ReviewAudit:
    result: AuditResult
    recomputed: dict[str, Recomputed]


def study_value(o: ReviewOutcome, r: StudyResult) -> StudyValue | None:
    """A study's effect: computed from its arms when they allow, else from its reported estimate and CI."""
    i, c = r.intervention, r.control
    effect = None
    if i is not None and c is not None:
        if o.kind == "binary" and o.measure in ("odds ratio", "risk ratio", "risk difference"):
            counts = all_known((i.events, i.total, c.events, c.total))
            if counts is not None:
                effect = binary_effect(o.measure, *counts)
        elif (o.measure == "mean difference" and i.mean is not None and i.sd is not None and c.mean is not None
              and c.sd is not None and (n1 := known(i.total)) and (n2 := known(c.total))):
            effect = mean_difference(i.mean, i.sd, n1, c.mean, c.sd, n2)
    if effect is not None:
        half = 1.959963984540054 * math.sqrt(effect.v)
        return StudyValue(back(effect.y, o.is_ratio), back(effect.y - half, o.is_ratio),
                          back(effect.y + half, o.is_ratio), True, effect)
    if r.ci is not None:
        effect = from_interval(r.estimate, r.ci[0], r.ci[1], o.is_ratio)
        if effect is not None:
            est = r.estimate if r.estimate is not None else back(effect.y, o.is_ratio)
            return StudyValue(est, r.ci[0], r.ci[1], r.estimate is None, effect)
    return None


def repool(o: ReviewOutcome, p: Pooled, values: dict[str, StudyValue]) -> PoolResult | None:
    """``p`` recomputed from the studies' values with its own model; None when they cannot. Its ``used`` are
    indices into ``o.studies``."""
    if p.method == "Mantel-Haenszel":
        tables: list[tuple[int, int, int, int]] = []
        for r in o.studies:
            counts = all_known((r.intervention.events, r.intervention.total, r.control.events,
                                r.control.total)) if r.intervention and r.control else None
            if counts is None:
                return None
            e1, n1, e2, n2 = counts
            tables.append((e1, n1, e2, n2))
        try:
            return mantel_haenszel(tables, p.measure or o.measure, float(p.ci_level))
        except ValueError:
            return None
    entered = [k for k, r in enumerate(o.studies) if r.study in values]
    if not entered:
        return None
    result = pool([values[o.studies[k].study].effect for k in entered], model=p.model, estimator=p.tau2_estimator,
                  hartung_knapp=p.hartung_knapp, level=float(p.ci_level))
    return replace(result, used=tuple(entered[j] for j in result.used))


def run_review_audit(checked_or_review: CheckedReview | Review) -> ReviewAudit:
    review = checked_or_review if isinstance(checked_or_review, Review) else checked_or_review.study
    findings: list[Finding] = []
    recomputed: dict[str, Recomputed] = {}
    for i, o in enumerate(review.outcomes):
        rec = Recomputed()
        for r in o.studies:
            value = study_value(o, r)
            if value is not None:
                rec.studies[r.study] = value
        rec.arms = _arm_sums(o)
        if rec.arms is not None:
            rec.control_risk = rec.arms[1]
        findings.extend(_weights(o, i))
        findings.extend(_participants(o, i))
        for j, p in enumerate(o.pooled):
            result = None
            wanted = known(p.studies) or len(o.studies)
            if len(rec.studies) < max(wanted, 1) or len(rec.studies) < len(o.studies):
                findings.append(Finding("info", "repool-partial",
                                        f"{o.label}: {len(rec.studies)} of {wanted} studies give data to re-pool; "
                                        f"the pooled result is shown as reported",
                                        (f"outcomes[{i}].pooled[{j}]",)))
            else:
                result = repool(o, p, rec.studies)
                if result is not None:
                    findings.append(_compare(o, p, result, i, j, rec))
            findings.extend(_i2(p, i, j))
            rec.pooled.append(result)
        recomputed[o.id] = rec
    if review.prisma is not None:
        findings.extend(prisma_sums(review))
    source = None if isinstance(checked_or_review, Review) else checked_or_review.source
    ordered = placed(sorted(findings, key=lambda f: _RANK[f.severity]), source)
    return ReviewAudit(AuditResult(ordered, {}, reader_notes(ordered)), recomputed)


def all_known(counts: Iterable[int | str | None]) -> list[int] | None:
    """The counts as ints when every one is known (not None, "not reported" or "not in sources"), else None."""
    out = []
    for count in counts:
        n = known(count)
        if n is None:
            return None
        out.append(n)
    return out


# --- comparisons -----------------------------------------------------------------------

def as_printed(value: float, like: float | None, default: int = 2) -> str:
    """``value`` rounded to the decimals ``like`` was printed with (half up), minus sign U+2212."""
    places = decimals(like) if like is not None else default
    text = str(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return text.replace("-", MINUS)


def _same(value: float, shown: float) -> bool:
    """True when ``value`` rounds to ``shown`` at its printed precision (either way at a tie)."""
    places = decimals(shown)
    q = Decimal(1).scaleb(-places)
    exact = Decimal(printed(shown).text)
    v = Decimal(repr(float(value)))
    return v.quantize(q, rounding=ROUND_HALF_UP) == exact or v.quantize(q, rounding=ROUND_HALF_EVEN) == exact


def _minus(value: float) -> str:
    """A number as printed, with the minus sign U+2212."""
    return printed(value).text.replace("-", MINUS)


def _compare(o: ReviewOutcome, p: Pooled, r: PoolResult, i: int, j: int, rec: Recomputed) -> Finding:
    ratio = o.is_ratio
    est, lo, hi = back(r.estimate, ratio), back(r.lower, ratio), back(r.upper, ratio)
    agree = _same(est, p.estimate) and (p.ci is None or (_same(lo, p.ci[0]) and _same(hi, p.ci[1])))
    mine = as_printed(est, p.estimate) + (f" ({as_printed(lo, p.ci[0])} to {as_printed(hi, p.ci[1])})" if p.ci else "")
    theirs = _minus(p.estimate) + (f" ({_minus(p.ci[0])} to {_minus(p.ci[1])})" if p.ci else "")
    what = f"{o.label}, {p.label or r.method}"
    path = (f"outcomes[{i}].pooled[{j}]",)
    n = len(r.used)
    if agree:
        return Finding("info", "repooled", f"{what}: re-pooled from {n} studies ({r.method}): {mine}, as reported",
                       path)
    rounded = any(not v.computed for v in rec.studies.values())
    severity: Severity = "info" if rounded else "warning"
    why = " (the study results are printed rounded, which may explain it)" if rounded else ""
    return Finding(severity, "repool-differs",
                   f"{what}: re-pooled from {n} studies ({r.method}) gives {mine}; the review reports {theirs}{why}",
                   path, detail=f"Recomputed from the study-level data in the record with {r.method}.")


def _i2(p: Pooled, i: int, j: int) -> list[Finding]:
    if not isinstance(p.q, float) or not isinstance(p.i2, float):
        return []
    df = (known(p.studies) or 0) - 1
    if df < 1:
        return []
    expected = max(0.0, (float(p.q) - df) / float(p.q)) * 100 if p.q > 0 else 0.0
    if _same(expected, p.i2) or abs(expected - p.i2) < 0.5 + 10 ** -decimals(p.q):
        return []
    return [Finding("warning", "i2-from-q",
                    f"I² from Q = {printed(p.q).text} with {df} df is {as_printed(expected, p.i2, 0)}%; "
                    f"the review reports {printed(p.i2).text}%", (f"outcomes[{i}].pooled[{j}].i2",))]


def _weights(o: ReviewOutcome, i: int) -> list[Finding]:
    weights = [w for r in o.studies if isinstance(w := r.weight, float)]
    if not weights or len(weights) != len(o.studies):
        return []
    total = sum((Decimal(printed(w).text) for w in weights), Decimal(0))
    slack = sum((Decimal(5).scaleb(-decimals(w) - 1) for w in weights), Decimal(0))
    if abs(total - 100) <= slack:
        return []
    return [Finding("warning", "weights-sum", f"{o.label}: the study weights add up to {total}%, not 100%",
                    (f"outcomes[{i}].studies",))]


def _arm_sums(o: ReviewOutcome) -> tuple[tuple[int, int], tuple[int, int]] | None:
    sums: list[tuple[int, int]] = []
    for side in ("intervention", "control"):
        arms = [getattr(r, side) for r in o.studies]
        if not arms or any(a is None for a in arms):
            return None
        events, totals = all_known(a.events for a in arms), all_known(a.total for a in arms)
        if events is None or totals is None:
            return None
        sums.append((sum(events), sum(totals)))
    return sums[0], sums[1]


def _participants(o: ReviewOutcome, i: int) -> list[Finding]:
    n = known(o.participants)
    arms = [getattr(r, side) for r in o.studies for side in ("intervention", "control")]
    totals = all_known(a.total if a else None for a in arms)
    if n is None or not totals or sum(totals) == n:
        return []
    return [Finding("warning", "participants-sum",
                    f"{o.label}: the studies' arms add up to {sum(totals)} participants, not the {n} reported",
                    (f"outcomes[{i}].participants",))]


PRISMA_STEPS = (
    (("identified",), ("duplicates_removed", "other_removed"), "screened",
     "records identified − removed before screening", "records screened"),
    (("screened",), ("excluded",), "sought", "records screened − excluded", "reports sought"),
    (("sought",), ("not_retrieved",), "assessed", "reports sought − not retrieved", "reports assessed"),
    (("assessed",), ("excluded_reasons",), "reports_included", "reports assessed − excluded with reasons",
     "reports included"),
)


def prisma_total(p: Prisma | OtherMethods, name: str) -> int | None:
    """A PRISMA count; for the lists (identified, excluded_reasons) their sum when every n is known."""
    value = getattr(p, name)
    if isinstance(value, list):
        ns = all_known(x.n for x in value)
        return sum(ns) if ns else None
    return known(value)


def prisma_sums(review: Review) -> list[Finding]:
    p = review.prisma
    out: list[Finding] = []
    if p is None:
        return out
    for (start,), minus, result, words, result_word in PRISMA_STEPS:
        if result == "reports_included" and p.other_methods is not None:
            continue    # reports found by other methods join the included ones too
        first = prisma_total(p, start)
        parts = all_known(prisma_total(p, m) for m in minus)
        target = prisma_total(p, result)
        if first is None or target is None or parts is None:
            continue
        if first - sum(parts) != target:
            out.append(Finding("warning", "prisma-sum",
                               f"PRISMA: {words} = {first} − {' − '.join(map(str, parts))} = {first - sum(parts)}, "
                               f"but {target} {result_word}", (f"prisma.{result}",)))
    return out
