"""Effect estimates with confidence intervals, from per-arm summary numbers.

In:  plain numbers for two arms of a study. Arm 1 is the intervention (the
     first arm listed), arm 2 the comparator.
       * binary outcomes: ``events`` and ``total`` per arm (whole numbers,
         ``0 <= events <= total``, ``total >= 1``);
       * continuous outcomes: ``mean``, ``sd`` and ``n`` per arm.
     Every function also takes ``level``, the confidence level (default 0.95,
     must lie strictly between 0 and 1).

Out: frozen dataclasses. ``Estimate(value, lower, upper, level, method,
     corrected)`` for every effect; ``NNT`` for the number needed to treat.
     Differences are always arm 1 minus arm 2; ratios are arm 1 over arm 2.

Methods (all two-sided, all using the standard normal quantile
``z = NormalDist().inv_cdf(0.5 + level / 2)``):

``wilson_interval``
    Wilson score interval for one proportion, clipped to [0, 1].
``risk_difference``
    Newcombe's hybrid score interval (Newcombe 1998, Stat Med 17:873,
    method 10), built from the two Wilson intervals ``(l1, u1)`` and
    ``(l2, u2)``: ``lower = d - sqrt((p1-l1)^2 + (u2-p2)^2)`` and
    ``upper = d + sqrt((u1-p1)^2 + (p2-l2)^2)``. Needs no zero-cell
    correction; it is defined for every valid input.
``risk_ratio``
    Katz log method: ``SE(log RR) = sqrt(1/a - 1/n1 + 1/c - 1/n2)``.
``odds_ratio``
    Woolf (logit) method: ``SE(log OR) = sqrt(1/a + 1/b + 1/c + 1/d)``.

Zero-cell rule for ``risk_ratio`` and ``odds_ratio``. The 2x2 table has cells
``a = e1``, ``b = n1 - e1``, ``c = e2``, ``d = n2 - e2``.

* If both arms have zero events, or both arms have only events, the ratio is
  not estimable and the function returns ``None`` (this is how RevMan and the
  Cochrane Handbook treat such studies: the data say nothing about the
  relative effect; the odds ratio would be 0/0 or inf/inf).
* Otherwise, if any of the four cells is zero, 0.5 is added to *every* cell
  (Haldane-Anscombe), so each arm total grows by 1, and the result carries
  ``corrected=True``. Both the point estimate and the interval are computed
  from the corrected table.
* With no zero cell nothing is added and ``corrected=False``.

``rate_ratio``
    Incidence rate ratio ``(e1/t1) / (e2/t2)`` from events and person-time,
    with the Wald interval on the log scale: ``SE(log IRR) = sqrt(1/e1 +
    1/e2)`` (statsmodels' ``confint_poisson_2indep(method='wald-log')``).
    None when either arm has no events (the log ratio is not finite).
``difference_from_ratio``
    GRADE's absolute effect from a relative one: the reported ratio applied
    to the control arm's risk ``r0`` gives the intervention risk (risk
    ratio ``RR·r0``; odds ratio ``OR·r0 / (1 − r0 + OR·r0)``; hazard ratio
    ``1 − (1 − r0)^HR``), and the risk difference is that risk minus ``r0``.

``mean_difference`` uses ``SE = sqrt(sd1^2/n1 + sd2^2/n2)`` (unequal
variances) with the normal quantile, not Student's t. For moderate arm sizes
this is close to the Welch interval (at n = 30 per arm the t quantile is
about 2.00 against z = 1.96); for very small arms it is too narrow.

``nnt`` turns a risk-difference ``Estimate`` into a number needed to treat
following Altman (BMJ 1998;317:1309): NNTB for benefit, NNTH for harm, and an
interval that passes through infinity when the risk-difference interval
includes 0. See its docstring for the sign convention (``higher_is_better``).

Only the standard library is used (``math``, ``statistics.NormalDist``,
``dataclasses``), so this module imports nothing heavy.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal, TypeGuard, TypeVar, overload

__all__ = [
    "NNT",
    "Estimate",
    "difference_from_ratio",
    "is_risk_ratio",
    "mean_difference",
    "nnt",
    "odds_ratio",
    "per_1000",
    "rate_ratio",
    "risk",
    "risk_difference",
    "risk_ratio",
    "wilson_interval",
]

NNTKind = Literal["NNTB", "NNTH"]


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval.

    ``level`` is the confidence level (0.95 for a 95% CI); ``method`` names
    the method in words; ``corrected`` is True when 0.5 was added to every
    cell of the 2x2 table because one of them was zero.
    """

    value: float
    lower: float
    upper: float
    level: float
    method: str
    corrected: bool = False


