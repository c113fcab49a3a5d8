"""Tests for pipeline.stats, with statsmodels as the reference implementation.

statsmodels conventions that matter here (checked against statsmodels 0.15):

* ``confint_proportions_2indep(..., compare='diff', method='newcomb')`` is
  Newcombe's method 10 from clipped Wilson intervals: our exact method.
* ``compare='ratio', method='log'`` and ``compare='odds-ratio',
  method='logit'`` are Katz and Woolf with no correction; with a zero cell
  they raise ZeroDivisionError (Python ints) rather than correct anything.
  They return only the interval; for the point estimate we use
  ``Table2x2(..., shift_zeros=False).riskratio`` / ``.oddsratio``.
* ``method='logit-adjusted'`` adds 0.5 to each count and 1 to each total,
  i.e. 0.5 to every cell: the same as our rule *when a cell is zero*
  (statsmodels applies it always; we apply it only when a cell is zero).
* ``method='log-adjusted'`` is NOT our rule: it adds 0.5 to the events and
  only 0.5 to the total (the non-event cells are left alone), so its interval
  differs from Katz on the Haldane-Anscombe table. ``Table2x2`` with its
  default ``shift_zeros=True`` is not our rule either: it replaces only the
  zero cells with 0.5. For corrected risk ratios we therefore check against
  a hand-worked example and against Table2x2 applied to the table we
  corrected ourselves (``shift_zeros=False``).
"""

from __future__ import annotations

import math
import random
import statistics
from fractions import Fraction
from statistics import NormalDist

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

sm_proportion = pytest.importorskip(
    "statsmodels.stats.proportion",
    reason="statsmodels is the reference implementation for these tests",
)
sm_tables = pytest.importorskip("statsmodels.stats.contingency_tables")
sm_weightstats = pytest.importorskip("statsmodels.stats.weightstats")
sm_rates = pytest.importorskip("statsmodels.stats.rates")
np = pytest.importorskip("numpy")

from pipeline.stats import (  # noqa: E402  (after the importorskip guards)
    NNT,
    Estimate,
    difference_from_ratio,
    mean_difference,
    nnt,
    odds_ratio,
    per_1000,
    rate_ratio,
    risk,
    risk_difference,
    risk_ratio,
    wilson_interval,
)

confint_2indep = sm_proportion.confint_proportions_2indep
proportion_confint = sm_proportion.proportion_confint
Table2x2 = sm_tables.Table2x2

# Deterministic, bounded, and no .hypothesis/ database written into the repo.
MANY = settings(max_examples=300, deadline=None, derandomize=True, database=None)

TOL = dict(rel=1e-9, abs=1e-12)


# --------------------------------------------------------------------------
# strategies


@st.composite
def arms(draw):
    """(events, total) biased towards tiny arms, huge arms and zero/full cells."""
    total = draw(
        st.one_of(
            st.integers(1, 5),
            st.integers(6, 200),
            st.integers(201, 1_000_000),
        )
    )
    events = draw(st.one_of(st.just(0), st.just(total), st.integers(0, total)))
    return events, total


levels = st.one_of(
    st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.999]),
    st.floats(min_value=0.5, max_value=0.999),
)


def _has_zero_cell(e1, n1, e2, n2):
    return 0 in (e1, n1 - e1, e2, n2 - e2)


def _not_estimable(e1, n1, e2, n2):
    return (e1 == 0 and e2 == 0) or (e1 == n1 and e2 == n2)


# --------------------------------------------------------------------------
# single proportion


@MANY
@given(arm=arms(), level=levels)
def test_wilson_matches_statsmodels(arm, level):
    e, n = arm
    got = wilson_interval(e, n, level)
    lo, hi = proportion_confint(e, n, alpha=1 - level, method="wilson")
    assert got.value == e / n
    assert got.lower == pytest.approx(lo, **TOL)
    assert got.upper == pytest.approx(hi, **TOL)
    assert 0.0 <= got.lower <= got.value <= got.upper <= 1.0
    assert got.level == level and got.corrected is False


def test_wilson_hand_worked_zero_and_all_events():
    # With e = 0 the Wilson upper limit simplifies to z^2 / (n + z^2), and
    # by symmetry with e = n the lower limit is n / (n + z^2).
    z = NormalDist().inv_cdf(0.975)  # 1.959963...
    zero = wilson_interval(0, 10)
    assert zero.lower == 0.0
    assert zero.upper == pytest.approx(z * z / (10 + z * z), rel=1e-12)
    assert zero.upper == pytest.approx(0.27753, abs=1e-5)
    full = wilson_interval(10, 10)
    assert full.upper == 1.0
    assert full.lower == pytest.approx(10 / (10 + z * z), rel=1e-12)


