"""The words and numbers every renderer shows, formatted once.

In:  a valid ``Study`` (and optionally the audit's derived values and reader notes).
Out: ``Content``: plain strings and rows (citation, PICO, design, results
     table with one line per reported effect, harms, appraisal, conclusions,
     footer). The PDF brief, the deck, the figures and the alt text all draw
     from this module's formatters, so they can never disagree about a number.

Conventions:
* a number is shown exactly as the record printed it (``Printed.text``):
  ``14.0`` stays "14.0", ``0.60`` stays "0.60"; a value computed here is
  formatted once with a stated number of decimals (``number(x, decimals)``);
* the minus sign is U+2212; an interval reads "0.60 to 0.90";
* a value the trial did not report reads "not reported"; a value the sources
  behind the record do not give reads "not in our sources" (a gap in our
  sourcing, never a flaw of the trial);
* a count the record lacks is never shown as 0;
* every effect names its comparison ("A vs B"), its measure, the CI level when
  it is not 95%, the P value as printed, whether and for what it is adjusted,
  and a non-inferiority or equivalence hypothesis with its margin.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from . import __version__
from .errors import UsageError
from .model import (
    NOT_IN_SOURCES,
    NOT_REPORTED,
    ArmResult,
    Effect,
    Factor,
    Margin,
    Outcome,
    RoB2,
    Study,
    Subgroup,
    is_placeholder,
    known,
)
from .numbers import Printed

if TYPE_CHECKING:
    from .absolute import Absolute
    from .audit import Finding
    from .review.model import Review

NR = "not reported"
NIS = "not in our sources"
NOT_YET = "not yet written"
MINUS = "\u2212"
MISSING_WORDS = {NOT_REPORTED: NR, NOT_IN_SOURCES: NIS}
ABSENT = (NR, NIS)


# --- numbers ------------------------------------------------------------------

def missing(value: object) -> str:
    """The reader's words for a value the record marks missing (or leaves out)."""
    return MISSING_WORDS.get(value, NR) if isinstance(value, str) else NR


def number(value: float | int | str | None, decimals: int | None = None) -> str:
    """A number as printed: ``Printed('14.0')`` -> "14.0", ``-4.8`` -> "−4.8"; ``decimals`` fixes the
    places of a computed value; None or a missing marker -> "not reported" / "not in our sources"."""
    if value is None or isinstance(value, str):
        return missing(value)
    if decimals is not None:
        text = f"{float(value):.{decimals}f}"
        if float(text) == 0:
            text = text.lstrip("-")
    elif isinstance(value, Printed):
        text = _plain(value.text, value)
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif float(value).is_integer() and abs(value) < 1e16:
        text = str(int(value))
    else:
        text = _plain(repr(float(value)), value)
    return text.replace("-", MINUS)


def _plain(text: str, value: float) -> str:
    """Decimal notation for a printed text (``1e-7`` -> ``0.0000001``)."""
    if "e" not in text.lower():
        return text
    try:
        return format(Decimal(text), "f")
    except InvalidOperation:  # never made by numbers.Printed; kept total for plain floats
        return f"{value:f}"


def signed(value: float | str | None, decimals: int | None = None) -> str:
    """Like ``number`` with an explicit + for positive values (differences)."""
    text = number(value, decimals)
    return f"+{text}" if isinstance(value, (int, float)) and value > 0 else text


def count(value: int | str | None) -> str:
    """A count with thousands separators: 12,345; or why it is missing."""
    n = known(value)
    return missing(value) if n is None else f"{n:,}"


def n_equals(value: int | str | None) -> str:
    """"n = 1,234"; "n not reported"; "n not in our sources"."""
    n = known(value)
    return f"n = {n:,}" if n is not None else f"n {missing(value)}"


def interval(lower: float, upper: float) -> str:
    """"0.60 to 0.90" (never a dash, which would read as a minus)."""
    return f"{number(lower)} to {number(upper)}"


def p_value(p: float | str | None) -> str:
    """"P = 0.01", "P < 0.001" (as printed), or why it is missing."""
    if p is None:
        return NR
    if isinstance(p, str):
        p = " ".join(p.split())
        if p.lower() in (NOT_REPORTED, NOT_IN_SOURCES):
            return missing(p.lower())
        if p.upper().startswith("P"):
            return p
        if p[0] in "<>=≤≥":
            return f"P {p[0]} {p[1:].strip()}" if p[1:].strip() else f"P {p}"
        return f"P = {p}"
    return f"P = {number(p)}"


def text_or_placeholder(value: str | None) -> str | None:
    """Free text on one line (white space folded), "not yet written" for a placeholder, the reader's words
    for a text that only says "not reported" / "not in sources", None for None."""
    if value is None:
        return None
    if is_placeholder(value):
        return NOT_YET
    text = _flat(value)
    return MISSING_WORDS.get(text.lower(), text)


