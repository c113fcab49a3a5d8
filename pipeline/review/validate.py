"""Validate a review record: field checks (pydantic) and cross-field checks, located in the file.

In:  a ``loader.Source`` whose data says ``kind: review``.
Out: ``CheckedReview(study, warnings, file)`` (``study`` is the ``Review``, named
     like a trial's ``Checked`` so the CLI treats both alike); or
     ``RecordError`` holding every problem, each ``file:line:column: field: message``.

Cross-field checks (the impossible, refused; what merely does not add up is
the audit's): ids of studies, outcomes and risk-of-bias domains unique; every
study an outcome or judgement names exists; a study at most once per outcome,
and a judgement at most once per domain; events ≤ total; an interval
[lower, upper] in order and holding its estimate; ratios positive; the
weights of an outcome not above 100% in all; a pooled result's options that
go together (τ² estimator and Hartung–Knapp only with random effects,
Mantel–Haenszel only for a common-effect odds or risk ratio); PRISMA counts
no larger than the count they come from (excluded ≤ screened, not retrieved ≤
sought, reports excluded ≤ assessed, included ≤ assessed).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from ..errors import Problem, RecordError
from ..loader import Path_, Source
from ..model import known
from ..numbers import printed
from ..validate import Checked
from ..validate.fields import parse_model
from ..validate.text import glyph_checks, record_warnings
from .model import OtherMethods, Prisma, Review

WEIGHT_SLACK = 0.5   # printed weights are rounded: their sum may exceed 100 by this much


CheckedReview = Checked[Review]   # a valid review and the warnings about it


def check_review(source: Source) -> CheckedReview:
    review, problems = parse_model(source, Review)
    if review is not None:
        problems.extend(_cross_checks(source, review))
        problems.extend(glyph_checks(source))
    if problems:
        raise RecordError(problems)
    return CheckedReview(review, record_warnings(source, review), source.file, source)


def _cross_checks(source: Source, review: Review) -> list[Problem]:
    out: list[Problem] = []

    def add(path: Path_, message: str) -> None:
        out.append(source.problem(path, message))

    def unique(base: Path_, ids: list[str], what: str, key: str = "id") -> None:
        for i, value in enumerate(ids):
            if ids.index(value) != i:
                add(base + (i, key), f"{what} {value!r} is used twice")

    study_ids = [s.id for s in review.studies]
    unique(("studies",), study_ids, "study id")
    unique(("outcomes",), [o.id for o in review.outcomes], "outcome id")
    domain_ids = [d.id for d in review.risk_of_bias.domains] if review.risk_of_bias else []
    if review.risk_of_bias:
        unique(("risk_of_bias", "domains"), domain_ids, "domain id")

    def known_ref(path: Path_, value: str, valid: list[str], what: str) -> bool:
        if value in valid:
            return True
        close = difflib.get_close_matches(value, valid, n=1, cutoff=0.4)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        add(path, f"no {what} has the id {value!r} ({what}s: {', '.join(valid) or 'none'}){hint}")
        return False

    for i, s in enumerate(review.studies):
        if s.rob and not review.risk_of_bias:
            add(("studies", i, "rob"), "risk-of-bias judgements need risk_of_bias (the tool and its domains)")
            continue
        unique(("studies", i, "rob"), [j.domain for j in s.rob], "domain", "domain")
        for j, judgement in enumerate(s.rob):
            known_ref(("studies", i, "rob", j, "domain"), judgement.domain, domain_ids, "domain")

    for i, o in enumerate(review.outcomes):
        base = ("outcomes", i)
        unique(base + ("studies",), [r.study for r in o.studies], "study", "study")
        weights = []
        for j, r in enumerate(o.studies):
            here = base + ("studies", j)
            known_ref(here + ("study",), r.study, study_ids, "study")
            for side in ("intervention", "control"):
                arm = getattr(r, side)
                if arm is None:
                    continue
                events, total = known(arm.events), known(arm.total)
                if events is not None and total is not None and events > total:
                    add(here + (side, "events"), f"{events} events is more than the total of {total}")
                if o.kind == "binary" and (arm.mean is not None or arm.sd is not None):
                    add(here + (side,), "a binary outcome gives events and total per arm, not a mean")
            _interval(add, here, r.estimate, r.ci, o.is_ratio, o.measure)
            if isinstance(r.weight, float):
                weights.append(r.weight)
        if weights and sum(weights) > 100 + WEIGHT_SLACK:
            add(base + ("studies",), f"the weights add up to {sum(weights):.4g}%, more than 100%")
        for j, p in enumerate(o.pooled):
            here = base + ("pooled", j)
            measure = p.measure or o.measure
            ratio = measure in ("odds ratio", "risk ratio", "hazard ratio", "rate ratio")
            if ratio != o.is_ratio:
                add(here + ("measure",), f"a {measure} cannot pool an outcome measured as a {o.measure}")
            _interval(add, here, p.estimate, p.ci, ratio, measure)
            _interval(add, here, p.estimate, p.prediction_interval, ratio, measure, "prediction_interval")
            if p.model == "common" and p.tau2_estimator is not None:
                add(here + ("tau2_estimator",), "a τ² estimator belongs to a random-effects model (model: random)")
            if p.model == "common" and p.hartung_knapp:
                add(here + ("hartung_knapp",), "the Hartung–Knapp adjustment belongs to a random-effects model")
            if p.model == "random" and p.tau2_estimator is None:
                add(here + ("model",), "a random-effects model needs its τ² estimator "
                                       "(tau2_estimator: DerSimonian-Laird, Paule-Mandel or REML)")
            if p.method == "Mantel-Haenszel" and (measure not in ("odds ratio", "risk ratio") or p.model != "common"):
                add(here + ("method",), "Mantel–Haenszel pools odds or risk ratios with a common effect")
            n = known(p.studies)
            if n is not None and n > len(review.studies):
                add(here + ("studies",), f"{n} studies is more than the {len(review.studies)} the review includes")
    if review.prisma is not None:
        out.extend(source.problem(path, message) for path, message in prisma_problems(review.prisma))
    return out


def _interval(add: Callable[[Path_, str], None], base: Path_, estimate: float | None,
              ci: tuple[float, float] | None, ratio: bool, measure: str, key: str = "ci") -> None:
    if ratio:
        values = [v for v in (estimate, *(ci or ())) if v is not None]
        if any(v <= 0 for v in values):
            where = "estimate" if estimate is not None and estimate <= 0 else key
            add(base + (where,), f"a {measure} and its interval must be greater than 0")
            return
    if ci is None:
        return
    low, high = ci
    interval = f"the interval [{printed(low).text}, {printed(high).text}]"
    if low > high:
        add(base + (key,), f"{interval} is reversed; write [lower, upper]")
    elif estimate is not None and not (low <= estimate <= high):
        add(base + (key,), f"{interval} does not contain the estimate {printed(estimate).text}")


def prisma_problems(p: Prisma) -> list[tuple[Path_, str]]:
    """PRISMA counts larger than the count they are part of (impossible, whatever the rounding)."""
    out: list[tuple[Path_, str]] = []
    base: Path_ = ("prisma",)

    def at_most(part: str, whole: str, part_word: str, whole_word: str, obj: Prisma | OtherMethods = p,
                where: Path_ = base) -> None:
        a, b = known(getattr(obj, part)), known(getattr(obj, whole))
        if a is not None and b is not None and a > b:
            out.append((where + (part,), f"{a} {part_word} is more than the {b} {whole_word}"))

    at_most("excluded", "screened", "records excluded", "records screened")
    at_most("not_retrieved", "sought", "reports not retrieved", "reports sought")
    at_most("assessed", "sought", "reports assessed", "reports sought")
    at_most("reports_included", "assessed", "reports included", "reports assessed")
    at_most("studies_included", "reports_included", "studies included", "reports of included studies")
    identified = [n for s in p.identified if (n := known(s.n)) is not None]
    if identified and len(identified) == len(p.identified):
        total = sum(identified)
        screened = known(p.screened)
        if screened is not None and screened > total:
            out.append((base + ("screened",), f"{screened} records screened is more than the {total} identified"))
    reasons = [n for r in p.excluded_reasons if (n := known(r.n)) is not None]
    assessed = known(p.assessed)
    if assessed is not None and reasons and len(reasons) == len(p.excluded_reasons) and sum(reasons) > assessed:
        out.append((base + ("excluded_reasons",), f"the reasons add up to {sum(reasons)}, more than the "
                                                  f"{assessed} reports assessed"))
    if p.other_methods is not None:
        at_most("not_retrieved", "sought", "reports not retrieved", "reports sought", p.other_methods,
                base + ("other_methods",))
        at_most("assessed", "sought", "reports assessed", "reports sought", p.other_methods, base + ("other_methods",))
    return out