def test_wilson_single_participant():
    z = NormalDist().inv_cdf(0.975)
    one = wilson_interval(1, 1)
    assert (one.value, one.upper) == (1.0, 1.0)
    assert one.lower == pytest.approx(1 / (1 + z * z), rel=1e-12)


def test_risk():
    assert risk(3, 12) == 0.25
    assert risk(0, 1) == 0.0
    assert risk(7, 7) == 1.0


# --------------------------------------------------------------------------
# risk difference


@MANY
@given(arm1=arms(), arm2=arms(), level=levels)
@example(arm1=(0, 1), arm2=(0, 1), level=0.95)
@example(arm1=(1, 1), arm2=(0, 1), level=0.95)
@example(arm1=(0, 5), arm2=(5, 5), level=0.95)
@example(arm1=(0, 1_000_000), arm2=(1, 1_000_000), level=0.99)
def test_risk_difference_matches_statsmodels_newcombe(arm1, arm2, level):
    (e1, n1), (e2, n2) = arm1, arm2
    got = risk_difference(e1, n1, e2, n2, level)
    lo, hi = confint_2indep(
        e1, n1, e2, n2, method="newcomb", compare="diff", alpha=1 - level
    )
    assert got.value == pytest.approx(e1 / n1 - e2 / n2, **TOL)
    assert got.lower == pytest.approx(lo, rel=1e-9, abs=1e-9)
    assert got.upper == pytest.approx(hi, rel=1e-9, abs=1e-9)
    assert -1.0 <= got.lower <= got.value <= got.upper <= 1.0
    assert got.corrected is False


def test_risk_difference_identical_arms_is_zero_and_symmetric():
    got = risk_difference(20, 100, 20, 100)
    assert got.value == 0.0
    assert got.lower == pytest.approx(-got.upper, rel=1e-12)
    assert got.lower < 0 < got.upper


def test_risk_difference_interval_crossing_zero():
    # 30/100 vs 20/100: RD 0.10, Newcombe 95% CI about -0.020 to 0.217.
    got = risk_difference(30, 100, 20, 100)
    assert got.value == pytest.approx(0.10, abs=1e-12)
    assert got.lower == pytest.approx(-0.02025, abs=1e-5)
    assert got.upper == pytest.approx(0.21673, abs=1e-5)


def test_risk_difference_wider_at_higher_level():
    narrow = risk_difference(30, 100, 20, 100, level=0.90)
    wide = risk_difference(30, 100, 20, 100, level=0.99)
    assert wide.lower < narrow.lower and wide.upper > narrow.upper


# --------------------------------------------------------------------------
# risk ratio and odds ratio


@MANY
@given(arm1=arms(), arm2=arms(), level=levels)
@example(arm1=(1, 2), arm2=(1, 2), level=0.95)
@example(arm1=(1, 1_000_000), arm2=(999_999, 1_000_000), level=0.95)
def test_ratios_without_zero_cells_match_statsmodels(arm1, arm2, level):
    (e1, n1), (e2, n2) = arm1, arm2
    if _has_zero_cell(e1, n1, e2, n2):
        # Move any zero-cell draw to a nearby table with none, so all 300
        # examples are checked rather than discarded.
        n1, n2 = max(n1, 2), max(n2, 2)
        e1, e2 = min(max(e1, 1), n1 - 1), min(max(e2, 1), n2 - 1)
    table = np.array([[e1, n1 - e1], [e2, n2 - e2]])
    reference = Table2x2(table, shift_zeros=False)

    rr = risk_ratio(e1, n1, e2, n2, level)
    lo, hi = confint_2indep(
        e1, n1, e2, n2, method="log", compare="ratio", alpha=1 - level
    )
    assert rr is not None and rr.corrected is False
    assert rr.value == pytest.approx(reference.riskratio, **TOL)
    assert rr.lower == pytest.approx(lo, **TOL)
    assert rr.upper == pytest.approx(hi, **TOL)

    orr = odds_ratio(e1, n1, e2, n2, level)
    lo, hi = confint_2indep(
        e1, n1, e2, n2, method="logit", compare="odds-ratio", alpha=1 - level
    )
    assert orr is not None and orr.corrected is False
    assert orr.value == pytest.approx(reference.oddsratio, **TOL)
    assert orr.lower == pytest.approx(lo, **TOL)
    assert orr.upper == pytest.approx(hi, **TOL)


