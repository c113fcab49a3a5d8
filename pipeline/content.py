"""The words and numbers every renderer shows, formatted once.

In:  a valid ``Study`` (and optionally the audit's findings and derived effects).
Out: ``Content``: plain strings and rows (citation, PICO, results table,
     harms, appraisal, conclusions, footer). The PDF brief and the deck both
     draw from this, so they can never disagree about a number.

Conventions: the minus sign is U+2212; a count the record lacks reads
"not reported", never 0; numbers are shown as the record gives them (no
extra decimals); recomputed values are marked "(recomputed)".
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field

from . import __version__
from .errors import UsageError
from .model import ArmResult, Effect, Outcome, Study, is_placeholder, known

NR = "not reported"
NOT_YET = "not yet written"
MINUS = "\u2212"


def number(value: float | int | None, decimals: int | None = None) -> str:
    """``-4.8`` -> ``−4.8``; ``85.0`` -> ``85``; None -> "not reported"."""
    if value is None:
        return NR
    if decimals is not None:
        text = f"{value:.{decimals}f}"
    elif float(value).is_integer():
        text = str(int(value))
    else:
        text = f"{value:.10g}"
    return text.replace("-", MINUS)


def signed(value: float | None, decimals: int | None = None) -> str:
    """Like ``number`` but with an explicit + for positive differences."""
    text = number(value, decimals)
    return f"+{text}" if value is not None and value > 0 else text


def count(value: int | str | None) -> str:
    n = known(value)
    return NR if n is None else f"{n:,}"


def text_or_placeholder(value: str | None) -> str | None:
    """Free text on one line (white space folded), "not yet written" for a placeholder, None for None."""
    if value is None:
        return None
    return NOT_YET if is_placeholder(value) else _flat(value)


def p_value(p: float | str | None) -> str:
    if p is None:
        return NR
    if isinstance(p, str):
        p = p.strip()
        if p.lower() == NR:
            return NR
        return p if p.upper().startswith("P") else f"P {p}" if p[0] in "<>=≤≥" else f"P = {p}"
    if p < 0.001:
        return "P < 0.001"
    return f"P = {p:.3g}" if p < 0.01 else f"P = {p:.2f}"


def arm_cell(result: ArmResult | None, kind: str) -> str:
    """One arm's result as reported: "64/76 (84%)", "64 (85%)", "mean 3.1 (SD 1.2)"..."""
    if result is None:
        return NR
    events, total = known(result.events), known(result.total)
    pct = f" ({number(result.percent)}%)" if result.percent is not None else ""
    if events is not None:
        return f"{events}/{total}{pct}" if total is not None else f"{events}{pct}"
    if result.mean is not None:
        sd = f" (SD {number(result.sd)})" if result.sd is not None else ""
        n = f", n = {total}" if total is not None else ""
        return f"{number(result.mean)}{sd}{n}"
    if result.median is not None:
        iqr = f" (IQR {number(result.iqr[0])} to {number(result.iqr[1])})" if result.iqr else ""
        return f"median {number(result.median)}{iqr}"
    if result.percent is not None:
        return f"{number(result.percent)}%"
    return NR


MEASURE_SHORT = {
    "risk difference": "RD", "risk ratio": "RR", "odds ratio": "OR", "hazard ratio": "HR", "rate ratio": "Rate ratio",
    "mean difference": "MD", "standardized mean difference": "SMD", "median difference": "Median difference",
}


def effect_estimate(effect: Effect | None) -> str:
    """"RD −4.8 percentage points" or "not reported"."""
    if effect is None or effect.estimate is None:
        return NR
    unit = f" {effect.unit}" if effect.unit else ""
    value = signed(effect.estimate) if not effect.is_ratio else number(effect.estimate)
    adjusted = " (adjusted)" if effect.adjusted else ""
    return f"{MEASURE_SHORT[effect.measure]} {value}{unit}{adjusted}"


def effect_ci(effect: Effect | None) -> str:
    if effect is None or effect.ci is None:
        return NR
    level = number(effect.ci_level)
    return f"{level}% CI {number(effect.ci[0])} to {number(effect.ci[1])}"


