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

from typing import TYPE_CHECKING

from .. import absolute
from ..absolute import Absolute, per_1000_words
from ..loader import Source
from ..model import Study
from .base import _Item
from .effects import EffectChecks
from .findings import (
    RANK,
    AuditResult,
    Finding,
    errors_as_record_error,
    format_findings,
    located,
    placed,
    raise_for_errors,
    reader_notes,
)
from .flow import FlowChecks
from .printed import implied_denominators, percent_fits

if TYPE_CHECKING:
    from ..validate import Checked

__all__ = [
    "Absolute",
    "AuditResult",
    "Finding",
    "errors_as_record_error",
    "format_findings",
    "implied_denominators",
    "located",
    "per_1000_words",
    "percent_fits",
    "placed",
    "raise_for_errors",
    "reader_notes",
    "run_audit",
]


class _Audit(FlowChecks, EffectChecks):
    """Every check, in record order."""

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



def run_audit(checked_or_study: Checked[Study] | Study, source: Source | None = None) -> AuditResult:
    """Audit a ``Checked`` record or a ``Study``. Never raises for what it finds.

    Each finding is placed at its first field's line and column by the loader's positions: those of
    ``source``, else of the ``Checked`` record's source (a bare ``Study`` has none: line 0)."""
    study = getattr(checked_or_study, "study", checked_or_study)
    if not isinstance(study, Study):
        raise TypeError(f"run_audit needs a validate.Checked or a model.Study, got {type(checked_or_study).__name__}")
    audit = _Audit(study)
    audit.run()
    ordered = sorted(audit.findings, key=lambda f: RANK[f.severity])
    findings = placed(ordered, source or getattr(checked_or_study, "source", None))
    return AuditResult(findings, dict(audit.derived), reader_notes(findings), dict(audit.absolute),
                       dict(audit.recomputed))