@st.composite
def zero_cell_tables(draw):
    """Two arms with at least one zero cell, and a ratio that is estimable."""
    (e1, n1), (e2, n2) = draw(arms()), draw(arms())
    if not _has_zero_cell(e1, n1, e2, n2):
        # Force a zero cell: arm 1 gets no events or all events.
        e1 = draw(st.sampled_from([0, n1]))
    if _not_estimable(e1, n1, e2, n2):
        # Make arm 2 differ from arm 1 at the boundary.
        n2 = max(n2, 2)
        e2 = n2 if e1 == 0 else 0
    return e1, n1, e2, n2


@MANY
@given(table=zero_cell_tables(), level=levels)
@example(table=(0, 1, 1, 1), level=0.95)
@example(table=(0, 10, 10, 10), level=0.95)
@example(table=(3, 3, 1, 4), level=0.9)
def test_odds_ratio_zero_cells_match_statsmodels_logit_adjusted(table, level):
    e1, n1, e2, n2 = table
    got = odds_ratio(e1, n1, e2, n2, level)
    assert got is not None and got.corrected is True
    # 'logit-adjusted' = count + 0.5, total + 1 = 0.5 added to every cell.
    lo, hi = confint_2indep(
        e1, n1, e2, n2, method="logit-adjusted", compare="odds-ratio",
        alpha=1 - level,
    )
    assert got.lower == pytest.approx(lo, **TOL)
    assert got.upper == pytest.approx(hi, **TOL)
    shifted = np.array([[e1, n1 - e1], [e2, n2 - e2]], dtype=float) + 0.5
    assert got.value == pytest.approx(
        Table2x2(shifted, shift_zeros=False).oddsratio, **TOL
    )


@MANY
@given(table=zero_cell_tables(), level=levels)
@example(table=(0, 1, 1, 1), level=0.95)
@example(table=(5, 5, 0, 7), level=0.95)
def test_risk_ratio_zero_cells_match_katz_on_corrected_table(table, level):
    # statsmodels' 'log-adjusted' uses a different correction (see module
    # docstring), so the oracle is Table2x2's Katz computation on the table
    # with 0.5 added to every cell.
    e1, n1, e2, n2 = table
    got = risk_ratio(e1, n1, e2, n2, level)
    assert got is not None and got.corrected is True
    shifted = np.array([[e1, n1 - e1], [e2, n2 - e2]], dtype=float) + 0.5
    reference = Table2x2(shifted, shift_zeros=False)
    lo, hi = reference.riskratio_confint(alpha=1 - level)
    assert got.value == pytest.approx(reference.riskratio, **TOL)
    assert got.lower == pytest.approx(lo, **TOL)
    assert got.upper == pytest.approx(hi, **TOL)


def test_ratios_zero_cell_hand_worked():
    # 0/10 vs 3/10. Cells a=0, b=10, c=3, d=7 -> a zero cell, so every cell
    # gets 0.5: a=0.5, b=10.5, c=3.5, d=7.5; totals 11 and 11.
    #   RR = (0.5/11) / (3.5/11) = 1/7
    #   SE(log RR) = sqrt(1/0.5 - 1/11 + 1/3.5 - 1/11) = sqrt(2 + 2/7 - 2/11)
    #   OR = (0.5*7.5) / (10.5*3.5) = 3.75 / 36.75 = 5/49
    #   SE(log OR) = sqrt(1/0.5 + 1/10.5 + 1/3.5 + 1/7.5)
    z = NormalDist().inv_cdf(0.975)
    rr_se = math.sqrt(float(Fraction(2) + Fraction(2, 7) - Fraction(2, 11)))
    or_se = math.sqrt(
        float(Fraction(2) + Fraction(2, 21) + Fraction(2, 7) + Fraction(2, 15))
    )
    rr = risk_ratio(0, 10, 3, 10)
    assert rr is not None and rr.corrected is True
    assert rr.value == pytest.approx(1 / 7, rel=1e-12)
    assert rr.lower == pytest.approx((1 / 7) * math.exp(-z * rr_se), rel=1e-12)
    assert rr.upper == pytest.approx((1 / 7) * math.exp(z * rr_se), rel=1e-12)
    assert rr_se == pytest.approx(1.45048, abs=1e-5)
    orr = odds_ratio(0, 10, 3, 10)
    assert orr is not None and orr.corrected is True
    assert orr.value == pytest.approx(5 / 49, rel=1e-12)
    assert orr.lower == pytest.approx((5 / 49) * math.exp(-z * or_se), rel=1e-12)
    assert orr.upper == pytest.approx((5 / 49) * math.exp(z * or_se), rel=1e-12)


