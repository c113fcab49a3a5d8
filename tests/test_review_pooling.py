"""Meta-analytic pooling (pipeline.review.pooling) against statsmodels and SciPy on generated data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps
from scipy.optimize import minimize_scalar
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.meta_analysis import combine_effects

from pipeline.review.pooling import (
    StudyEffect,
    binary_effect,
    chi2_sf,
    from_interval,
    i_squared,
    mantel_haenszel,
    pool,
    t_quantile,
    t_sf,
    tau2_estimate,
)

SEEDS = range(12)


def generated(seed: int, k: int | None = None):
    """SYNTHETIC study effects: k studies, heterogeneous true effects, variances from 0.01 to 0.5."""
    rng = np.random.default_rng(seed)
    k = k or int(rng.integers(2, 41))
    v = rng.uniform(0.01, 0.5, k)
    y = rng.normal(-0.3, 0.4, k) + rng.normal(0, np.sqrt(v))
    return y, v


def effects(y, v):
    return [StudyEffect(float(a), float(b)) for a, b in zip(y, v, strict=True)]


def statsmodels_pm(y, v, use_t: bool):
    """statsmodels' Paule-Mandel fit. Its steps (an approximate Newton step) can overshoot the root and then
    stop at τ² = 0; from another start below the root they converge on their own. The first start whose
    fit is not stuck at 0 (or 0 when τ² is 0) is used."""
    ours = tau2_estimate(y, v, "Paule-Mandel")
    for start in (0.0, 0.9 * ours, 0.5 * ours, 0.99 * ours):
        ref = combine_effects(y, v, method_re="pm", use_t=use_t, tau2_start=start, atol=1e-12, maxiter=5000)
        if ref.tau2 > 0 or ours == 0:
            return ref
    return ref


@pytest.mark.parametrize("seed", SEEDS)
def test_common_effect_matches_statsmodels(seed):
    y, v = generated(seed)
    ref = combine_effects(y, v, method_re="chi2", use_t=False)
    got = pool(effects(y, v), model="common")
    assert got.estimate == pytest.approx(ref.mean_effect_fe, rel=1e-10, abs=1e-12)
    assert got.se == pytest.approx(ref.sd_eff_w_fe, rel=1e-10)
    lo, hi = ref.conf_int(alpha=0.05, use_t=False)[0]
    assert (got.lower, got.upper) == (pytest.approx(lo, rel=1e-9), pytest.approx(hi, rel=1e-9))
    assert got.q == pytest.approx(ref.q, rel=1e-10)
    assert sum(got.weights) == pytest.approx(100.0)
    assert got.i2 == pytest.approx(max(0.0, (ref.q - (len(y) - 1)) / ref.q) * 100, abs=1e-9)
    assert got.q_p == pytest.approx(sps.chi2.sf(ref.q, len(y) - 1), rel=1e-8)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("estimator, method_re", [("DerSimonian-Laird", "dl"), ("Paule-Mandel", "pm")])
def test_random_effects_match_statsmodels(seed, estimator, method_re):
    y, v = generated(seed)
    ref = statsmodels_pm(y, v, False) if method_re == "pm" else combine_effects(y, v, method_re="dl", use_t=False)
    tau2 = max(0.0, float(ref.tau2))
    got = pool(effects(y, v), model="random", estimator=estimator)
    assert got.tau2 == pytest.approx(tau2, rel=1e-6, abs=1e-10)
    if ref.tau2 >= 0:  # statsmodels does not truncate a negative DerSimonian-Laird τ² at zero
        assert got.estimate == pytest.approx(ref.mean_effect_re, rel=1e-6, abs=1e-9)
        lo, hi = ref.conf_int(alpha=0.05, use_t=False)[1]
        assert got.lower == pytest.approx(lo, rel=1e-6, abs=1e-9)
        assert got.upper == pytest.approx(hi, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_hartung_knapp_matches_statsmodels(seed):
    y, v = generated(seed)
    ref = statsmodels_pm(y, v, True)
    got = pool(effects(y, v), model="random", estimator="Paule-Mandel", hartung_knapp=True)
    lo, hi = ref.conf_int(alpha=0.05, use_t=True)[3]     # the random-effects "wls" (HKSJ) interval
    assert got.lower == pytest.approx(lo, rel=1e-6, abs=1e-9)
    assert got.upper == pytest.approx(hi, rel=1e-6, abs=1e-9)
    t = got.estimate / got.se
    assert got.p == pytest.approx(2 * sps.t.sf(abs(t), len(y) - 1), rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_paule_mandel_solves_its_estimating_equation(seed):
    y, v = generated(seed)
    t2 = tau2_estimate(y, v, "Paule-Mandel")
    w = 1 / (v + t2)
    mu = np.sum(w * y) / np.sum(w)
    q = float(np.sum(w * (y - mu) ** 2))
    assert q == pytest.approx(len(y) - 1, abs=1e-8) or (t2 == 0.0 and q <= len(y) - 1)


def _reml_loglik(t2, y, v):
    w = 1 / (v + t2)
    mu = np.sum(w * y) / np.sum(w)
    return -0.5 * (np.sum(np.log(v + t2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))


@pytest.mark.parametrize("seed", SEEDS)
def test_reml_maximises_the_restricted_likelihood(seed):
    y, v = generated(seed)
    got = tau2_estimate(y, v, "REML")
    best = minimize_scalar(lambda t: -_reml_loglik(t, y, v), bounds=(0.0, 5.0), method="bounded",
                           options={"xatol": 1e-10}).x
    if _reml_loglik(0.0, y, v) >= _reml_loglik(best, y, v):
        best = 0.0
    assert got == pytest.approx(best, abs=1e-5)
    assert _reml_loglik(got, y, v) >= max(_reml_loglik(best, y, v), _reml_loglik(0.0, y, v)) - 1e-9


def test_homogeneous_studies_give_zero_tau2_with_every_estimator():
    y = np.array([0.1, 0.1, 0.1, 0.1])
    v = np.array([0.05, 0.1, 0.2, 0.3])
    for name in ("DerSimonian-Laird", "Paule-Mandel", "REML"):
        assert tau2_estimate(y, v, name) == 0.0
    assert i_squared(0.0, 3) == 0.0


def _tables(seed: int):
    rng = np.random.default_rng(100 + seed)
    k = int(rng.integers(2, 30))
    n1 = rng.integers(10, 400, k)
    n2 = rng.integers(10, 400, k)
    e1 = rng.binomial(n1, 0.25)
    e2 = rng.binomial(n2, 0.35)
    return [(int(a), int(b), int(c), int(d)) for a, b, c, d in zip(e1, n1, e2, n2, strict=True)]


@pytest.mark.parametrize("seed", SEEDS)
def test_mantel_haenszel_matches_statsmodels(seed):
    tables = _tables(seed)
    strat = StratifiedTable([np.array([[e1, n1 - e1], [e2, n2 - e2]]) for e1, n1, e2, n2 in tables])
    got = mantel_haenszel(tables, "odds ratio")
    assert math.exp(got.estimate) == pytest.approx(strat.oddsratio_pooled, rel=1e-10)
    assert got.se == pytest.approx(strat.logodds_pooled_se, rel=1e-10)
    rr = mantel_haenszel(tables, "risk ratio")
    assert math.exp(rr.estimate) == pytest.approx(strat.riskratio_pooled, rel=1e-10)


def test_mantel_haenszel_leaves_out_studies_without_events():
    tables = [(0, 20, 0, 20), (5, 50, 10, 50), (8, 60, 12, 55)]
    got = mantel_haenszel(tables, "odds ratio")
    assert got.used == (1, 2)
    assert sum(got.weights) == pytest.approx(100.0)


def test_study_effects_from_counts_and_intervals():
    # A study's OR from its counts, and back from its own Woolf interval.
    e = binary_effect("odds ratio", 2, 7, 2, 12)
    assert math.exp(e.y) == pytest.approx(2.0)
    z = sps.norm.ppf(0.975)
    lo, hi = math.exp(e.y - z * math.sqrt(e.v)), math.exp(e.y + z * math.sqrt(e.v))
    back = from_interval(None, lo, hi, ratio=True)
    assert back.y == pytest.approx(e.y) and back.v == pytest.approx(e.v)
    # A zero cell: 0.5 added to every cell.
    assert binary_effect("risk ratio", 0, 10, 3, 10).corrected
    assert binary_effect("odds ratio", 0, 10, 0, 10) is None


@pytest.mark.parametrize("df", [1, 2, 3, 6, 10, 39, 200])
def test_distributions_match_scipy(df):
    for p in (0.6, 0.9, 0.975, 0.995):
        assert t_quantile(p, df) == pytest.approx(sps.t.ppf(p, df), rel=1e-9)
    for x in (0.0, 0.5, 2.0, 7.11, 30.0):
        assert t_sf(x, df) == pytest.approx(sps.t.sf(x, df), rel=1e-9, abs=1e-300)
        assert chi2_sf(x, df) == pytest.approx(sps.chi2.sf(x, df), rel=1e-9, abs=1e-300)


def test_prediction_interval_follows_higgins():
    y, v = generated(3, k=8)
    got = pool(effects(y, v), model="random", estimator="DerSimonian-Laird")
    half = sps.t.ppf(0.975, 6) * math.sqrt(got.tau2 + got.se ** 2)
    assert got.prediction == (pytest.approx(got.estimate - half), pytest.approx(got.estimate + half))
    assert pool(effects(y[:2], v[:2]), model="random", estimator="REML").prediction is None