def significance(effect: Effect | None) -> str:
    if effect is None or effect.significant is None:
        return ""
    return "statistically significant" if effect.significant else "not statistically significant"


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


def split_shared_mark(derived: tuple[str, ...]) -> tuple[list[str], str | None]:
    """Recomputed values with the marking they all share said once:
    ("+110 per 1,000 (recomputed over …)", "NNTH 10 (recomputed over …)") ->
    (["+110 per 1,000", "NNTH 10"], "Recomputed over …"). Values stay whole (and the
    mark None) when they do not share one marking that says "recomputed"."""
    groups = [_trailing_group(d) for d in derived]
    if derived and all(g is not None and g[0] for g in groups) and len({g[1] for g in groups}) == 1 \
            and "recomputed" in groups[0][1].lower():
        mark = groups[0][1]
        return [g[0] for g in groups], mark[0].upper() + mark[1:]
    return list(derived), None


@dataclass(frozen=True)
class ResultRow:
    """One outcome as a table row; ``cells`` follow ``Content.arm_names``."""

    id: str
    label: str
    timepoint: str | None
    primary: bool
    cells: tuple[str, ...]
    estimate: str
    ci: str
    p: str
    significance: str
    derived: tuple[str, ...] = ()   # recomputed values, each already marked, e.g. "−30 per 1,000 (recomputed)"
    note: str | None = None


@dataclass(frozen=True)
class RobRow:
    domain: str
    judgement: str      # low / some concerns / high
    symbol: str
    word: str
    support: str


@dataclass(frozen=True)
class Content:
    id: str
    name: str                     # acronym or title
    title: str
    citation: str | None
    doi_url: str | None
    registry: str | None          # "ClinicalTrials.gov NCT01656278"
    registry_url: str | None
    bottom_line: str
    pico: tuple[tuple[str, str], ...]
    design_summary: str
    arm_names: tuple[str, ...]
    arm_labels: tuple[str, ...]
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
    return _dt.datetime.fromtimestamp(int(raw), _dt.timezone.utc)


def build_date() -> str:
    """Today, or the date of ``SOURCE_DATE_EPOCH`` when set (reproducible builds), in UTC."""
    return (source_date() or _dt.datetime.now(_dt.timezone.utc)).strftime("%Y-%m-%d")


def citation_text(study: Study) -> str | None:
    c = study.citation
    if c is None:
        return None
    authors = ", ".join(c.authors) + (", et al" if c.et_al else "")
    title = f" {c.title.strip().rstrip('.')}." if c.title else ""
    where = f" {c.journal}. {c.year}"
    if c.volume:
        where += f";{c.volume}"
        if c.issue:
            where += f"({c.issue})"
    if c.pages:
        where += f":{c.pages}"
    doi = f" doi:{c.doi}" if c.doi else ""
    return " ".join(f"{authors}.{title}{where}.{doi}".split())


def design_summary(study: Study) -> str:
    d = study.design
    parts: list[str] = []
    kind = {"parallel": "parallel-group", "single-group": "single-group", "non-inferiority": "non-inferiority"}.get(d.type, d.type)
    if d.randomized:
        parts.append(f"Randomized{' ' + d.allocation_ratio if d.allocation_ratio else ''}, {kind} trial")
    else:
        parts.append(f"Non-randomized {kind} study")
    if d.centres:
        parts.append(f"{d.centres} centre{'s' if d.centres > 1 else ''}" + (f" in {', '.join(d.countries)}" if d.countries else ""))
    elif d.countries:
        parts.append(", ".join(d.countries))
    if d.follow_up:
        parts.append(f"follow-up {d.follow_up}")
    if d.masking:
        parts.append(f"masking: {d.masking.strip()}")
    return "; ".join(" ".join(p.split()) for p in parts)


def _row(study: Study, outcome: Outcome | None, label: str, results: list[ArmResult], kind: str,
         effect: Effect | None, derived: tuple[str, ...] = (), note: str | None = None,
         timepoint: str | None = None, primary: bool = False, row_id: str = "") -> ResultRow:
    by_arm = {r.arm: r for r in results}
    return ResultRow(
        id=row_id, label=_flat(label), timepoint=timepoint, primary=primary,
        cells=tuple(arm_cell(by_arm.get(a.id), kind) for a in study.arms),
        estimate=effect_estimate(effect), ci=effect_ci(effect), p=p_value(effect.p if effect else None),
        significance=significance(effect), derived=derived, note=note,
    )