def test_risk_ratio_correction_differs_from_statsmodels_log_adjusted():
    # Pins the claim in the module docstring: with unequal arms the
    # 0.5-to-every-cell rule and statsmodels' 'log-adjusted' give different
    # intervals (0/10 vs 3/20: lower 0.01543 for ours, 0.01584 for theirs).
    ours = risk_ratio(0, 10, 3, 20)
    theirs = confint_2indep(0, 10, 3, 20, method="log-adjusted", compare="ratio")
    assert ours is not None
    assert ours.value == pytest.approx((0.5 / 11) / (3.5 / 21), rel=1e-12)
    assert ours.lower == pytest.approx(0.0154326, rel=1e-5)
    assert theirs[0] == pytest.approx(0.0158406, rel=1e-5)


@pytest.mark.parametrize(
    "e1, n1, e2, n2",
    [(0, 1, 0, 1), (0, 10, 0, 250), (1, 1, 1, 1), (10, 10, 3, 3), (0, 5, 0, 5)],
)
def test_ratios_not_estimable_return_none(e1, n1, e2, n2):
    assert risk_ratio(e1, n1, e2, n2) is None
    assert odds_ratio(e1, n1, e2, n2) is None


def test_ratios_identical_arms_are_one():
    for fn in (risk_ratio, odds_ratio):
        got = fn(20, 100, 20, 100)
        assert got is not None and got.corrected is False
        assert got.value == pytest.approx(1.0, rel=1e-12)
        assert got.lower < 1.0 < got.upper
        assert got.lower * got.upper == pytest.approx(1.0, rel=1e-12)


def test_ratios_single_participant_arms():
    # 1/1 vs 0/1: cells 1,0,0,1 -> 1.5,0.5,0.5,1.5.
    rr = risk_ratio(1, 1, 0, 1)
    orr = odds_ratio(1, 1, 0, 1)
    assert rr is not None and orr is not None
    assert rr.corrected and orr.corrected
    assert rr.value == pytest.approx((1.5 / 2) / (0.5 / 2), rel=1e-12)  # 3
    assert orr.value == pytest.approx(1.5 * 1.5 / (0.5 * 0.5), rel=1e-12)  # 9


# --------------------------------------------------------------------------
# per 1000


def test_per_1000():
    rd = risk_difference(30, 100, 20, 100)
    scaled = per_1000(rd)
    assert isinstance(scaled, Estimate)
    assert scaled.value == pytest.approx(100.0, rel=1e-12)
    assert scaled.lower == pytest.approx(rd.lower * 1000, rel=1e-12)
    assert scaled.upper == pytest.approx(rd.upper * 1000, rel=1e-12)
    assert scaled.level == rd.level
    assert per_1000(-0.032) == pytest.approx(-32.0, rel=1e-12)
    assert per_1000(0) == 0.0


# --------------------------------------------------------------------------
# number needed to treat


def test_nnt_altman_style_interval_through_infinity():
    # Newcombe's reading of Altman (BMJ 1998): an ARR interval from -5% to
    # +25% inverts to NNTB 4 (1/0.25) through infinity to NNTH 20 (1/0.05);
    # the point ARR of 10% gives NNTB 10.
    good_outcome = Estimate(0.10, -0.05, 0.25, 0.95, "given")
    got = nnt(good_outcome, higher_is_better=True)
    assert got.kind == "NNTB" and got.value == pytest.approx(10.0)
    assert (got.lower_kind, got.upper_kind) == ("NNTB", "NNTH")
    assert got.lower == pytest.approx(4.0) and got.upper == pytest.approx(20.0)
    assert got.crosses_infinity is True
    assert got.format() == "NNTB 10 (95% CI NNTB 4 to ∞ to NNTH 20)"

    # The same data for a bad outcome (fewer events better): the risk
    # difference arm1 - arm2 has the opposite sign, the NNT is the same.
    bad_outcome = Estimate(-0.10, -0.25, 0.05, 0.95, "given")
    assert nnt(bad_outcome, higher_is_better=False) == got


def test_nnt_from_counts_hand_worked():
    # Remission 30/100 (intervention) vs 20/100 (comparator).
    # RD = 0.10 -> NNT = 1/0.10 = 10 -> "NNTB 10".
    # Newcombe CI -0.02025 to 0.21673:
    #   1/0.21673 = 4.61 -> rounded up to NNTB 5,
    #   1/0.02025 = 49.4 -> rounded up to NNTH 50.
    got = nnt(risk_difference(30, 100, 20, 100), higher_is_better=True)
    assert got.format() == "NNTB 10 (95% CI NNTB 5 to ∞ to NNTH 50)"
    # The same counts for serious adverse events: harm.
    harm = nnt(risk_difference(30, 100, 20, 100), higher_is_better=False)
    assert harm.kind == "NNTH"
    assert harm.format() == "NNTH 10 (95% CI NNTB 50 to ∞ to NNTH 5)"


