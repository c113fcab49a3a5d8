"""Meta-analysis: study effects pooled the way a review says it pooled them.

In:  per-study effects on the analysis scale (log ratio, or difference) with
     their variances, or per-study 2×2 tables for Mantel–Haenszel.
Out: ``Pooled`` (estimate, CI, P, weights in %, Q and its P, I², τ², the
     prediction interval), on the analysis scale; ``back`` turns a log ratio
     into a ratio.

Methods (Cochrane Handbook ch. 10; Veroniki et al. 2016, Res Synth Methods 7:55):

* inverse-variance common effect: weights ``1/v_i``;
* random effects: weights ``1/(v_i + τ²)`` with τ² by DerSimonian–Laird
  (moment, truncated at 0), Paule–Mandel (generalised Q equals k − 1) or REML
  (Fisher scoring), each truncated at 0;
* Hartung–Knapp: variance ``Σ w_i (y_i − μ)² / ((k − 1) Σ w_i)`` and the t
  quantile with k − 1 degrees of freedom (not truncated; Hartung & Knapp 2001);
* Mantel–Haenszel odds ratio (Robins–Breslow–Greenland variance) and risk
  ratio (Greenland–Robins variance); studies with no events in either arm are
  left out; a zero cell gets no correction (the MH estimators do not need one);
* Q = Σ (1/v_i)(y_i − μ_common)², its P from χ² with k − 1 df, I² = max(0, (Q − df)/Q);
* prediction interval (Higgins et al. 2009): μ ± t_{k−2} √(τ² + SE(μ)²), for k ≥ 3.

Pure Python and numpy; distribution functions (normal, t, χ²) are computed
here (regularised incomplete beta and gamma functions), so no SciPy is needed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from ..stats import _table

ESTIMATORS = ("DerSimonian-Laird", "Paule-Mandel", "REML")


@dataclass(frozen=True)
class StudyEffect:
    y: float          # effect on the analysis scale (log for ratios)
    v: float          # its variance
    corrected: bool = False   # 0.5 added to every cell of a 2×2 table


@dataclass(frozen=True)
class PoolResult:
    estimate: float
    se: float
    lower: float
    upper: float
    p: float
    weights: tuple[float, ...]          # percent, summing to 100
    q: float | None
    df: int
    q_p: float | None
    i2: float | None                    # percent
    tau2: float
    prediction: tuple[float, float] | None
    model: str                          # common / random
    method: str                         # description in words
    used: tuple[int, ...]               # indices of the studies that entered


# --- study effects ---------------------------------------------------------------

def binary_effect(measure: str, e1: int, n1: int, e2: int, n2: int) -> StudyEffect | None:
    """log OR (Woolf), log RR (Katz) or RD from one study's two arms; None when not estimable."""
    if measure == "risk difference":
        if n1 == 0 or n2 == 0:
            return None
        p1, p2 = e1 / n1, e2 / n2
        v = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
        if v == 0:
            return None
        return StudyEffect(p1 - p2, v)
    cells = _table(e1, n1, e2, n2)
    if cells is None:
        return None
    a, b, c, d, corrected = cells
    if measure == "odds ratio":
        return StudyEffect(math.log(a * d / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d, corrected)
    if measure == "risk ratio":
        return StudyEffect(math.log((a / (a + b)) / (c / (c + d))), 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d),
                           corrected)
    raise ValueError(f"binary_effect: {measure!r} is not computed from counts")


def mean_difference(m1: float, sd1: float, n1: int, m2: float, sd2: float, n2: int) -> StudyEffect | None:
    if n1 == 0 or n2 == 0:
        return None
    v = sd1 ** 2 / n1 + sd2 ** 2 / n2
    return StudyEffect(m1 - m2, v) if v > 0 else None


def from_interval(estimate: float | None, lower: float, upper: float, ratio: bool, level: float = 95.0
                  ) -> StudyEffect | None:
    """A study's effect and variance from its reported CI (symmetric on the analysis scale)."""
    if ratio and (lower <= 0 or upper <= 0 or (estimate is not None and estimate <= 0)):
        return None
    lo, hi = (math.log(lower), math.log(upper)) if ratio else (lower, upper)
    if hi <= lo:
        return None
    se = (hi - lo) / (2 * normal_quantile(0.5 + level / 200))
    y = (math.log(estimate) if ratio else estimate) if estimate is not None else (lo + hi) / 2
    return StudyEffect(y, se * se)


def back(value: float, ratio: bool) -> float:
    return math.exp(value) if ratio else value