@dataclass(frozen=True)
class NNT:
    """A number needed to treat and its confidence interval (Altman 1998).

    ``value`` is the unrounded NNT, ``1/|RD|``, or ``math.inf`` when the risk
    difference is exactly 0; ``kind`` is "NNTB" (benefit), "NNTH" (harm), or
    None when ``value`` is infinite.

    ``lower`` and ``upper`` are the two confidence limits in the order Altman
    writes them, obtained by inverting and exchanging the limits of the
    risk reduction: ``lower`` comes from the most favourable end of the
    risk-difference interval and is listed first, ``upper`` from the least
    favourable end. Each is ``1/|limit|`` (``math.inf`` when that limit is
    exactly 0) with its own kind (None when infinite). Examples:
    ``NNTB 4 to NNTB 20``; ``NNTB 4 to ∞ to NNTH 20``; ``NNTH 20 to NNTH 4``.

    ``crosses_infinity`` is True when the risk-difference interval includes 0,
    so the NNT interval contains infinity ("no effect").
    """

    value: float
    kind: NNTKind | None
    lower: float
    lower_kind: NNTKind | None
    upper: float
    upper_kind: NNTKind | None
    level: float
    crosses_infinity: bool

    def format(self) -> str:
        """Text such as ``NNTB 8 (95% CI NNTB 4 to ∞ to NNTH 50)``.

        Finite NNTs are rounded up to the next whole number, as is
        conventional; infinite ones are written "∞".
        """
        point = "NNT ∞" if self.kind is None else _nnt_text(self.value, self.kind)
        first = _nnt_text(self.lower, self.lower_kind)
        second = _nnt_text(self.upper, self.upper_kind)
        if math.isinf(self.lower) and math.isinf(self.upper):
            interval = "∞"
        elif math.isinf(self.lower) or math.isinf(self.upper):
            # One limit is exactly "no effect": the interval ends at infinity.
            interval = f"{first} to {second}"
        elif self.crosses_infinity:
            interval = f"{first} to ∞ to {second}"
        else:
            # Both limits on one side: plain numbers, smaller first, e.g. "NNTH 10 (95% CI 5 to 48)".
            low, high = sorted((_round_up(self.lower), _round_up(self.upper)))
            interval = f"{low} to {high}"
        return f"{point} ({_percent(self.level)}% CI {interval})"


# --------------------------------------------------------------------------
# validation helpers


def _check_level(level: object) -> float:
    if (
        isinstance(level, bool)
        or not isinstance(level, numbers.Real)
        or not math.isfinite(float(level))
        or not 0.0 < float(level) < 1.0
    ):
        raise ValueError(
            f"level must be a confidence level strictly between 0 and 1 "
            f"(e.g. 0.95), got {level!r}"
        )
    return float(level)


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return int(value)


def _check_arm(events: object, total: object, arm: str = "") -> tuple[int, int]:
    suffix = f" ({arm})" if arm else ""
    e = _check_count(events, f"events{suffix}")
    n = _check_count(total, f"total{suffix}")
    if n < 1:
        raise ValueError(f"total{suffix} must be at least 1, got {n}")
    if e < 0:
        raise ValueError(f"events{suffix} must not be negative, got {e}")
    if e > n:
        raise ValueError(
            f"events{suffix} ({e}) must not exceed total{suffix} ({n})"
        )
    return e, n


def _check_real(value: object, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(float(value))
    ):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


_Real = TypeVar("_Real", int, float)


def _both_arms(check: Callable[[object, str], _Real], value1: object, value2: object, what: str, low: float, *,
               above: bool = False) -> list[_Real]:
    """``check`` each arm's ``what``, then that it is at least ``low`` (above it when ``above``)."""
    out: list[_Real] = []
    for arm, value in ((1, value1), (2, value2)):
        name = f"{what} (arm {arm})"
        v = check(value, name)
        if v < low or (above and v == low):
            rule = f"be above {low}" if above else ("not be negative" if low == 0 else f"be at least {low}")
            raise ValueError(f"{name} must {rule}, got {v!r}")
        out.append(v)
    return out


def _z(level: float) -> float:
    """Two-sided standard normal quantile for confidence level ``level``."""
    return NormalDist().inv_cdf(0.5 + level / 2.0)