def test_nnt_significant_benefit_and_harm():
    # 50/100 vs 20/100: RD 0.30 -> NNT 3.33 -> 4; CI entirely on one side.
    rd = risk_difference(50, 100, 20, 100)
    benefit = nnt(rd, higher_is_better=True)
    assert benefit.crosses_infinity is False
    assert benefit.kind == benefit.lower_kind == benefit.upper_kind == "NNTB"
    assert benefit.lower == pytest.approx(1 / rd.upper)
    assert benefit.upper == pytest.approx(1 / rd.lower)
    lo, hi = math.ceil(1 / rd.upper), math.ceil(1 / rd.lower)
    assert benefit.format() == f"NNTB 4 (95% CI {lo} to {hi})"
    harm = nnt(rd, higher_is_better=False)
    assert harm.kind == harm.lower_kind == harm.upper_kind == "NNTH"
    # Altman's order (inverted and exchanged limits): nearer "no effect" first.
    assert harm.format() == f"NNTH 4 (95% CI {lo} to {hi})"


def test_nnt_zero_risk_difference_is_infinite():
    got = nnt(Estimate(0.0, -0.1, 0.1, 0.95, "given"), higher_is_better=True)
    assert math.isinf(got.value) and got.kind is None
    assert got.crosses_infinity is True
    assert got.format() == "NNT ∞ (95% CI NNTB 10 to ∞ to NNTH 10)"
    # Identical arms from counts take the same path without ZeroDivisionError.
    same = nnt(risk_difference(7, 40, 7, 40), higher_is_better=False)
    assert math.isinf(same.value) and same.kind is None


def test_nnt_limit_exactly_zero_and_degenerate_interval():
    edge = nnt(Estimate(0.2, 0.0, 0.4, 0.9, "given"), higher_is_better=True)
    assert edge.upper_kind is None and math.isinf(edge.upper)
    assert edge.crosses_infinity is True  # the interval reaches "no effect"
    assert edge.format() == "NNTB 5 (90% CI NNTB 3 to ∞)"
    flat = nnt(Estimate(0.0, 0.0, 0.0, 0.95, "given"), higher_is_better=True)
    assert flat.format() == "NNT ∞ (95% CI ∞)"


def test_nnt_rounding_ignores_floating_point_noise():
    rd = 0.3 - 0.2  # 0.09999999999999998, so 1/rd = 10.000000000000002
    got = nnt(Estimate(rd, 0.05, 0.2, 0.95, "given"), higher_is_better=True)
    assert got.format() == "NNTB 10 (95% CI 5 to 20)"
    # Genuine fractions still round up.
    up = nnt(Estimate(0.3, 0.21, 0.39, 0.95, "given"), higher_is_better=True)
    assert up.format() == "NNTB 4 (95% CI 3 to 5)"


def test_nnt_requires_direction():
    with pytest.raises(TypeError):
        nnt(risk_difference(3, 10, 1, 10))  # type: ignore[call-arg]


@MANY
@given(arm1=arms(), arm2=arms(), level=levels, higher_is_better=st.booleans())
def test_nnt_is_consistent_with_its_risk_difference(
    arm1, arm2, level, higher_is_better
):
    (e1, n1), (e2, n2) = arm1, arm2
    rd = risk_difference(e1, n1, e2, n2, level)
    got = nnt(rd, higher_is_better=higher_is_better)
    assert isinstance(got, NNT) and got.level == rd.level
    sign = 1 if higher_is_better else -1
    benefit = sign * rd.value
    if benefit == 0:
        assert math.isinf(got.value) and got.kind is None
    else:
        assert got.value * abs(rd.value) == pytest.approx(1.0, rel=1e-12)
        assert got.kind == ("NNTB" if benefit > 0 else "NNTH")
    assert got.crosses_infinity == (rd.lower <= 0 <= rd.upper)
    best = max(sign * rd.lower, sign * rd.upper)
    worst = min(sign * rd.lower, sign * rd.upper)
    for limit, value, kind in ((best, got.lower, got.lower_kind),
                               (worst, got.upper, got.upper_kind)):
        if limit == 0:
            assert math.isinf(value) and kind is None
        else:
            assert value * abs(limit) == pytest.approx(1.0, rel=1e-12)
            assert kind == ("NNTB" if limit > 0 else "NNTH")
    # Flipping the direction swaps benefit and harm, and the order of limits.
    flipped = nnt(rd, higher_is_better=not higher_is_better)
    swap = {"NNTB": "NNTH", "NNTH": "NNTB", None: None}
    assert flipped.kind == swap[got.kind]
    assert (flipped.lower, flipped.upper) == (got.upper, got.lower)
    assert flipped.lower_kind == swap[got.upper_kind]
    text = got.format()
    assert text.startswith(("NNTB ", "NNTH ", "NNT ∞ "))
    assert "% CI " in text and text.endswith(")")
    both_finite = math.isfinite(got.lower) and math.isfinite(got.upper)
    assert (" to ∞ to " in text) == (got.crosses_infinity and both_finite)


