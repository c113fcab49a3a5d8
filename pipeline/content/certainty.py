"""GRADE certainty as readers see it: the symbols, the reasons and GRADE's statement.

In:  a ``Study`` and one of its outcomes (its ``certainty``, its first effect).
Out: ``CertaintyText`` and the one-line ``certainty_text``; ``grade_statement`` words a
     finding as GRADE guidelines 26 do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Effect, Outcome, Study
from .formatting import NOT_YET, _flat, text_or_placeholder

CERTAINTY_SYMBOL = {"high": "⊕⊕⊕⊕", "moderate": "⊕⊕⊕◯", "low": "⊕⊕◯◯", "very low": "⊕◯◯◯"}
LEVEL_WORDS = {1: "one level", 2: "two levels"}


@dataclass(frozen=True)
class CertaintyText:
    """GRADE certainty of one outcome as a reader sees it: the rating, why, whose rating, and what it means in
    GRADE's words (``grade_statement``, one per comparison)."""

    level: str                    # "moderate"
    symbols: str                  # "⊕⊕⊕◯"
    reasons: str                  # "downgraded one level for imprecision: wide interval" or ""
    note: str | None              # the rater's own sentence
    by: str | None                # whose rating: the certainty's rater, else the record's appraiser
    statements: tuple[str, ...]   # "Drug A probably reduces death compared with placebo."

    @property
    def rating(self) -> str:
        """"⊕⊕⊕◯ moderate certainty"."""
        return f"{self.symbols} {self.level} certainty"

    @property
    def why(self) -> str:
        """The reasons and the note as one text ("" when there are neither)."""
        parts = [t.rstrip(".") for t in (self.reasons, self.note) if t]
        return ". ".join(p[0].upper() + p[1:] for p in parts) + ("." if parts else "")


# GRADE's informative statements (GRADE guidelines 26, Santesso et al., J Clin Epidemiol 2020;119:126-135),
# minimally contextualised: the threshold is no effect, so an interval that excludes no effect is an effect
# ("reduces"/"increases") and one that includes it is "little to no difference"; size words ("slightly",
# "large") need thresholds a record does not carry and are not used.
_EFFECT_WORDS = {  # level: (reduces, increases, no difference)
    "high": ("reduces", "increases", "results in little to no difference in"),
    "moderate": ("probably reduces", "probably increases", "probably results in little to no difference in"),
    "low": ("may reduce", "may increase", "may result in little to no difference in"),
}


def grade_statement(level: str, direction: int | None, intervention: str, outcome: str, comparator: str
                    ) -> str | None:
    """GRADE's statement for one comparison: ``direction`` −1 (the intervention lowers the outcome), +1 (raises
    it), 0 (its interval includes no effect), None (not known: no statement unless the certainty is very low).

    >>> grade_statement("moderate", 0, "Drug A", "death", "placebo")
    'Drug A probably results in little to no difference in death compared with placebo.'
    """
    against = f" compared with {lower_first(comparator)}"
    if level == "very low":
        return f"The evidence is very uncertain about the effect of {intervention} on {outcome}{against}."
    if direction is None or level not in _EFFECT_WORDS:
        return None
    words = _EFFECT_WORDS[level][{-1: 0, 1: 1, 0: 2}[direction]]
    if _plural(intervention):
        words = " ".join(_PLURAL_VERB.get(w, w) for w in words.split())
    return f"{intervention} {words} {outcome}{against}."


_PLURAL_VERB = {"reduces": "reduce", "increases": "increase", "results": "result"}


def _plural(subject: str) -> bool:
    """Whether the verb agrees with a plural: "Corticosteroids", "n−3 fatty acids" (the last word ends in "s",
    not "ss", "us" or "is"); "Dapagliflozin", "Dabigatran 150 mg", "Drug A" are singular."""
    words = subject.lower().split()
    last = words[-1] if words else ""
    return len(last) > 2 and last.endswith("s") and not last.endswith(("ss", "us", "is"))


def lower_first(text: str) -> str:
    """"Placebo" -> "placebo", "Worsening heart failure" -> "worsening heart failure"; "MRI-guided", "DAS28"
    and one-letter words stay as they are."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[0].isupper() and text[1].islower() else text


_CHANGE_IN = re.compile(r"^(?:mean |percentage |percent |relative )?change in ", re.IGNORECASE)


def _measured(label: str) -> str:
    """What a statement says is reduced or increased: "Change in body weight" -> "body weight" (a reduced change
    in body weight is a reduced body weight), "Worsening heart failure" -> "worsening heart failure"."""
    return lower_first(_CHANGE_IN.sub("", label)) or lower_first(label)


def effect_direction(effect: Effect) -> int | None:
    """−1 or +1 when the effect's interval excludes no effect (by its side), 0 when it includes it; without an
    interval, the authors' own call for a superiority test (``significant``); None when neither is given."""
    est = effect.estimate_value
    if est is None:
        return None
    ci = effect.interval
    if ci is not None:
        return interval_direction(float(est), (float(ci[0]), float(ci[1])), effect.null_value)
    if effect.significant is not None and (effect.hypothesis or "superiority") == "superiority":
        side = interval_direction(float(est), None, effect.null_value)
        return side if effect.significant else 0
    return None


def interval_direction(estimate: float, ci: tuple[float, float] | None, null: float) -> int:
    """The side of no effect the estimate lies on (−1, +1; 0 on it); with an interval, 0 unless the interval
    excludes no effect."""
    side = -1 if estimate < null else 1 if estimate > null else 0
    if ci is None:
        return side
    lower, upper = sorted(ci)
    return side if (upper < null or lower > null) else 0


def certainty_of(study: Study, outcome: Outcome) -> CertaintyText | None:
    """The outcome's GRADE certainty for the reader, with one statement per comparison (its first effect)."""
    c = outcome.certainty
    if c is None:
        return None
    bits = []
    for r in c.reasons:
        verb = "downgraded" if r.levels < 0 else "upgraded"
        bits.append(f"{verb} {LEVEL_WORDS[abs(r.levels)]} for {r.domain}" + (f": {_flat(r.note)}" if r.note else ""))
    statements: list[str] = []
    seen: set[tuple[str, str]] = set()
    for e in outcome.effects:
        pair = study.comparison(e)
        if pair in seen:
            continue
        seen.add(pair)
        said = grade_statement(c.level, effect_direction(e), _flat(study.group_label(pair[0])),
                               _measured(_flat(outcome.label)), _flat(study.group_label(pair[1])))
        if said is not None:
            statements.append(said)
    appraiser = study.appraisal.assessed_by if study.appraisal else None
    by = text_or_placeholder(c.assessed_by) or text_or_placeholder(appraiser)
    return CertaintyText(c.level, CERTAINTY_SYMBOL[c.level], "; ".join(bits), text_or_placeholder(c.note),
                         None if by == NOT_YET else by, tuple(statements))


def certainty_text(outcome: Outcome) -> str | None:
    """"Moderate (downgraded for imprecision)"."""
    c = outcome.certainty
    if c is None:
        return None
    text = c.level[0].upper() + c.level[1:]
    down = [r.domain for r in c.reasons if r.levels < 0]
    up = [r.domain for r in c.reasons if r.levels > 0]
    why = []
    if down:
        why.append("downgraded for " + " and ".join(down))
    if up:
        why.append("upgraded for " + " and ".join(up))
    if why:
        text += f" ({'; '.join(why)})"
    if c.note:
        text += f": {_flat(c.note)}"
    return text