def _flat(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _items(values, *, say_missing: bool = False) -> tuple[str, ...]:
    """Free-text list items, placeholders left out; ("not yet written",) when only placeholders were
    given and ``say_missing``."""
    kept = tuple(_flat(v) for v in values if not is_placeholder(v))
    if not kept and values and say_missing:
        return (NOT_YET,)
    return kept


def build_content(study: Study, *, derived: dict[str, tuple[str, ...]] | None = None,
                  notes: tuple[str, ...] = ()) -> Content:
    """Format everything once. ``derived`` maps outcome id -> recomputed values (from the audit)."""
    derived = derived or {}
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

    def outcome_row(o: Outcome) -> ResultRow:
        return _row(study, o, o.label, o.results, o.kind, o.effect, derived.get(o.id, ()), _flat(o.note) or None,
                    _flat(o.timepoint) or None, o.primary, o.id)

    harms = tuple(_row(study, None, h.label, h.results, "binary", None, derived.get(f"harm-{i}", ()), row_id=f"harm-{i}")
                  for i, h in enumerate(study.harms))
    reg = study.registration
    registry_url = None
    if reg:
        registry_url = reg.url or (f"https://clinicaltrials.gov/study/{reg.identifier}"
                                   if reg.identifier.upper().startswith("NCT") else None)
    appraisal = study.appraisal
    rob_rows: tuple[RobRow, ...] = ()
    if appraisal and appraisal.rob2:
        from .theme import ROB_SYMBOL, ROB_WORD
        rob_rows = tuple(RobRow(title, d.judgement, ROB_SYMBOL[d.judgement], ROB_WORD[d.judgement],
                                text_or_placeholder(d.support))
                         for title, d in appraisal.rob2.domains())
    grade = None
    if appraisal and appraisal.grade:
        g = appraisal.grade
        grade = f"GRADE certainty: {g.certainty}" + (f" ({_flat(g.outcome)})" if g.outcome else "") + \
                (f": {_flat(g.reasons)}" if g.reasons else "")
    date = build_date()
    return Content(
        id=study.id,
        name=_flat(study.name),
        title=_flat(study.title),
        citation=citation_text(study),
        doi_url=f"https://doi.org/{study.citation.doi}" if study.citation and study.citation.doi else None,
        registry=f"{_flat(reg.registry)} {_flat(reg.identifier)}" if reg else None,
        registry_url=registry_url,
        bottom_line=text_or_placeholder(study.conclusions.bottom_line) or NOT_YET,
        pico=tuple(pico),
        design_summary=design_summary(study),
        arm_names=tuple(_flat(a.short) for a in study.arms),
        arm_labels=tuple(_flat(a.label) for a in study.arms),
        primary_rows=tuple(outcome_row(o) for o in study.primary_outcomes),
        secondary_rows=tuple(outcome_row(o) for o in study.secondary_outcomes),
        outcomes_note=_flat(study.outcomes_note) or None,
        harm_rows=harms,
        key_messages=_items(study.conclusions.key_messages, say_missing=True),
        authors_conclusion=text_or_placeholder(study.conclusions.authors) if study.conclusions.authors else None,
        open_questions=_items(study.conclusions.open_questions),
        discussion_questions=_items(study.discussion_questions),
        rob_rows=rob_rows,
        strengths=_items(appraisal.strengths) if appraisal else (),
        limitations=_items(appraisal.limitations, say_missing=True) if appraisal else (),
        grade=grade,
        appraisal_by=(text_or_placeholder(appraisal.assessed_by) or None) if appraisal else None,
        funding=text_or_placeholder(study.funding) or None,
        interests=text_or_placeholder(study.interests) or None,
        footer=f"Record {study.id} · evidence-brief {__version__} · built {date}",
        build_date=date,
        notes=notes,
    )