# --------------------------------------------------------------------------
# mean difference


samples = st.lists(
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False), min_size=2, max_size=40
)


@MANY
@given(x1=samples, x2=samples, level=levels)
@example(x1=[5.0, 5.0], x2=[5.0, 5.0], level=0.95)
def test_mean_difference_matches_statsmodels_compare_means(x1, x2, level):
    m1, s1 = statistics.fmean(x1), statistics.stdev(x1)
    m2, s2 = statistics.fmean(x2), statistics.stdev(x2)
    got = mean_difference(m1, s1, len(x1), m2, s2, len(x2), level)
    cm = sm_weightstats.CompareMeans(
        sm_weightstats.DescrStatsW(np.asarray(x1)),
        sm_weightstats.DescrStatsW(np.asarray(x2)),
    )
    lo, hi = cm.zconfint_diff(alpha=1 - level, usevar="unequal")
    assert got.value == pytest.approx(m1 - m2, rel=1e-9, abs=1e-9)
    assert got.lower == pytest.approx(lo, rel=1e-9, abs=1e-7)
    assert got.upper == pytest.approx(hi, rel=1e-9, abs=1e-7)


@MANY
@given(
    m1=st.floats(-1e4, 1e4), sd1=st.floats(0, 1e3), n1=st.integers(1, 10_000),
    m2=st.floats(-1e4, 1e4), sd2=st.floats(0, 1e3), n2=st.integers(1, 10_000),
    level=levels,
)
def test_mean_difference_summary_numbers_match_zconfint(m1, sd1, n1, m2, sd2, n2, level):
    got = mean_difference(m1, sd1, n1, m2, sd2, n2, level)
    se = math.sqrt(sd1**2 / n1 + sd2**2 / n2)
    lo, hi = sm_weightstats._zconfint_generic(m1 - m2, se, 1 - level, "two-sided")
    assert got.lower == pytest.approx(lo, rel=1e-9, abs=1e-9)
    assert got.upper == pytest.approx(hi, rel=1e-9, abs=1e-9)


def test_mean_difference_hand_worked():
    # 12.0 (SD 4, n 50) vs 10.0 (SD 3, n 40):
    # SE = sqrt(16/50 + 9/40) = sqrt(0.32 + 0.225) = sqrt(0.545) = 0.73824
    # 95% CI = 2.0 +/- 1.959964 * 0.73824 = 0.55307 to 3.44693
    got = mean_difference(12.0, 4.0, 50, 10.0, 3.0, 40)
    assert got.value == 2.0
    assert got.lower == pytest.approx(0.55307, abs=1e-5)
    assert got.upper == pytest.approx(3.44693, abs=1e-5)
    single = mean_difference(3.0, 0.0, 1, 1.0, 0.0, 1)  # n = 1, no spread
    assert (single.value, single.lower, single.upper) == (2.0, 2.0, 2.0)


def test_mean_difference_close_to_welch_for_moderate_n():
    rng = random.Random(20240501)
    x1 = [rng.gauss(10, 3) for _ in range(100)]
    x2 = [rng.gauss(9, 5) for _ in range(100)]
    got = mean_difference(
        statistics.fmean(x1), statistics.stdev(x1), 100,
        statistics.fmean(x2), statistics.stdev(x2), 100,
    )
    cm = sm_weightstats.CompareMeans(
        sm_weightstats.DescrStatsW(np.asarray(x1)),
        sm_weightstats.DescrStatsW(np.asarray(x2)),
    )
    lo, hi = cm.tconfint_diff(usevar="unequal")
    welch_width, z_width = hi - lo, got.upper - got.lower
    assert z_width < welch_width  # z quantile is below every t quantile
    assert z_width / welch_width == pytest.approx(1.0, abs=0.01)


# --------------------------------------------------------------------------
# input validation