# --- pooling -----------------------------------------------------------------------

def pool(effects: list[StudyEffect], *, model: str = "common", estimator: str | None = None,
         hartung_knapp: bool = False, level: float = 95.0) -> PoolResult:
    """Inverse-variance pooling of ``effects`` (common, or random with ``estimator``)."""
    if not effects:
        raise ValueError("pool: no study effects")
    y = np.array([e.y for e in effects], dtype=float)
    v = np.array([e.v for e in effects], dtype=float)
    if np.any(v <= 0):
        raise ValueError("pool: every variance must be positive")
    k = len(y)
    df = k - 1
    w_fe = 1 / v
    mu_fe = float(np.sum(w_fe * y) / np.sum(w_fe))
    q = float(np.sum(w_fe * (y - mu_fe) ** 2)) if k > 1 else None
    tau2 = 0.0
    if model == "random":
        if estimator not in ESTIMATORS:
            raise ValueError(f"pool: random effects need an estimator ({', '.join(ESTIMATORS)})")
        tau2 = tau2_estimate(y, v, estimator) if k > 1 else 0.0
    elif model != "common":
        raise ValueError(f"pool: unknown model {model!r}")
    w = 1 / (v + tau2)
    mu = float(np.sum(w * y) / np.sum(w))
    se = math.sqrt(1 / float(np.sum(w)))
    if hartung_knapp and k > 1:
        se = math.sqrt(float(np.sum(w * (y - mu) ** 2)) / (df * float(np.sum(w))))
        crit = t_quantile(0.5 + level / 200, df)
        stat = mu / se if se > 0 else math.inf
        p = 2 * t_sf(abs(stat), df) if se > 0 else 0.0
    else:
        crit = normal_quantile(0.5 + level / 200)
        p = 2 * NormalDist().cdf(-abs(mu / se))
    method = _describe(model, estimator, hartung_knapp)
    prediction = None
    if model == "random" and k >= 3:
        half = t_quantile(0.5 + level / 200, k - 2) * math.sqrt(tau2 + 1 / float(np.sum(w)))
        prediction = (mu - half, mu + half)
    return PoolResult(mu, se, mu - crit * se, mu + crit * se, p, _percent(w), q, df,
                      chi2_sf(q, df) if q is not None and df > 0 else None, i_squared(q, df), tau2, prediction,
                      model, method, tuple(range(k)))


def mantel_haenszel(tables: list[tuple[int, int, int, int]], measure: str, level: float = 95.0) -> PoolResult:
    """Mantel–Haenszel pooled OR or RR (on the log scale) from (e1, n1, e2, n2) per study."""
    used = [i for i, (e1, n1, e2, n2) in enumerate(tables) if not (e1 == 0 and e2 == 0)
            and not (e1 == n1 and e2 == n2) and n1 > 0 and n2 > 0]
    if not used:
        raise ValueError("mantel_haenszel: no study with events")
    a = np.array([tables[i][0] for i in used], float)
    n1 = np.array([tables[i][1] for i in used], float)
    c = np.array([tables[i][2] for i in used], float)
    n2 = np.array([tables[i][3] for i in used], float)
    b, d = n1 - a, n2 - c
    n = n1 + n2
    if measure == "odds ratio":
        r, s = a * d / n, b * c / n
    elif measure == "risk ratio":
        r, s = a * n2 / n, c * n1 / n
    else:
        raise ValueError(f"mantel_haenszel: {measure!r} (odds ratio or risk ratio)")
    R, S = r.sum(), s.sum()
    if R == 0 or S == 0:
        raise ValueError(f"mantel_haenszel: the pooled {measure} is 0 or infinite")
    est = math.log(R / S)
    if measure == "odds ratio":   # Robins, Breslow and Greenland
        p_, q_ = (a + d) / n, (b + c) / n
        var = float((p_ * r).sum() / (2 * R * R) + (p_ * s + q_ * r).sum() / (2 * R * S) + (q_ * s).sum() / (2 * S * S))
    else:                         # Greenland and Robins
        var = float(((n1 * n2 * (a + c) - a * c * n) / (n * n)).sum() / (R * S))
    weights = s
    se = math.sqrt(var)
    crit = normal_quantile(0.5 + level / 200)
    # Heterogeneity as reviews report it with MH: Q from the inverse-variance study effects around the MH estimate.
    effects = [e for i in used if (e := binary_effect(measure, *tables[i])) is not None]  # all estimable
    y = np.array([e.y for e in effects])
    wv = 1 / np.array([e.v for e in effects])
    q = float(np.sum(wv * (y - est) ** 2)) if len(used) > 1 else None
    df = len(used) - 1
    return PoolResult(est, se, est - crit * se, est + crit * se, 2 * NormalDist().cdf(-abs(est / se)),
                      _percent(weights), q, df, chi2_sf(q, df) if q is not None and df > 0 else None,
                      i_squared(q, df), 0.0, None, "common", "Mantel-Haenszel", tuple(used))