def _flat(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


# --- per-arm results ------------------------------------------------------------

def rate_text(value: float, unit: str) -> str:
    """"1.69% per year", "29.14 per 1000 person-years"."""
    unit = _flat(unit)
    return f"{number(value)}{unit}" if unit.startswith("%") else f"{number(value)} {unit}"


def with_unit(text: str, unit: str | None) -> str:
    """"−14.9" + "%" -> "−14.9%"; + "kg" -> "−14.9 kg"."""
    if not unit or text in ABSENT:
        return text
    unit = _flat(unit)
    return f"{text}{unit}" if unit.startswith("%") else f"{text} {unit}"


def arm_cell(result: ArmResult | None, kind: str = "binary", unit: str | None = None) -> str:
    """One arm's result as reported, said for what it is: "64/76 (84.2%)", "386 (1.69% per year)",
    "15.1% at 3 years", "change −14.9% (SD 2.1), n = 1306", "median 3 kg (IQR 1 to 5)" (``unit``: of a
    continuous outcome's values)."""
    if result is None:
        return NR
    events, total = known(result.events), known(result.total)
    parts: list[str] = []
    extras: list[str] = []
    if isinstance(result.percent, (int, float)):
        extras.append(f"{number(result.percent)}%")
    if result.rate is not None:
        extras.append(rate_text(result.rate.value, result.rate.unit))
    if result.kaplan_meier is not None:
        extras.append(f"{number(result.kaplan_meier.percent)}% at {_flat(result.kaplan_meier.at)}")
    if events is not None:
        head = f"{events:,}/{total:,}" if total is not None else f"{events:,}"
        if result.person_time is not None:
            head += f" in {number(result.person_time.value)} {_flat(result.person_time.unit)}"
        parts.append(head + (f" ({'; '.join(extras)})" if extras else ""))
    elif extras:
        parts.append("; ".join(extras) + (f", n = {total:,}" if total is not None and result.mean is None
                                          and result.median is None else ""))
    if result.mean is not None:
        word = "change" if result.change else "mean"
        spread = ""
        if result.sd is not None:
            spread = f" (SD {number(result.sd)})"
        elif result.se is not None:
            spread = f" (SE {number(result.se)})"
        elif result.ci is not None:
            spread = f" (95% CI {interval(*result.ci)})"
        n = f", n = {total:,}" if total is not None else ""
        parts.append(f"{word} {with_unit(number(result.mean), unit)}{spread}{n}" if not isinstance(result.mean, str)
                     else f"{word} {missing(result.mean)}")
    if result.median is not None:
        word = "median change" if result.change else "median"
        iqr = f" (IQR {interval(*result.iqr)})" if result.iqr else ""
        n = f", n = {total:,}" if total is not None and result.mean is None else ""
        parts.append(f"{word} {with_unit(number(result.median), unit)}{iqr}{n}")
    if parts:
        return "; ".join(parts)
    for value in (result.percent, result.mean, result.events):
        if isinstance(value, str):
            return missing(value)
    if total is not None:
        return f"n = {total:,}"
    return NR


# --- effects --------------------------------------------------------------------

MEASURE_SHORT = {
    "risk difference": "RD", "risk ratio": "RR", "odds ratio": "OR", "hazard ratio": "HR",
    "rate ratio": "Rate ratio", "incidence rate difference": "IRD", "mean difference": "MD",
    "standardized mean difference": "SMD", "median difference": "Median difference", "win ratio": "Win ratio",
}


def measure_name(measure: str) -> str:
    return measure[0].upper() + measure[1:]


def margin_text(margin: Margin, measure: str) -> str:
    """"margin RR 1.46"."""
    scale = margin.measure or measure
    return f"margin {MEASURE_SHORT[scale]} {number(margin.value)}"


def hypothesis_text(hypothesis: str, margin: Margin | None, measure: str | None) -> str:
    """"Non-inferiority, margin RR 1.46"; "Superiority"."""
    head = measure_name(hypothesis)
    if margin is not None and (margin.measure or measure):
        head += ", " + margin_text(margin, margin.measure or measure or "")
    elif hypothesis != "superiority":
        head += ", margin not reported"
    return head


@dataclass(frozen=True)
class EffectText:
    """One between-group effect, formatted: every part a reader may see, each as printed."""

    comparison: str           # "Dabigatran 150 mg vs Warfarin"
    label: str | None         # which analysis, e.g. "Trial-product estimand"
    measure: str              # "hazard ratio"
    short: str                # "HR"
    ratio: bool
    value: str                # "0.66", "−4.8", "+4.7"; or not reported / not in our sources
    unit: str                 # "percentage points" or ""
    range: str                # "0.53 to 0.82"; or not reported / not in our sources
    level: str                # "95"
    p: str                    # "P < 0.001"; or not reported / not in our sources
    significance: str         # "statistically significant", "not statistically significant" or ""
    adjusted: str | None      # "adjusted for age", "adjusted", "unadjusted" or None
    population: str | None    # "per-protocol"
    hypothesis: str | None    # "Non-inferiority, margin RR 1.46" (None for plain superiority)
    threshold: str | None     # "judged at P < 0.0025"
    margin: float | None = None        # the margin's value on the effect's own scale, for the forest plot
    margin_label: str | None = None    # "NI margin 1.46"
    absolute_parts: tuple[tuple[str, str], ...] = ()   # (GRADE words, method) of the audit's absolute effects
    arm: str = ""                      # the compared arm's (or factorial group's) id
    reference: str = ""                # the reference's id

    @property
    def absolute(self) -> tuple[str, ...]:
        """"48 fewer per 1,000 (from the reported risk difference)", one per absolute effect."""
        return tuple(f"{words} ({method})" for words, method in self.absolute_parts)

    @property
    def absolute_short(self) -> tuple[str, ...]:
        """"6 fewer per 1,000 per year (95% CI 8 fewer to 3 fewer), by GRADE's method": the method named, not
        spelled out (for a table cell on a slide; ``absolute`` has it in full)."""
        return tuple(f"{words}, {'by ' if ':' in method else ''}{method.split(':')[0]}"
                     for words, method in self.absolute_parts)

    @property
    def estimate(self) -> str:
        """"RD −4.8 percentage points (adjusted for age)" or the missing words."""
        if self.value in ABSENT:
            return self.value
        unit = f" {self.unit}" if self.unit else ""
        adjusted = f" ({self.adjusted})" if self.adjusted and self.adjusted != "unadjusted" else ""
        return f"{self.short} {self.value}{unit}{adjusted}"

    @property
    def ci(self) -> str:
        """"95% CI 0.53 to 0.82" or the missing words."""
        return self.range if self.range in ABSENT else f"{self.level}% CI {self.range}"

    @property
    def ci_level_note(self) -> str:
        """"" at 95%, else "97.5% CI "."""
        return "" if self.level == "95" else f"{self.level}% CI "

    @property
    def headline(self) -> str:
        """"HR 0.66 (0.53 to 0.82)", with the level when it is not 95%."""
        if self.value in ABSENT:
            return f"{self.short} {self.value}"
        unit = f" {self.unit}" if self.unit else ""
        ci = f" ({self.ci_level_note}{self.range})" if self.range not in ABSENT else \
            (" (CI not reported)" if self.range == NR else f" (CI {NIS})")
        return f"{self.short} {self.value}{ci}{unit}"

    @property
    def qualifiers(self) -> tuple[str, ...]:
        """What else the reader must know: hypothesis, adjustment, population, threshold."""
        out = [self.hypothesis] if self.hypothesis else []
        out += [x for x in (self.adjusted, self.population, self.threshold) if x]
        return tuple(out)

    @property
    def sentence(self) -> str:
        """Everything on one line, for notes and alt text."""
        head = f"{self.comparison}" + (f" ({self.label})" if self.label else "")
        body = self.headline + (f", {self.p}" if self.p not in ABSENT else f", P {self.p}")
        extra = "; ".join(self.qualifiers + ((self.significance,) if self.significance else ()))
        return f"{head}: {body}" + (f"; {extra}" if extra else "")


def effect_hypothesis(study: Study, outcome: Outcome | None, effect: Effect) -> tuple[str, Margin | None]:
    """The hypothesis an effect tests and its margin: its own, else the design's for a primary outcome."""
    primary = outcome is not None and outcome.primary
    hypothesis = effect.hypothesis or (study.design.hypothesis if primary else "superiority")
    margin = effect.margin
    if margin is None and primary and hypothesis == study.design.hypothesis:
        margin = study.design.margin
    return hypothesis, margin


def significance_text(hypothesis: str, significant: bool | None) -> str:
    """The authors' verdict in the words of the test they ran: a non-inferiority P tests the margin, not
    no effect, so "P < 0.001" beside RR 0.91 (0.74 to 1.11) reads "non-inferiority shown", never
    "statistically significant"."""
    if significant is None:
        return ""
    if hypothesis == "superiority":
        return "statistically significant" if significant else "not statistically significant"
    return f"{hypothesis} shown" if significant else f"{hypothesis} not shown"


def comparison_text(study: Study, effect: Effect) -> str:
    arm, ref = study.comparison(effect)
    return f"{_flat(study.group_label(arm))} vs {_flat(study.group_label(ref))}"


def effect_text(study: Study, outcome: Outcome | None, effect: Effect,
                absolute: tuple[tuple[str, str], ...] = ()) -> EffectText:
    hypothesis, margin = effect_hypothesis(study, outcome, effect)
    est = effect.estimate
    if not isinstance(est, (int, float)):
        value = missing(est)
    elif effect.is_ratio:
        value = number(est)
    else:
        value = signed(est)
    ci = effect.ci
    rng = interval(*ci) if isinstance(ci, tuple) else missing(ci)
    adjusted = None
    if effect.adjusted:
        adjusted = f"adjusted for {_flat(effect.adjusted_for)}" if effect.adjusted_for else "adjusted"
    elif effect.adjusted_for:
        adjusted = f"adjusted for {_flat(effect.adjusted_for)}"
    elif effect.adjusted is False:
        adjusted = "unadjusted"
    significance = significance_text(hypothesis, effect.significant)
    hyp = hypothesis_text(hypothesis, margin, effect.measure) if hypothesis != "superiority" else None
    margin_value = margin_label = None
    if margin is not None and (margin.measure is None or margin.measure == effect.measure):
        margin_value = float(margin.value)
        word = "NI" if hypothesis == "non-inferiority" else "Equivalence" if hypothesis == "equivalence" else ""
        margin_label = f"{word} margin {number(margin.value)}".strip()
    return EffectText(
        comparison=comparison_text(study, effect), label=_flat(effect.label) or None, measure=effect.measure,
        short=MEASURE_SHORT[effect.measure], ratio=effect.is_ratio, value=value,
        unit=_flat(effect.unit) if effect.unit else "", range=rng, level=number(effect.ci_level),
        p=p_value(effect.p), significance=significance, adjusted=adjusted,
        population=effect.population,
        hypothesis=hyp,
        threshold=f"judged at P < {number(effect.threshold)}" if effect.threshold is not None else None,
        margin=margin_value, margin_label=margin_label, absolute_parts=absolute,
        arm=study.comparison(effect)[0], reference=study.comparison(effect)[1])


def split_shared_mark(derived: tuple[str, ...]) -> tuple[list[str], str | None]:
    """Recomputed values with the marking they all share said once:
    ("+110 per 1,000 (recomputed over …)", "NNTH 10 (recomputed over …)") ->
    (["+110 per 1,000", "NNTH 10"], "Recomputed over …"). Values stay whole (and the
    mark None) when they do not share one marking that says "recomputed"."""
    groups = [g for d in derived if (g := _trailing_group(d)) is not None and g[0]]
    if derived and len(groups) == len(derived) and len({g[1] for g in groups}) == 1 \
            and "recomputed" in groups[0][1].lower():
        mark = groups[0][1]
        return [g[0] for g in groups], mark[0].upper() + mark[1:]
    return list(derived), None


def _trailing_group(text: str) -> tuple[str, str] | None:
    """"a (b (c))" -> ("a", "b (c)"): the balanced parenthetical that ends ``text``, if any."""
    if not text.endswith(")"):
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return text[:i].rstrip(), text[i + 1:-1]
    return None


# --- rows -----------------------------------------------------------------------

@dataclass(frozen=True)
class SubgroupText:
    variable: str
    interaction_p: str                                  # "P for interaction = 0.28" or the missing words
    levels: tuple[tuple[str, tuple[str, ...], tuple[EffectText, ...]], ...]   # (level, cells, effects)


@dataclass(frozen=True)
class ResultRow:
    """One outcome (or harm); ``cells`` follow ``Content.arm_names``; one ``EffectText`` per reported effect."""

    id: str
    label: str
    timepoint: str | None
    primary: bool
    cells: tuple[str, ...]
    effects: tuple[EffectText, ...] = ()
    derived: tuple[str, ...] = ()   # recomputed values, each already marked, e.g. "−30 per 1,000 (recomputed)"
    note: str | None = None
    kind: str = "binary"
    unit: str | None = None
    certainty: str | None = None    # "Moderate (imprecision)"
    grade: CertaintyText | None = None   # the same, for the brief's table: rating, why, whose, GRADE's statement
    source: str = ""                # the record field it comes from: "outcomes[0]", "harms[1]"
    subgroups: tuple[SubgroupText, ...] = ()
    component_of: str | None = None

    @property
    def first(self) -> EffectText | None:
        return self.effects[0] if self.effects else None

    @property
    def estimate(self) -> str:
        return self.effects[0].estimate if self.effects else NR

    @property
    def ci(self) -> str:
        return self.effects[0].ci if self.effects else NR

    @property
    def p(self) -> str:
        return self.effects[0].p if self.effects else NR

    @property
    def significance(self) -> str:
        return self.effects[0].significance if self.effects else ""


@dataclass(frozen=True)
class RobRow:
    domain: str
    judgement: str      # low / some concerns / high / no information
    symbol: str
    word: str
    support: str


@dataclass(frozen=True)
class ArmText:
    """One arm as the deck's design slide and notes say it: label, short label, the number randomized
    (``None`` when the record has none), what it received and its target."""

    label: str
    short: str
    randomized: str | None
    description: str | None
    target: str | None


FLOW_STAGES = ("allocated", "received", "discontinued", "lost", "completed", "analysed")


@dataclass(frozen=True)
class FlowText:
    """The participant flow's counts as text: the top of the diagram, the exclusion reasons as
    (reason, n), and per arm (label, short label, one count per ``FLOW_STAGES``; ``None``: no flow)."""

    assessed: str
    excluded: str
    randomized: str
    reasons: tuple[tuple[str, str], ...]
    arms: tuple[tuple[str, str, tuple[str, ...] | None], ...]


@dataclass(frozen=True)
class OutcomeRob:
    """The RoB 2 domains judged for one result apart from the study's (the others are the study's)."""

    outcome: str
    rows: tuple[RobRow, ...]

    def differing(self, study: tuple[RobRow, ...]) -> tuple[RobRow, ...]:
        """The domains whose judgement differs from the study's (``study``: ``Content.rob_rows``)."""
        judged = {r.domain: r.judgement for r in study}
        return tuple(r for r in self.rows if judged.get(r.domain) != r.judgement)


def rob_rows(rob: RoB2) -> tuple[RobRow, ...]:
    from .theme import ROB_SYMBOL, ROB_WORD
    return tuple(RobRow(title, d.judgement, ROB_SYMBOL[d.judgement], ROB_WORD[d.judgement],
                        text_or_placeholder(d.support) or "")
                 for title, d in rob.domains())


@dataclass(frozen=True)
class Content:
    id: str
    name: str                     # acronym or title
    title: str
    citation: str | None
    doi_url: str | None
    registry: str | None          # "ClinicalTrials.gov NCT01656278" (several joined by "; ")
    registry_url: str | None
    bottom_line: str
    pico: tuple[tuple[str, str], ...]
    design_summary: str
    arm_names: tuple[str, ...]    # the results' per-arm columns (arms, or factorial levels): short labels
    arm_labels: tuple[str, ...]   # ... and full labels
    primary_rows: tuple[ResultRow, ...]
    secondary_rows: tuple[ResultRow, ...]
    outcomes_note: str | None
    harm_rows: tuple[ResultRow, ...]
    key_messages: tuple[str, ...]
    authors_conclusion: str | None
    open_questions: tuple[str, ...]
    discussion_questions: tuple[str, ...]
    rob_rows: tuple[RobRow, ...]
    strengths: tuple[str, ...]
    limitations: tuple[str, ...]
    grade: str | None
    appraisal_by: str | None
    funding: str | None
    interests: str | None
    footer: str
    build_date: str
    notes: tuple[str, ...] = field(default=())   # audit observations shown to the reader
    notes_beside: tuple[str, ...] = ()   # ``notes`` as said beside the results table (its values not said again)
    registrations: tuple[tuple[str, str | None], ...] = ()   # (text, url) per registration
    design_facts: tuple[tuple[str, str], ...] = ()           # (label, text): hypothesis, stopped early, ...
    discussion_answers: tuple[str | None, ...] = ()          # per discussion question
    sources: str | None = None
    shared_care: tuple[str, str] | None = None   # ("Both arms", what every arm received alike)
    comparison: str | None = None     # the one comparison every effect makes, when there is only one
    arm_columns: bool = True          # the per-arm columns are the arms (False: factorial levels; no arm colours)
    outcome_rob: tuple[OutcomeRob, ...] = ()
    # What the deck shows or says beyond the brief's fields (render/ never reads the record).
    journal: str | None = None        # "N Engl J Med 2019"
    link_url: str | None = None       # the citation's own URL
    protocol: str | None = None
    rationale: str | None = None      # why the question matters
    enrolment: str | None = None
    masking: str | None = None        # who was blinded, as a sentence
    arms: tuple[ArmText, ...] = ()
    flow: FlowText | None = None
    audit_warnings: tuple[str, ...] = ()   # each audit warning in full (message and detail), once
    # What the brief says beyond the deck's fields.
    citation_short: str | None = None      # the citation without the article's title (the brief's lean step)
    design_basics: tuple[str, ...] = ()    # "Parallel-group trial (phase 3)", where (without a setting), masking
    question_outcomes: tuple[str, ...] = ()   # the question's outcomes, one by one
    creators: str | None = None            # the citation's authors and group, for the PDF's metadata
    year: str | None = None                # the citation's year
    design_type: str = "parallel"          # the record's design type


MAX_EPOCH = 253402300799   # 9999-12-31 23:59:59 UTC, the last second a date can show


def source_date() -> _dt.datetime | None:
    """The moment ``SOURCE_DATE_EPOCH`` names (reproducible builds), or None when it is unset.

    Raises ``UsageError`` unless it is a whole number of seconds from 0 to the end of year 9999."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or int(raw) > MAX_EPOCH:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 up to {MAX_EPOCH} "
                         f"(the end of year 9999), not {shown!r}")
    return _dt.datetime.fromtimestamp(int(raw), _dt.UTC)


def build_date() -> str:
    """Today, or the date of ``SOURCE_DATE_EPOCH`` when set (reproducible builds), in UTC."""
    return (source_date() or _dt.datetime.now(_dt.UTC)).strftime("%Y-%m-%d")


def citation_text(study: Study | Review, with_title: bool = True) -> str | None:
    """Vancouver-like reference; without authors it starts with the group author, else the title."""
    c = study.citation
    if c is None:
        return None
    people = ", ".join(_flat(a) for a in c.authors) + (", et al" if c.et_al and c.authors else "")
    lead = "; ".join(x for x in (people, _flat(c.group)) if x)
    title = _flat(c.title).rstrip(".") if c.title and with_title else ""
    where = f"{_flat(c.journal)}. {c.year}"
    if c.volume:
        where += f";{_flat(c.volume)}"
        if c.issue:
            where += f"({_flat(c.issue)})"
    if c.pages:
        where += f":{_flat(c.pages)}"
    parts = [p for p in (lead, title, where) if p]
    doi = f" doi:{c.doi}" if c.doi else ""
    return ". ".join(parts) + "." + doi


def centres_text(centres: int | str | None, countries: list[str]) -> str | None:
    """"9 centres in Denmark", "over 900 centres in 44 countries" (the text as the record gives it)."""
    if centres is None:
        return ", ".join(countries) if countries else None
    if isinstance(centres, int):
        head = f"{centres:,} centre{'s' if centres != 1 else ''}"
    else:
        head = _flat(centres)
        if "centre" not in head.lower() and "center" not in head.lower() and "site" not in head.lower():
            head += " centres"
    return head + (f" in {', '.join(_flat(c) for c in countries)}" if countries else "")


KIND_WORDS = {"parallel": "parallel-group", "crossover": "crossover", "cluster": "cluster-randomized",
              "factorial": "factorial", "single-group": "single-group"}


def design_kind(study: Study) -> str:
    """"Randomized 2:1, parallel-group trial"; "Non-randomized single-group study"."""
    d = study.design
    kind = KIND_WORDS[d.type]
    if d.factorial is not None:
        kind = "×".join(str(len(f.groups)) for f in d.factorial.factors) + " factorial"
    if d.type == "cluster" and d.randomized:
        return f"Cluster-randomized{' ' + d.allocation_ratio if d.allocation_ratio else ''} trial"
    if d.randomized:
        return f"Randomized{' ' + d.allocation_ratio if d.allocation_ratio else ''}, {kind} trial"
    return f"Non-randomized {kind} study"


def design_facts(study: Study) -> tuple[tuple[str, str], ...]:
    """The design facts beyond the kind of trial, each labelled: hypothesis and margin, analysis,
    clusters, factorial structure, stopped early, co-interventions."""
    d = study.design
    facts: list[tuple[str, str]] = []
    if d.hypothesis != "superiority" or d.margin is not None:
        measure = d.margin.measure if d.margin else None
        if measure is None and d.margin is not None:
            firsts = [e.measure for o in study.primary_outcomes for e in o.effects]
            measure = firsts[0] if firsts else None
        text = hypothesis_text(d.hypothesis, d.margin, measure)
        if d.margin is not None and d.margin.note:
            text += f" ({_flat(d.margin.note)})"
        facts.append(("Hypothesis", text))
    if d.cluster is not None:
        n = known(d.cluster.number)
        text = f"randomized by {_flat(d.cluster.unit)}" + (f", {n:,} clusters" if n is not None else
                                                           f", number of clusters {missing(d.cluster.number)}")
        if d.cluster.icc is not None:
            text += f"; ICC {number(d.cluster.icc)}"
        facts.append(("Clusters", text))
    if d.factorial is not None:
        parts = [factor_text(study, f) for f in d.factorial.factors]
        if d.factorial.interaction:
            parts.append(f"interaction between factors: {_flat(d.factorial.interaction)}")
        facts.append(("Factorial", "; ".join(parts)))
    if d.analysis_population:
        facts.append(("Analysis", d.analysis_population
                      + (f"; estimand: {_flat(d.estimand)}" if d.estimand else "")))
    elif d.estimand:
        facts.append(("Estimand", _flat(d.estimand)))
    if d.stopped_early is not None:
        reason = _flat(d.stopped_early.reason).rstrip(".")
        if reason.lower().startswith("stopped"):
            reason = reason[len("stopped"):].strip()
            reason = reason[len("early"):].strip() if reason.lower().startswith("early") else reason
        facts.append(("Stopped early", reason + (f" ({_flat(d.stopped_early.when)})" if d.stopped_early.when else "")))
    return tuple(facts)


def shared_care(study: Study) -> tuple[str, str] | None:
    """("Both arms" / "All arms", what every arm received alike), or None."""
    items = [_flat(c) for c in study.design.co_interventions if not is_placeholder(c)]
    if not items:
        return None
    return ("Both arms" if len(study.arms) == 2 else "All arms", "; ".join(items))


def factor_text(study: Study, factor: Factor) -> str:
    """"Vitamin D3 vs placebo: Vitamin D = D + n−3 and D + placebo; Placebo (D) = Placebo + n−3 and Both
    placebos" (a level without arms is named alone)."""
    names = {a.id: _flat(a.short) for a in study.arms}
    levels = []
    for g in factor.groups:
        arms = [names[a] for a in g.arms if a in names]
        joined = ", ".join(arms[:-1]) + f" and {arms[-1]}" if len(arms) > 1 else "".join(arms)
        levels.append(f"{_flat(g.short)} = {joined}" if arms else _flat(g.short))
    return f"{_flat(factor.label)}: " + "; ".join(levels)


def design_summary(study: Study) -> str:
    d = study.design
    parts: list[str] = [design_kind(study)]
    if d.phase:
        parts[0] = f"{parts[0]} (phase {_flat(d.phase)})"
    where = centres_text(d.centres, d.countries)
    if where:
        parts.append(where)
    if d.follow_up:
        parts.append(f"follow-up {_flat(d.follow_up)}")
    if d.masking:
        parts.append(f"masking: {_flat(d.masking)}")
    parts += fact_phrases(design_facts(study))
    return "; ".join(parts)


def fact_phrases(facts: tuple[tuple[str, str], ...]) -> list[str]:
    """Design facts as phrases of a running sentence: "non-inferiority, margin RR 1.46", "analysis: …"."""
    return [text[0].lower() + text[1:] if label == "Hypothesis" else f"{label.lower()}: {text}"
            for label, text in facts]


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
    return f"{intervention} {words} {outcome}{against}."


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
    null = effect.null_value
    side = -1 if est < null else 1 if est > null else 0
    ci = effect.interval
    if ci is not None:
        lower, upper = sorted((float(ci[0]), float(ci[1])))
        return side if (upper < null or lower > null) else 0
    if effect.significant is not None and (effect.hypothesis or "superiority") == "superiority":
        return side if effect.significant else 0
    return None


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


def result_columns(study: Study) -> list[tuple[str, str, str]]:
    """(id, short label, label) of the table's per-arm columns: the arms; or, when results are given per level
    of a factorial factor, those levels (then any arm that has results of its own)."""
    outcomes = [*study.outcomes, *study.harms]
    used = {r.arm for o in outcomes for r in o.results}
    used |= {r.arm for o in outcomes for s in o.subgroups for lv in s.levels for r in lv.results}
    groups = [g for g in study.factor_groups if g.id in used]
    if not groups:
        return [(a.id, _flat(a.short), _flat(a.label)) for a in study.arms]
    return [(g.id, _flat(g.short), _flat(g.label)) for g in groups] + \
        [(a.id, _flat(a.short), _flat(a.label)) for a in study.arms if a.id in used]


def _cells(study: Study, results: list[ArmResult], kind: str, unit: str | None = None) -> tuple[str, ...]:
    by_arm = {r.arm: r for r in results}
    return tuple(arm_cell(by_arm.get(key), kind, unit) for key, _, _ in result_columns(study))


def _subgroup(study: Study, outcome: Outcome, s: Subgroup) -> SubgroupText:
    ip = p_value(s.interaction_p)
    levels = tuple((_flat(lv.level), _cells(study, lv.results, outcome.kind, outcome.unit),
                    tuple(effect_text(study, outcome, e) for e in lv.effects)) for lv in s.levels)
    return SubgroupText(_flat(s.variable), ip if ip in ABSENT else "P for interaction" + ip[1:], levels)


def result_row(study: Study, outcome: Outcome, derived: tuple[str, ...] = (),
               absolute: tuple[Absolute, ...] = (), source: str = "") -> ResultRow:
    """``absolute``: the audit's ``Absolute`` values for this outcome; each is shown under the effect it
    comes from (``.effect``), a recomputed one (``.effect`` None) with the row's ``derived``."""
    per_effect = [tuple((a.text, a.said) for a in absolute if a.effect == k) for k in range(len(outcome.effects))]
    if absolute:
        pairs = {a.comparison for a in absolute if a.effect is None}
        derived = tuple((f"{a.label}: " if len(pairs) > 1 else "") + str(a) for a in absolute if a.effect is None)
    return ResultRow(
        id=outcome.id, label=_flat(outcome.label), timepoint=_flat(outcome.timepoint) or None,
        primary=outcome.primary, cells=_cells(study, outcome.results, outcome.kind, outcome.unit),
        effects=tuple(effect_text(study, outcome, e, per_effect[k]) for k, e in enumerate(outcome.effects)),
        derived=derived,
        note=text_or_placeholder(outcome.note) or None, kind=outcome.kind, unit=_flat(outcome.unit) or None,
        certainty=certainty_text(outcome), grade=certainty_of(study, outcome),
        subgroups=tuple(_subgroup(study, outcome, s) for s in outcome.subgroups),
        component_of=outcome.component_of, source=source)


def _items(values: Sequence[str], *, say_missing: bool = False) -> tuple[str, ...]:
    """Free-text list items, placeholders left out; ("not yet written",) when only placeholders were
    given and ``say_missing``."""
    kept = tuple(_flat(v) for v in values if not is_placeholder(v))
    if not kept and values and say_missing:
        return (NOT_YET,)
    return kept


def _grade(study: Study) -> str | None:
    rated = [(o, certainty_text(o)) for o in study.outcomes if o.certainty is not None]
    if not rated:
        return None
    return "GRADE certainty: " + "; ".join(f"{_flat(o.label)}: {text}" for o, text in rated)


def registry_url(registry: str, identifier: str, url: str | None) -> str | None:
    if url:
        return url
    return f"https://clinicaltrials.gov/study/{identifier}" if identifier.upper().startswith("NCT") else None


def single_comparison(study: Study) -> str | None:
    """"MRI-guided vs Conventional" when every effect of the record compares that one pair (then tables may
    say it once); None otherwise."""
    effects = [e for o in [*study.outcomes, *study.harms] for e in o.effects]
    effects += [e for o in [*study.outcomes, *study.harms] for s in o.subgroups for lv in s.levels for e in lv.effects]
    pairs = {study.comparison(e) for e in effects}
    if len(pairs) != 1:
        return None
    arm, ref = pairs.pop()
    return f"{_flat(study.group_label(arm))} vs {_flat(study.group_label(ref))}"


def build_content(study: Study, *, derived: dict[str, tuple[str, ...]] | None = None,
                  notes: tuple[str, ...] = (), notes_beside: tuple[str, ...] | None = None,
                  absolute: dict[str, tuple[Absolute, ...]] | None = None,
                  warnings: tuple[Finding, ...] = ()) -> Content:
    """Format everything once. ``derived`` maps outcome or harm id -> marked absolute effects or recomputed
    values, ``absolute`` the same ids -> the audit's ``Absolute`` values (preferred when given), ``warnings``
    the audit's findings (those of severity "warning" are kept in full for the speaker notes)."""
    derived = derived or {}
    absolute = absolute or {}

    fields = {id(o): f"outcomes[{i}]" for i, o in enumerate(study.outcomes)}
    fields.update({id(h): f"harms[{i}]" for i, h in enumerate(study.harms)})

    def row(o: Outcome) -> ResultRow:
        return result_row(study, o, derived.get(o.id, ()), tuple(absolute.get(o.id, ())), fields.get(id(o), ""))

    q = study.question
    pico = [("Population", _flat(q.population))]
    if q.eligibility:
        pico.append(("Eligibility", "; ".join(_flat(e) for e in q.eligibility)))
    if q.baseline:
        pico.append(("Participants", _flat(q.baseline)))
    pico.append(("Intervention", _flat(q.intervention)))
    if q.comparator:
        pico.append(("Comparator", _flat(q.comparator)))
    if q.outcomes:
        pico.append(("Outcomes", "; ".join(_flat(o) for o in q.outcomes)))
    if q.setting:
        pico.append(("Setting", _flat(q.setting)))

    registrations = tuple((f"{_flat(r.registry)} {_flat(r.identifier)}",
                           registry_url(r.registry, r.identifier, r.url)) for r in study.registrations)
    appraisal = study.appraisal
    study_rob = rob_rows(appraisal.rob2) if appraisal and appraisal.rob2 else ()
    date = build_date()
    questions = [q if isinstance(q, str) else q.question for q in study.discussion_questions]
    answers = [None if isinstance(q, str) else text_or_placeholder(q.answer) for q in study.discussion_questions]
    kept = [(_flat(qu), a) for qu, a in zip(questions, answers, strict=True) if not is_placeholder(qu)]
    return Content(
        id=study.id,
        name=_flat(study.name),
        title=_flat(study.title),
        citation=citation_text(study),
        doi_url=f"https://doi.org/{study.citation.doi}" if study.citation and study.citation.doi else None,
        registry="; ".join(text for text, _ in registrations) or None,
        registry_url=registrations[0][1] if registrations else None,
        bottom_line=text_or_placeholder(study.conclusions.bottom_line) or NOT_YET,
        pico=tuple(pico),
        design_summary=design_summary(study),
        arm_names=tuple(short for _, short, _ in result_columns(study)),
        arm_labels=tuple(label for _, _, label in result_columns(study)),
        primary_rows=tuple(row(o) for o in study.primary_outcomes),
        secondary_rows=tuple(row(o) for o in study.secondary_outcomes),
        outcomes_note=text_or_placeholder(study.outcomes_note) or None,
        harm_rows=tuple(row(h) for h in study.harms),
        key_messages=_items(study.conclusions.key_messages, say_missing=True),
        authors_conclusion=text_or_placeholder(study.conclusions.authors) if study.conclusions.authors else None,
        open_questions=_items(study.conclusions.open_questions),
        discussion_questions=tuple(qu for qu, _ in kept),
        rob_rows=study_rob,
        strengths=_items(appraisal.strengths) if appraisal else (),
        limitations=_items(appraisal.limitations, say_missing=True) if appraisal else (),
        grade=_grade(study),
        appraisal_by=(text_or_placeholder(appraisal.assessed_by) or None) if appraisal else None,
        funding=text_or_placeholder(study.funding) or None,
        interests=text_or_placeholder(study.interests) or None,
        footer=f"Record {study.id} · evidence-brief {__version__} · built {date}",
        build_date=date,
        notes=notes,
        notes_beside=notes if notes_beside is None else notes_beside,
        registrations=registrations,
        design_facts=design_facts(study),
        discussion_answers=tuple(a for _, a in kept),
        sources=text_or_placeholder(study.sources) or None,
        shared_care=shared_care(study),
        comparison=single_comparison(study),
        arm_columns=[key for key, _, _ in result_columns(study)] == [a.id for a in study.arms],
        outcome_rob=tuple(OutcomeRob(_flat(o.label), rob_rows(o.risk_of_bias))
                          for o in [*study.outcomes, *study.harms] if o.risk_of_bias and o.risk_of_bias.domains()),
        journal=journal_text(study),
        link_url=study.citation.url if study.citation and study.citation.url else None,
        protocol=_flat(study.protocol) or None,
        rationale=_flat(q.rationale) or None,
        enrolment=_flat(study.design.enrolment_period) or None,
        masking=(_flat(study.design.masking).rstrip(".") + ".") if study.design.masking else None,
        arms=tuple(ArmText(_flat(a.label), _flat(a.short), count(a.randomized) if known(a.randomized) is not None
                           else None, _flat(a.description) or None, _flat(a.target) or None) for a in study.arms),
        flow=flow_text(study),
        audit_warnings=warning_texts(warnings),
        citation_short=citation_text(study, with_title=False) if study.citation and study.citation.title else None,
        design_basics=design_basics(study),
        question_outcomes=tuple(_flat(o) for o in q.outcomes),
        creators=creators_text(study),
        year=str(study.citation.year) if study.citation else None,
        design_type=study.design.type,
    )


def creators_text(record: Study | Review) -> str | None:
    """"Møller-Bisgaard S, Hørslev-Petersen K, Ejbjerg B, et al; IMAGINE-RA group": the citation's authors and
    group (None without either)."""
    c = record.citation
    if c is None or not (c.authors or getattr(c, "group", None)):
        return None
    people = ", ".join(_flat(a) for a in c.authors) + (", et al" if c.et_al and c.authors else "")
    return "; ".join(x for x in (people, _flat(getattr(c, "group", None))) if x)


DESIGN_KIND = {"parallel": "Parallel-group", "single-group": "Single-group", "crossover": "Crossover",
               "cluster": "Cluster-randomized", "factorial": "Factorial"}


def design_basics(study: Study) -> tuple[str, ...]:
    """What a design diagram does not show of the design: the kind of trial, where (when no setting is given),
    masking; ``Content.design_facts`` hold the rest."""
    d = study.design
    parts = [f"{DESIGN_KIND[d.type]} {'trial' if d.randomized else 'study'}"
             + (f" (phase {_flat(d.phase)})" if d.phase else "")]
    if not study.question.setting:
        where = centres_text(d.centres, d.countries)
        if where:
            parts.append(where)
    if d.masking:
        parts.append("masking: " + _flat(d.masking))
    return tuple(parts)


def journal_text(study: Study | Review) -> str | None:
    """"N Engl J Med 2019": the journal and year of the record's (trial's or review's) citation."""
    c = study.citation
    return f"{_flat(c.journal)} {c.year}" if c else None


def flow_text(study: Study) -> FlowText | None:
    flow = study.flow
    if flow is None:
        return None
    arms = []
    for a in study.arms:
        af = study.arm_flow(a.id)
        counts = tuple(count(getattr(af, stage)) for stage in FLOW_STAGES) if af is not None else None
        arms.append((_flat(a.label), _flat(a.short), counts))
    return FlowText(count(flow.assessed), count(flow.excluded), count(flow.randomized),
                    tuple((_flat(r.reason), count(r.n)) for r in flow.excluded_reasons), tuple(arms))


def warning_texts(findings: Iterable[Finding]) -> tuple[str, ...]:
    """Each audit finding of severity "warning" in full, message then detail, once each."""
    out: list[str] = []
    for f in findings:
        if str(getattr(f, "severity", "")).lower() != "warning":
            continue
        text = " ".join(f"{f.message} {f.detail or ''}".split())
        if text and text not in out:
            out.append(text)
    return tuple(out)