BAD_ARMS = [
    ((11, 10), "must not exceed"),
    ((-1, 10), "must not be negative"),
    ((0, 0), "at least 1"),
    ((2.5, 10), "whole number"),
    ((True, 10), "whole number"),
    ((1, "10"), "whole number"),
]
BAD_LEVELS = [0, 1, 1.5, -0.1, float("nan"), float("inf"), True, "0.95", 95]


@pytest.mark.parametrize("arm, message", BAD_ARMS)
def test_single_arm_bad_input(arm, message):
    for call in (lambda: risk(*arm), lambda: wilson_interval(*arm)):
        with pytest.raises(ValueError, match=message):
            call()


@pytest.mark.parametrize("fn", [risk_difference, risk_ratio, odds_ratio])
@pytest.mark.parametrize("arm, message", BAD_ARMS)
def test_two_arm_bad_input(fn, arm, message):
    with pytest.raises(ValueError, match=message + r".*\(arm 1\)|\(arm 1\).*" + message):
        fn(*arm, 5, 10)
    with pytest.raises(ValueError, match=message + r".*\(arm 2\)|\(arm 2\).*" + message):
        fn(5, 10, *arm)


@pytest.mark.parametrize("level", BAD_LEVELS)
def test_bad_level(level):
    calls = [
        lambda: wilson_interval(1, 10, level),
        lambda: risk_difference(1, 10, 2, 10, level),
        lambda: risk_ratio(1, 10, 2, 10, level),
        lambda: odds_ratio(1, 10, 2, 10, level),
        lambda: mean_difference(1.0, 1.0, 10, 2.0, 1.0, 10, level),
        lambda: nnt(Estimate(0.1, 0.05, 0.2, level, "given"), higher_is_better=True),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="level"):
            call()


@pytest.mark.parametrize(
    "args, message",
    [
        ((1.0, -1.0, 10, 2.0, 1.0, 10), "sd \\(arm 1\\) must not be negative"),
        ((1.0, 1.0, 10, 2.0, -0.5, 10), "sd \\(arm 2\\) must not be negative"),
        ((1.0, 1.0, 0, 2.0, 1.0, 10), "n \\(arm 1\\) must be at least 1"),
        ((1.0, 1.0, 10, 2.0, 1.0, 0), "n \\(arm 2\\) must be at least 1"),
        ((1.0, 1.0, 10.5, 2.0, 1.0, 10), "whole number"),
        ((float("nan"), 1.0, 10, 2.0, 1.0, 10), "finite"),
        ((1.0, float("inf"), 10, 2.0, 1.0, 10), "finite"),
        ((1.0, 1.0, 10, None, 1.0, 10), "finite"),
    ],
)
def test_mean_difference_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        mean_difference(*args)


@pytest.mark.parametrize(
    "rd, message",
    [
        (0.1, "Estimate"),
        (Estimate(1.5, 0.5, 1.8, 0.95, "x"), r"\[-1, 1\]"),
        (Estimate(0.3, 0.35, 0.5, 0.95, "x"), "not inside"),
        (Estimate(float("nan"), 0.1, 0.2, 0.95, "x"), "finite"),
    ],
)
def test_nnt_bad_input(rd, message):
    with pytest.raises(ValueError, match=message):
        nnt(rd, higher_is_better=True)


def test_nnt_direction_must_be_bool():
    with pytest.raises(ValueError, match="higher_is_better"):
        nnt(Estimate(0.1, 0.05, 0.2, 0.95, "x"), higher_is_better=1)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [1.5, -1.01, float("nan"), "0.1"])
def test_per_1000_bad_input(value):
    with pytest.raises(ValueError):
        per_1000(value)
    with pytest.raises(ValueError):
        per_1000(Estimate(0.0, value, 0.5, 0.95, "x"))  # type: ignore[arg-type]


def test_estimates_are_frozen():
    got = risk_difference(1, 10, 2, 10)
    with pytest.raises(AttributeError):
        got.value = 0.5  # type: ignore[misc]


# --------------------------------------------------------------------------
# rate ratio from events and person-time (generated inputs)


