"""Validate a record: field checks (pydantic) and cross-field checks, located in the file.

In:  a path, or a ``loader.Source`` (a version-1 record is upgraded in memory
     first, see ``upgrade``; its problems still point at the user's lines).
Out: ``Checked(study, warnings)``; or ``RecordError`` holding every problem at
     once, each as ``file:line:column: field.path: message``.

Cross-field checks (refused):
- ids: arms, factorial groups and factors unique; arm and group ids disjoint;
  outcomes and harms share one namespace; ``component_of`` names another outcome;
- references: every ``arm`` of flow and of results (outcomes, harms, subgroup
  levels), every ``compares`` and every factorial group's ``arms`` name an arm
  (results and effects may also name a factorial group); ``compares`` names two
  different groups (of one factor) and is required when there are more than
  two arms or a factorial design;
- numbers: at most ``MAX_DECIMALS`` decimals as printed (P values aside);
  events ≤ total ≤ the arm's size; no percentage of 0 participants; per-arm
  fields fit the outcome's kind (rate, person-time, Kaplan–Meier for
  time-to-event; mean, SD, SE, CI, median, IQR, change for continuous; events
  and percent not for continuous); intervals and IQRs in order and holding
  their estimate; ratio measures (estimates, intervals, margins) within
  ``RATIO_RANGE`` so logarithms never fail downstream; a risk difference
  within everyone (1, 100 percentage points or 1,000 per 1,000);
- design: ``cluster`` ⇔ ``design.cluster``, ``factorial`` ⇔ ``design.factorial``,
  cluster counts; the allocation ratio has one part per arm; a margin only
  with a non-inferiority or equivalence hypothesis; thresholds in (0, 0.5);
- flow: counts within the arm, reasons within their total, sums match.

Warnings (never fatal): a version-1 record, importer placeholders, fewer than
three key messages, a record id that differs from its file name, arm sizes
that do not follow the allocation ratio, a non-inferiority or equivalence
hypothesis with no margin anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from ..errors import Problem, RecordError
from ..loader import Source, load_file
from ..model import Study
from ..review import is_review
from ..upgrade import prepare
from .fields import SHOWN_UNKNOWN, parse_model
from .outcomes import OutcomeChecks
from .structure import StructureChecks
from .text import glyph_checks, record_warnings

if TYPE_CHECKING:
    from typing_extensions import TypeIs

    from ..review.model import Review

__all__ = ["SHOWN_PROBLEMS", "SHOWN_UNKNOWN", "Checked", "check_source", "is_review_checked", "load_study",
           "parse_model"]

SHOWN_PROBLEMS = 200        # problems listed in all; the rest are summarised in one line


StudyT = TypeVar("StudyT", Study, "Review")


@dataclass(frozen=True)
class Checked(Generic[StudyT]):
    """A valid record and the warnings about it (``Problem`` objects): a trial's ``Study``, or (as
    ``review.validate.CheckedReview``) a review's ``Review``, named ``study`` so that callers treat both alike."""

    study: StudyT
    warnings: list[Problem] = field(default_factory=list)
    file: str = ""
    source: Source | None = field(default=None, compare=False, repr=False)  # the positions of its values


def load_study(path: str | Path) -> Checked[Study] | Checked[Review]:
    """Read, parse and validate the record at ``path``. Raises ``RecordError``."""
    return check_source(load_file(path))


def check_source(source: Source) -> Checked[Study] | Checked[Review]:
    """Validate a loaded record (either version). Raises ``RecordError`` with every problem."""
    if is_review(source.data):  # a systematic review or meta-analysis: its own model and checks
        from ..review.validate import check_review
        return check_review(source)
    source, upgrade_notes = prepare(source)
    study, problems = parse_model(source, Study)
    cross_warnings: list[Problem] = []
    if study is not None:
        checks = CrossChecks(source, study)
        checks.run()
        problems.extend(checks.errors)
        cross_warnings = checks.warnings
        problems.extend(glyph_checks(source))
    if problems:
        raise RecordError(_capped(problems))
    assert study is not None
    return Checked(study, upgrade_notes + cross_warnings + record_warnings(source, study), source.file, source)


def _capped(problems: list[Problem]) -> list[Problem]:
    """At most ``SHOWN_PROBLEMS`` lines, the rest summarised in one."""
    problems = sorted(set(problems))
    if len(problems) <= SHOWN_PROBLEMS + 1:
        return problems
    rest = problems[SHOWN_PROBLEMS:]
    return problems[:SHOWN_PROBLEMS] + [Problem(rest[0].file, rest[0].line, rest[0].column, "",
                                                f"… and {len(rest):,} more problems from here on (not listed)")]


def is_review_checked(checked: object) -> TypeIs[Checked[Review]]:
    """True for what ``check_source`` returns for a review record (``review.validate.CheckedReview``)."""
    return getattr(getattr(checked, "study", None), "kind", None) == "review"


class CrossChecks(StructureChecks, OutcomeChecks):
    def run(self) -> None:
        self.precision()
        self.ids()
        self.design()
        self.factorial()
        self.flow()
        for kind, items in (("outcomes", self.study.outcomes), ("harms", self.study.harms)):
            for i, item in enumerate(items):
                self.outcome((kind, i), item)