def _percent(level: float) -> str:
    return f"{level * 100:.10g}"


# --------------------------------------------------------------------------
# single proportions


def risk(events: int, total: int) -> float:
    """The proportion ``events / total`` (validated)."""
    e, n = _check_arm(events, total)
    return e / n


def wilson_interval(events: int, total: int, level: float = 0.95) -> Estimate:
    """Wilson score interval for one proportion.

    Returns ``Estimate(value=events/total, lower, upper, ...)``. The limits
    lie in [0, 1]; the lower limit is exactly 0 when ``events == 0`` and the
    upper exactly 1 when ``events == total``.
    """
    e, n = _check_arm(events, total)
    lvl = _check_level(level)
    z = _z(lvl)
    z2 = z * z
    p = e / n
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
    lower = 0.0 if e == 0 else min(max(centre - half, 0.0), 1.0)
    upper = 1.0 if e == n else min(max(centre + half, 0.0), 1.0)
    return Estimate(p, lower, upper, lvl, "Wilson score interval")


# --------------------------------------------------------------------------
# two binary arms


def risk_difference(
    e1: int, n1: int, e2: int, n2: int, level: float = 0.95
) -> Estimate:
    """Risk difference ``e1/n1 - e2/n2`` with Newcombe's hybrid score interval.

    Newcombe (1998) method 10, from the Wilson intervals of each arm. Defined
    for every valid input, including zero events, all events and n = 1; never
    corrected.
    """
    e1, n1 = _check_arm(e1, n1, "arm 1")
    e2, n2 = _check_arm(e2, n2, "arm 2")
    lvl = _check_level(level)
    w1 = wilson_interval(e1, n1, lvl)
    w2 = wilson_interval(e2, n2, lvl)
    p1, p2 = w1.value, w2.value
    d = p1 - p2
    lower = d - math.sqrt((p1 - w1.lower) ** 2 + (w2.upper - p2) ** 2)
    upper = d + math.sqrt((w1.upper - p1) ** 2 + (p2 - w2.lower) ** 2)
    return Estimate(d, lower, upper, lvl, "Newcombe hybrid score (method 10)")


def _table(
    e1: int, n1: int, e2: int, n2: int
) -> tuple[float, float, float, float, bool] | None:
    """Cells ``(a, b, c, d, corrected)`` after the zero-cell rule, or None."""
    if (e1 == 0 and e2 == 0) or (e1 == n1 and e2 == n2):
        return None
    a, b, c, d = e1, n1 - e1, e2, n2 - e2
    if 0 in (a, b, c, d):
        return a + 0.5, b + 0.5, c + 0.5, d + 0.5, True
    return float(a), float(b), float(c), float(d), False


def _checked_table(
    e1: int, n1: int, e2: int, n2: int, level: float
) -> tuple[tuple[float, float, float, float, bool], float] | None:
    """The arms and level checked, then ``_table``'s cells and the level; None when not estimable."""
    e1, n1 = _check_arm(e1, n1, "arm 1")
    e2, n2 = _check_arm(e2, n2, "arm 2")
    lvl = _check_level(level)
    cells = _table(e1, n1, e2, n2)
    return None if cells is None else (cells, lvl)


def _log_interval(
    log_value: float, se: float, lvl: float, method: str, corrected: bool
) -> Estimate:
    half = _z(lvl) * se
    return Estimate(
        math.exp(log_value),
        math.exp(log_value - half),
        math.exp(log_value + half),
        lvl,
        method,
        corrected,
    )


def risk_ratio(
    e1: int, n1: int, e2: int, n2: int, level: float = 0.95
) -> Estimate | None:
    """Risk ratio ``(e1/n1) / (e2/n2)`` with the Katz log interval.

    Returns None when the ratio is not estimable (no events in either arm, or
    every participant has the event in both arms). When any cell of the 2x2
    table is zero, 0.5 is added to every cell and ``corrected`` is True.
    """
    table = _checked_table(e1, n1, e2, n2, level)
    if table is None:
        return None
    (a, b, c, d, corrected), lvl = table
    t1, t2 = a + b, c + d
    log_rr = math.log(a / t1) - math.log(c / t2)
    se = math.sqrt(1.0 / a - 1.0 / t1 + 1.0 / c - 1.0 / t2)
    method = "Katz log" + (" (0.5 added to every cell)" if corrected else "")
    return _log_interval(log_rr, se, lvl, method, corrected)


