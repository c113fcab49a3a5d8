"""What the study is, in words: citation, design, dates, registration.

In:  a ``Study`` (``citation_text`` and ``journal_text`` a review too), ``SOURCE_DATE_EPOCH``.
Out: strings and (label, text) facts for the design panel, the citation and the footer date.
"""

from __future__ import annotations

import datetime as _dt
import os
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..model import Factor, Study, is_placeholder, known
from .effects import hypothesis_text
from .formatting import _flat, missing, number, text_or_placeholder

if TYPE_CHECKING:
    from ..review.model import Review


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


def design_facts(study: Study, factor_labels: bool = True) -> tuple[tuple[str, str], ...]:
    """The design facts beyond the kind of trial, each labelled: hypothesis and margin, analysis,
    clusters, factorial structure, stopped early, co-interventions, when participants were enrolled.
    ``factor_labels=False``: each factor by its levels' arms only (beside an intervention row that says
    what the factors are)."""
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
        parts = [factor_text(study, f, factor_labels) for f in d.factorial.factors]
        if d.factorial.interaction:
            parts.append(f"interaction between factors: {text_or_placeholder(d.factorial.interaction)}")
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
    if d.enrolment_period and not is_placeholder(d.enrolment_period):
        facts.append(("Enrolment", _flat(d.enrolment_period)))
    return tuple(facts)


def shared_care(study: Study) -> tuple[str, str] | None:
    """("Both arms" / "All arms", what every arm received alike), or None."""
    items = [_flat(c) for c in study.design.co_interventions if not is_placeholder(c)]
    if not items:
        return None
    return ("Both arms" if len(study.arms) == 2 else "All arms", "; ".join(items))


def factor_text(study: Study, factor: Factor, labelled: bool = True) -> str:
    """"Vitamin D3 vs placebo: Vitamin D = D + n−3 and D + placebo; Placebo (D) = Placebo + n−3 and Both
    placebos" (a level without arms is named alone; ``labelled=False``: without the factor's label)."""
    names = {a.id: _flat(a.short) for a in study.arms}
    levels = []
    for g in factor.groups:
        arms = [names[a] for a in g.arms if a in names]
        joined = ", ".join(arms[:-1]) + f" and {arms[-1]}" if len(arms) > 1 else "".join(arms)
        levels.append(f"{_flat(g.short)} = {joined}" if arms else _flat(g.short))
    return (f"{_flat(factor.label)}: " if labelled else "") + "; ".join(levels)


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