def i_squared(q: float | None, df: int) -> float | None:
    """I² in percent from Q and its degrees of freedom (0 when Q ≤ df)."""
    if q is None or df < 1 or q <= 0:
        return None if q is None or df < 1 else 0.0
    return max(0.0, (q - df) / q) * 100


def tau2_estimate(y: np.ndarray, v: np.ndarray, estimator: str) -> float:
    w = 1 / v
    k = len(y)
    if estimator == "DerSimonian-Laird":
        mu = np.sum(w * y) / np.sum(w)
        q = np.sum(w * (y - mu) ** 2)
        c = np.sum(w) - np.sum(w * w) / np.sum(w)
        return max(0.0, float((q - (k - 1)) / c))
    if estimator == "Paule-Mandel":
        def excess(t2: float) -> float:
            ww = 1 / (v + t2)
            m = np.sum(ww * y) / np.sum(ww)
            return float(np.sum(ww * (y - m) ** 2) - (k - 1))
        if excess(0.0) <= 0:
            return 0.0
        hi = max(1.0, float(np.var(y)) * 10)
        while excess(hi) > 0:
            hi *= 4
        return _bisect(excess, 0.0, hi)
    if estimator == "REML":
        t2 = max(0.0, tau2_estimate(y, v, "DerSimonian-Laird"))
        for _ in range(500):
            ww = 1 / (v + t2)
            m = np.sum(ww * y) / np.sum(ww)
            r = y - m
            # Fisher scoring step for the REML likelihood (Viechtbauer 2005, eq. 12).
            step = float(np.sum(ww * ww * (r * r - v)) / np.sum(ww * ww) + 1 / np.sum(ww) - t2)
            new = max(0.0, t2 + step)
            if abs(new - t2) < 1e-12 * max(1.0, t2):
                return new
            t2 = new
        return t2
    raise ValueError(f"unknown τ² estimator {estimator!r}")


def _bisect(f: Callable[[float], float], lo: float, hi: float, tolerance: float = 1e-14) -> float:
    """Where ``f`` (positive below, not above) changes sign in [lo, hi]."""
    for _ in range(200):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < tolerance * max(1.0, hi):
            break
    return (lo + hi) / 2


def _percent(w: np.ndarray) -> tuple[float, ...]:
    total = float(np.sum(w))
    return tuple(float(x) * 100 / total for x in w)


def _describe(model: str, estimator: str | None, hk: bool) -> str:
    if model == "common":
        return "common effect, inverse variance"
    return f"random effects, {estimator}" + (", Hartung-Knapp" if hk else "")


# --- distributions -------------------------------------------------------------------

def normal_quantile(p: float) -> float:
    return NormalDist().inv_cdf(p)


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 1000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return h


def beta_inc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    ln = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1) / (a + b + 2):
        return math.exp(ln) * _betacf(a, b, x) / a
    return 1 - math.exp(ln) * _betacf(b, a, 1 - x) / b


def t_sf(t: float, df: float) -> float:
    """P(T > t) for Student's t with ``df`` degrees of freedom."""
    if math.isinf(t):
        return 0.0 if t > 0 else 1.0
    tail = 0.5 * beta_inc(df / 2, 0.5, df / (df + t * t))
    return tail if t >= 0 else 1 - tail


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t (bisection on ``t_sf``)."""
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1 - p, df)
    lo, hi = 0.0, 10.0
    while t_sf(hi, df) > 1 - p:
        hi *= 2
    return _bisect(lambda t: t_sf(t, df) - (1 - p), lo, hi, 1e-13)


def gamma_inc_upper(a: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(a, x)."""
    if x <= 0:
        return 1.0
    ln = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1 / a
        ap = a
        for _ in range(10000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return max(0.0, 1 - total * math.exp(ln))
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 10000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1 / (d if abs(d) > tiny else tiny)
        c = b + an / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
    return math.exp(ln) * h


def chi2_sf(x: float, df: int) -> float:
    """P(χ² > x) with ``df`` degrees of freedom."""
    return gamma_inc_upper(df / 2, x / 2)