def odds_ratio(
    e1: int, n1: int, e2: int, n2: int, level: float = 0.95
) -> Estimate | None:
    """Odds ratio ``(a*d) / (b*c)`` with the Woolf (logit) interval.

    Same zero-cell rule and ``None`` cases as ``risk_ratio``.
    """
    table = _checked_table(e1, n1, e2, n2, level)
    if table is None:
        return None
    (a, b, c, d, corrected), lvl = table
    log_or = math.log(a) + math.log(d) - math.log(b) - math.log(c)
    se = math.sqrt(1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d)
    method = "Woolf logit" + (" (0.5 added to every cell)" if corrected else "")
    return _log_interval(log_or, se, lvl, method, corrected)


@overload
def per_1000(risk_difference: Estimate) -> Estimate: ...
@overload
def per_1000(risk_difference: float) -> float: ...


def per_1000(risk_difference: Estimate | float) -> Estimate | float:
    """Absolute effect per 1,000 people: the risk difference times 1000.

    Given an ``Estimate`` returns an ``Estimate`` with value and limits
    scaled (e.g. RD 0.032 -> 32 more per 1,000); given a number returns a
    float. Values outside [-1, 1] are rejected.
    """
    if isinstance(risk_difference, Estimate):
        for name in ("value", "lower", "upper"):
            v = _check_real(getattr(risk_difference, name), f"risk difference {name}")
            if not -1.0 <= v <= 1.0:
                raise ValueError(
                    f"risk difference {name} must lie in [-1, 1], got {v!r}"
                )
        return Estimate(
            risk_difference.value * 1000.0,
            risk_difference.lower * 1000.0,
            risk_difference.upper * 1000.0,
            risk_difference.level,
            f"{risk_difference.method}, per 1000",
            risk_difference.corrected,
        )
    v = _check_real(risk_difference, "risk difference")
    if not -1.0 <= v <= 1.0:
        raise ValueError(f"risk difference must lie in [-1, 1], got {v!r}")
    return v * 1000.0


# --------------------------------------------------------------------------
# number needed to treat


def _nnt_text(value: float, kind: str | None) -> str:
    if kind is None or math.isinf(value):
        return "∞"
    return f"{kind} {_round_up(value)}"


def _round_up(value: float) -> int:
    # Round up to the next whole number, but do not let floating-point noise
    # (1 / 0.09999999999999998 = 10.000000000000002) push 10 to 11.
    nearest = round(value)
    if abs(value - nearest) <= 1e-9 * max(1.0, abs(value)):
        return int(nearest)
    return math.ceil(value)


def _invert(benefit: float) -> tuple[float, NNTKind | None]:
    """NNT magnitude and kind for a risk reduction on the benefit scale."""
    if benefit > 0:
        return 1.0 / benefit, "NNTB"
    if benefit < 0:
        return -1.0 / benefit, "NNTH"
    return math.inf, None


def nnt(rd_result: Estimate, *, higher_is_better: bool) -> NNT:
    """Number needed to treat from a risk difference (arm 1 - arm 2).

    ``higher_is_better`` fixes the direction, and must be given:

    * True for a good outcome where more events is better (e.g. remission):
      a positive risk difference is benefit (NNTB), a negative one harm;
    * False for a bad outcome where fewer events is better (e.g. serious
      adverse events): a negative risk difference is benefit (NNTB), a
      positive one harm (NNTH).

    The NNT is ``1/|RD|``; the interval limits are the inverted RD limits,
    exchanged (Altman 1998), so an RD interval that includes 0 gives an NNT
    interval through infinity ("NNTB 10 to ∞ to NNTH 25"). An RD of exactly 0
    gives an infinite NNT with kind None.
    """
    if not isinstance(rd_result, Estimate):
        raise ValueError(
            f"nnt needs a risk-difference Estimate, got {type(rd_result).__name__}"
        )
    if not isinstance(higher_is_better, bool):
        raise ValueError(
            f"higher_is_better must be True or False, got {higher_is_better!r}"
        )
    lvl = _check_level(rd_result.level)
    value = _check_real(rd_result.value, "risk difference")
    lo = _check_real(rd_result.lower, "risk difference lower limit")
    hi = _check_real(rd_result.upper, "risk difference upper limit")
    for name, v in (("", value), (" lower limit", lo), (" upper limit", hi)):
        if not -1.0 <= v <= 1.0:
            raise ValueError(f"risk difference{name} must lie in [-1, 1], got {v!r}")
    if not lo <= value <= hi:
        raise ValueError(
            f"risk difference {value!r} is not inside its interval [{lo!r}, {hi!r}]"
        )

    sign = 1.0 if higher_is_better else -1.0
    # Benefit scale: positive means arm 1 is better than arm 2.
    b_value = sign * value
    b_low, b_high = sorted((sign * lo, sign * hi))

    v, kind = _invert(b_value)
    first, first_kind = _invert(b_high)  # most favourable end, listed first
    second, second_kind = _invert(b_low)  # least favourable end
    return NNT(
        value=v,
        kind=kind,
        lower=first,
        lower_kind=first_kind,
        upper=second,
        upper_kind=second_kind,
        level=lvl,
        crosses_infinity=b_low <= 0.0 <= b_high,
    )