@settings(max_examples=200, deadline=None)
@given(
    e1=st.integers(1, 5000), t1=st.floats(1.0, 1e6), e2=st.integers(1, 5000), t2=st.floats(1.0, 1e6),
    level=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
@example(e1=10, t1=100.0, e2=20, t2=150.0, level=0.95)
def test_rate_ratio_matches_statsmodels_wald_log(e1, t1, e2, t2, level):
    result = rate_ratio(e1, t1, e2, t2, level=level)
    low, high = sm_rates.confint_poisson_2indep(e1, t1, e2, t2, method="wald-log", compare="ratio", alpha=1 - level)
    assert result.value == pytest.approx((e1 / t1) / (e2 / t2), rel=1e-12)
    assert result.lower == pytest.approx(float(low), rel=1e-9)
    assert result.upper == pytest.approx(float(high), rel=1e-9)
    assert result.lower < result.value < result.upper
    assert result.level == level and result.method == "Wald, log scale" and not result.corrected


def test_rate_ratio_hand_worked():
    # 40 events in 2000 person-years vs 60 in 2100: IRR = 0.02 / 0.028571 = 0.7;
    # SE = sqrt(1/40 + 1/60) = 0.204124; 95% limits 0.7 · exp(∓1.959964 · 0.204124) = 0.4692 and 1.0444.
    result = rate_ratio(40, 2000, 60, 2100)
    assert result.value == pytest.approx(0.7)
    assert result.lower == pytest.approx(0.4692, abs=5e-5)
    assert result.upper == pytest.approx(1.0444, abs=5e-5)


def test_rate_ratio_without_events_is_not_estimable():
    assert rate_ratio(0, 100.0, 5, 100.0) is None
    assert rate_ratio(5, 100.0, 0, 100.0) is None


@pytest.mark.parametrize("args,message", [
    ((-1, 100.0, 5, 100.0), "events (arm 1) must not be negative"),
    ((1.5, 100.0, 5, 100.0), "events (arm 1) must be a whole number"),
    ((1, 0.0, 5, 100.0), "person-time (arm 1) must be above 0"),
    ((1, 100.0, 5, float("inf")), "person-time (arm 2) must be a finite number"),
    ((1, 100.0, 5, 100.0, 1.0), "level must be a confidence level"),
])
def test_rate_ratio_bad_input(args, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        rate_ratio(*args)


# --------------------------------------------------------------------------
# absolute effects from a ratio and a control risk (GRADE)


def test_difference_from_ratio_hand_worked():
    # RR 0.8 at 20%: 0.16 − 0.20 = −0.04.
    assert difference_from_ratio("risk ratio", 0.8, 0.2) == pytest.approx(-0.04)
    # OR 2 at 50%: odds 1 → 2, risk 2/3: +0.1667.
    assert difference_from_ratio("odds ratio", 2.0, 0.5) == pytest.approx(2 / 3 - 0.5)
    # HR 0.5 at 36%: survival 0.64 → 0.64^0.5 = 0.8, risk 0.2: −0.16.
    assert difference_from_ratio("hazard ratio", 0.5, 0.36) == pytest.approx(-0.16)


@settings(max_examples=200, deadline=None)
@given(ratio=st.floats(0.05, 20.0), r0=st.floats(0.001, 0.999))
def test_difference_from_ratio_is_consistent_with_each_measure(ratio, r0):
    odds = difference_from_ratio("odds ratio", ratio, r0) + r0
    hazard = difference_from_ratio("hazard ratio", ratio, r0) + r0
    assert 0.0 <= odds <= 1.0 + 1e-12 and 0.0 <= hazard <= 1.0 + 1e-12
    if 1e-6 < odds < 1 - 1e-6:
        # the odds ratio of the implied risks is the ratio given
        assert (odds / (1 - odds)) / (r0 / (1 - r0)) == pytest.approx(ratio, rel=1e-4)
    if 1e-6 < hazard < 1 - 1e-6:
        # the ratio of the cumulative hazards −log(1 − risk) is the hazard ratio given
        assert math.log(1 - hazard) / math.log(1 - r0) == pytest.approx(ratio, rel=1e-4)
    if ratio * r0 <= 1.0:
        assert difference_from_ratio("risk ratio", ratio, r0) == pytest.approx((ratio - 1) * r0, abs=1e-15)
    # no effect, no difference
    assert difference_from_ratio("hazard ratio", 1.0, r0) == pytest.approx(0.0, abs=1e-15)


def test_difference_from_ratio_for_rare_events_agrees_across_measures():
    # At a 1% control risk a risk, odds and hazard ratio of 0.8 say nearly the same.
    values = [difference_from_ratio(m, 0.8, 0.01) for m in ("risk ratio", "odds ratio", "hazard ratio")]
    assert max(values) - min(values) < 1e-4


@pytest.mark.parametrize("args,message", [
    (("risk ratio", 3.0, 0.5), "gives a risk above 1"),
    (("risk ratio", 0.0, 0.5), "ratio must be above 0"),
    (("odds ratio", 1.2, 1.5), "control risk must lie in"),
    (("rate ratio", 1.2, 0.5), "measure must be a risk, odds or hazard ratio"),
])
def test_difference_from_ratio_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        difference_from_ratio(*args)