# --------------------------------------------------------------------------
# continuous outcomes


def mean_difference(
    m1: float,
    sd1: float,
    n1: int,
    m2: float,
    sd2: float,
    n2: int,
    level: float = 0.95,
) -> Estimate:
    """Difference in means ``m1 - m2`` with a normal-approximation interval.

    ``SE = sqrt(sd1^2/n1 + sd2^2/n2)`` (variances not pooled) and the limits
    are ``(m1 - m2) +/- z * SE`` with the standard normal quantile. Close to
    Welch's t interval for moderate n, narrower for very small arms. SDs
    must be finite and >= 0; arm sizes whole numbers >= 1.
    """
    m1 = _check_real(m1, "mean (arm 1)")
    m2 = _check_real(m2, "mean (arm 2)")
    s1, s2 = _both_arms(_check_real, sd1, sd2, "sd", 0)
    k1, k2 = _both_arms(_check_count, n1, n2, "n", 1)
    lvl = _check_level(level)
    diff = m1 - m2
    se = math.sqrt(s1 * s1 / k1 + s2 * s2 / k2)
    half = _z(lvl) * se
    return Estimate(
        diff, diff - half, diff + half, lvl, "normal approximation, unpooled SE"
    )


# --------------------------------------------------------------------------
# rates and person-time


def rate_ratio(
    e1: int, t1: float, e2: int, t2: float, level: float = 0.95
) -> Estimate | None:
    """Incidence rate ratio ``(e1/t1) / (e2/t2)`` with the Wald interval on the log scale.

    ``t1`` and ``t2`` are person-time in the same unit (> 0). Returns None when
    either arm has no events.
    """
    k1, k2 = _both_arms(_check_count, e1, e2, "events", 0)
    p1, p2 = _both_arms(_check_real, t1, t2, "person-time", 0, above=True)
    lvl = _check_level(level)
    if k1 == 0 or k2 == 0:
        return None
    log_ratio = math.log(k1 / p1) - math.log(k2 / p2)
    se = math.sqrt(1.0 / k1 + 1.0 / k2)
    return _log_interval(log_ratio, se, lvl, "Wald, log scale", False)


# --------------------------------------------------------------------------
# absolute effects from relative ones (GRADE)

RatioMeasure = Literal["risk ratio", "odds ratio", "hazard ratio"]


def is_risk_ratio(measure: str) -> TypeGuard[RatioMeasure]:
    """True for the ratios ``difference_from_ratio`` turns into a risk difference."""
    return measure in ("risk ratio", "odds ratio", "hazard ratio")


def difference_from_ratio(measure: RatioMeasure, ratio: float, control_risk: float) -> float:
    """Risk difference (intervention − control) implied by ``ratio`` at ``control_risk``.

    ``control_risk`` is a proportion in [0, 1]; ``ratio`` must be above 0. A
    risk ratio that would give a risk above 1 is refused (ValueError).
    """
    r = _check_real(ratio, "ratio")
    r0 = _check_real(control_risk, "control risk")
    if r <= 0:
        raise ValueError(f"ratio must be above 0, got {r!r}")
    if not 0.0 <= r0 <= 1.0:
        raise ValueError(f"control risk must lie in [0, 1], got {r0!r}")
    if measure == "risk ratio":
        risk1 = r * r0
        if risk1 > 1.0:
            raise ValueError(f"risk ratio {r!r} at a control risk of {r0!r} gives a risk above 1")
    elif measure == "odds ratio":
        risk1 = r * r0 / (1.0 - r0 + r * r0)
    elif measure == "hazard ratio":
        risk1 = 1.0 - (1.0 - r0) ** r
    else:
        raise ValueError(f"measure must be a risk, odds or hazard ratio, got {measure!r}")
    return risk1 - r0
